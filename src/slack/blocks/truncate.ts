import { escapeMrkdwn } from "./escape-mrkdwn.js";

const ELLIPSIS = "…";

/** Length limits of Slack's Block Kit that the builders stay within. */
export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  contextElements: 10,
  contextText: 3000,
  headerText: 150,
  buttonText: 75,
  optionText: 75,
  placeholderText: 150,
  actionsElements: 25,
  blockId: 255,
  actionId: 255,
  buttonValue: 2000,
} as const;

// Never leave half of a surrogate pair at the end of a cut.
function cutAt(text: string, end: number): string {
  const last = text.charCodeAt(end - 1);
  return last >= 0xd800 && last <= 0xdbff ? text.slice(0, end - 1) : text.slice(0, end);
}

/** Shortens plain text to at most `max` UTF-16 units, ending with `…` when cut. */
export function truncatePlain(text: string, max: number): string {
  if (text.length <= max) return text;
  return cutAt(text, Math.max(0, max - ELLIPSIS.length)) + ELLIPSIS;
}

/**
 * Shortens mrkdwn to at most `max` UTF-16 units without cutting through an entity
 * (`&amp;`) or a `<…>` token (mention, link), which Slack would show as garbage.
 */
export function truncateMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  let head = cutAt(text, Math.max(0, max - ELLIPSIS.length));
  const open = head.lastIndexOf("<");
  if (open > head.lastIndexOf(">")) head = head.slice(0, open);
  const entity = /&[#a-zA-Z0-9]*$/.exec(head);
  if (entity) head = head.slice(0, entity.index);
  return head + ELLIPSIS;
}

/** Escapes outside text for mrkdwn and shortens the result to at most `max` units. */
export function escapeTruncated(text: string, max: number): string {
  // Escaping can at most quintuple the length; cutting first keeps huge inputs cheap.
  return truncateMrkdwn(escapeMrkdwn(truncatePlain(text, max + 1)), max);
}
