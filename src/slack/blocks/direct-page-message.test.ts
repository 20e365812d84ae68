import type { ContextBlock, HeaderBlock, KnownBlock, SectionBlock } from "@slack/types";
import { describe, expect, it } from "vitest";
import { ACTION_ACK, ACTION_ADD_RESPONDER, ACTION_ESCALATE, ACTION_RESOLVE, ACTION_SILENCE, ACTION_UNACK, ACTION_UNRESOLVE, ACTION_UNSILENCE, parseActionsBlockId } from "./action-ids.js";
import type { AlertGroupState } from "./alert-group-view.js";
import { blockKitProblems } from "./block-kit-problems.js";
import { DIRECT_PAGE_BLOCK_IDS, directPageMessage } from "./direct-page-message.js";
import { sampleView } from "./sample-view.js";

const OPTS = { timezone: "Europe/Berlin", channelPermalink: "https://acme.slack.com/archives/C1/p1741093380000100", important: false };

function byId<T extends KnownBlock>(blocks: KnownBlock[], id: string): T | undefined {
  return blocks.find((b) => b.block_id === id) as T | undefined;
}

describe("directPageMessage", () => {
  it("tells the person they are paged, with title, severity, count and the channel link", () => {
    const { text, blocks } = directPageMessage(sampleView(), OPTS);
    expect(text).toBe("📟 You are being paged: #42 HighLatency (cluster=prod) — firing, critical, 2 firing, 1 resolved");
    expect(byId<HeaderBlock>(blocks, DIRECT_PAGE_BLOCK_IDS.header)?.text.text).toBe("📟 You are being paged");
    expect(byId<SectionBlock>(blocks, DIRECT_PAGE_BLOCK_IDS.alert)?.text?.text).toBe(
      [
        "*🔴 #42 HighLatency*",
        "*Firing* · severity *critical* · 2 firing, 1 resolved · via *prod-alertmanager*",
        "<https://acme.slack.com/archives/C1/p1741093380000100|View the alert in the channel>",
      ].join("\n"),
    );
    expect(byId<SectionBlock>(blocks, DIRECT_PAGE_BLOCK_IDS.message)?.text?.text).toBe("p99 latency above 2s for 10 minutes");
    const status = byId<ContextBlock>(blocks, DIRECT_PAGE_BLOCK_IDS.status)?.elements[0];
    expect(status && status.type === "mrkdwn" ? status.text : "").toBe("Started Tue 4 Mar, 14:03 CET · last alert 14:20 CET");
    expect(blockKitProblems(blocks)).toEqual([]);
  });

  it("marks important pages with ❗", () => {
    const { text, blocks } = directPageMessage(sampleView(), { ...OPTS, important: true });
    expect(text.startsWith("❗ You are being paged (important): #42 HighLatency")).toBe(true);
    expect(byId<HeaderBlock>(blocks, DIRECT_PAGE_BLOCK_IDS.header)?.text.text).toBe("❗ You are being paged (important)");
  });

  it("leaves the link out when the permalink is unknown", () => {
    const { blocks } = directPageMessage(sampleView(), { ...OPTS, channelPermalink: null });
    expect(byId<SectionBlock>(blocks, DIRECT_PAGE_BLOCK_IDS.alert)?.text?.text).not.toContain("View the alert");
  });

  const cases: [AlertGroupState, string[]][] = [
    ["firing", [ACTION_ACK, ACTION_ESCALATE, ACTION_RESOLVE, ACTION_SILENCE, ACTION_ADD_RESPONDER]],
    ["acknowledged", [ACTION_UNACK, ACTION_RESOLVE, ACTION_ADD_RESPONDER]],
    ["silenced", [ACTION_UNSILENCE, ACTION_ACK, ACTION_RESOLVE]],
    ["resolved", [ACTION_UNRESOLVE]],
  ];
  it.each(cases)("offers the channel message's buttons when %s", (state, expected) => {
    const { blocks } = directPageMessage(sampleView({ state, acknowledgedBy: "U9" }), OPTS);
    const actions = blocks.filter((b) => b.type === "actions");
    expect(actions).toHaveLength(1);
    const block = actions[0]!;
    expect(block.type === "actions" ? block.elements.map((e) => ("action_id" in e ? e.action_id : undefined)) : []).toEqual(expected);
    expect(parseActionsBlockId(block.block_id)).toBe("grp_abc123");
  });

  it("reads 'were paged' once the group is handled, and says who handled it", () => {
    const view = sampleView({ state: "acknowledged", acknowledgedBy: "U9", acknowledgedAt: new Date("2025-03-04T13:06:00Z") });
    const { blocks } = directPageMessage(view, OPTS);
    expect(byId<HeaderBlock>(blocks, DIRECT_PAGE_BLOCK_IDS.header)?.text.text).toBe("📟 You were paged");
    const status = byId<ContextBlock>(blocks, DIRECT_PAGE_BLOCK_IDS.status)?.elements[0];
    expect(status && status.type === "mrkdwn" ? status.text : "").toMatch(/^Acknowledged by <@U9> at 14:06 CET · /);
  });

  it("a responder's page on an acknowledged group asks for help: Acknowledge answers it, no Unacknowledge of someone else's", () => {
    const view = sampleView({ state: "acknowledged", acknowledgedBy: "U9", acknowledgedAt: new Date("2025-03-04T13:06:00Z") });
    const { text, blocks } = directPageMessage(view, { ...OPTS, responder: true });
    expect(text.startsWith("📟 You are asked to help: #42 HighLatency")).toBe(true);
    expect(byId<SectionBlock>(blocks, DIRECT_PAGE_BLOCK_IDS.alert)?.text?.text).toContain("\nYou were added as a responder; <@U9> acknowledged it and is on it.\n");
    const block = blocks.find((b) => b.type === "actions");
    expect(block?.type === "actions" ? block.elements.map((e) => ("action_id" in e ? e.action_id : undefined)) : []).toEqual([ACTION_ACK, ACTION_RESOLVE]);
    expect(blockKitProblems(blocks)).toEqual([]);
  });

  it("a responder's page on a firing group is the usual page, saying they were added", () => {
    const { text, blocks } = directPageMessage(sampleView(), { ...OPTS, responder: true });
    expect(text.startsWith("📟 You are being paged: ")).toBe(true);
    expect(byId<SectionBlock>(blocks, DIRECT_PAGE_BLOCK_IDS.alert)?.text?.text).toContain("\nYou were added as a responder.\n");
    const block = blocks.find((b) => b.type === "actions");
    expect(block?.type === "actions" ? block.elements.map((e) => ("action_id" in e ? e.action_id : undefined)) : []).toEqual([ACTION_ACK, ACTION_ESCALATE, ACTION_RESOLVE, ACTION_SILENCE, ACTION_ADD_RESPONDER]);
  });

  it("escapes hostile text and stays within limits", () => {
    const view = sampleView({ title: `<!channel> ${"t".repeat(5000)}`, message: "<@U1> & ".repeat(2000), severity: "<!here>" });
    const { text, blocks } = directPageMessage(view, { ...OPTS, channelPermalink: "javascript:alert(1)" });
    expect(blockKitProblems(blocks)).toEqual([]);
    expect(text).not.toContain("<!");
    const all = blocks.flatMap((b) => (b.type === "section" && b.text ? [b.text.text] : []));
    for (const t of all) expect(t).not.toMatch(/<!|<@U1|javascript/);
    expect(byId<SectionBlock>(blocks, DIRECT_PAGE_BLOCK_IDS.message)?.text?.text.length).toBeLessThanOrEqual(500);
  });
});
