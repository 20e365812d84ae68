import type { KnownBlock, TextObject } from "@slack/types";
import { SLACK_LIMITS } from "./truncate.js";

const BLOCK_TYPES = new Set(["actions", "context", "divider", "header", "image", "section", "rich_text", "markdown"]);
const ELEMENT_TYPES = new Set(["button", "static_select", "overflow", "datepicker"]);

/**
 * Checks blocks against the Slack limits these builders rely on and returns one
 * line per problem (empty when the message is valid). Used by the tests; cheap
 * enough for the shell or fake Slack servers to call before sending.
 */
export function blockKitProblems(blocks: readonly KnownBlock[]): string[] {
  const problems: string[] = [];
  const blockIds = new Set<string>();
  const actionIds = new Set<string>();
  const text = (where: string, t: TextObject | undefined, max: number, kind?: "plain_text"): void => {
    if (!t) return void problems.push(`${where}: missing text`);
    if (kind && t.type !== kind) problems.push(`${where}: text must be ${kind}`);
    if (t.type !== "plain_text" && t.type !== "mrkdwn") problems.push(`${where}: bad text type ${String((t as { type: unknown }).type)}`);
    if (t.text.length < 1) problems.push(`${where}: empty text`);
    if (t.text.length > max) problems.push(`${where}: text ${t.text.length} > ${max}`);
  };
  if (blocks.length > SLACK_LIMITS.blocksPerMessage) problems.push(`${blocks.length} blocks > ${SLACK_LIMITS.blocksPerMessage}`);
  blocks.forEach((block, i) => {
    const where = `blocks[${i}] (${block.type})`;
    if (!BLOCK_TYPES.has(block.type)) problems.push(`${where}: unknown block type`);
    if (block.block_id !== undefined) {
      if (block.block_id.length < 1 || block.block_id.length > SLACK_LIMITS.blockId) problems.push(`${where}: block_id length`);
      if (blockIds.has(block.block_id)) problems.push(`${where}: duplicate block_id ${block.block_id}`);
      blockIds.add(block.block_id);
    }
    switch (block.type) {
      case "header":
        text(where, block.text, SLACK_LIMITS.headerText, "plain_text");
        break;
      case "section":
        if (!block.text && !block.fields) problems.push(`${where}: needs text or fields`);
        if (block.text) text(where, block.text, SLACK_LIMITS.sectionText);
        break;
      case "context":
        if (block.elements.length < 1 || block.elements.length > SLACK_LIMITS.contextElements) problems.push(`${where}: ${block.elements.length} elements`);
        for (const el of block.elements) {
          if (el.type === "plain_text" || el.type === "mrkdwn") text(where, el, SLACK_LIMITS.contextText);
        }
        break;
      case "actions":
        if (block.elements.length < 1 || block.elements.length > SLACK_LIMITS.actionsElements) problems.push(`${where}: ${block.elements.length} elements`);
        for (const el of block.elements) {
          if (!ELEMENT_TYPES.has(el.type)) problems.push(`${where}: unexpected element ${el.type}`);
          const actionId = "action_id" in el ? el.action_id : undefined;
          if (actionId === undefined || actionId.length < 1 || actionId.length > SLACK_LIMITS.actionId) problems.push(`${where}: action_id missing or too long`);
          else if (actionIds.has(actionId)) problems.push(`${where}: duplicate action_id ${actionId}`);
          else actionIds.add(actionId);
          if (el.type === "button") {
            text(`${where} button`, el.text, SLACK_LIMITS.buttonText, "plain_text");
            if (el.value !== undefined && el.value.length > SLACK_LIMITS.buttonValue) problems.push(`${where}: button value too long`);
          }
          if (el.type === "static_select") {
            if (el.placeholder) text(`${where} placeholder`, el.placeholder, SLACK_LIMITS.placeholderText, "plain_text");
            const options = el.options ?? [];
            if (options.length < 1 || options.length > 100) problems.push(`${where}: ${options.length} options`);
            for (const o of options) {
              text(`${where} option`, o.text, SLACK_LIMITS.optionText, "plain_text");
              if (o.value === undefined || o.value.length < 1 || o.value.length > 150) problems.push(`${where}: option value length`);
            }
          }
        }
        break;
      default:
        break;
    }
  });
  return problems;
}
