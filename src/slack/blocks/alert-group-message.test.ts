import type { ActionsBlock, ContextBlock, HeaderBlock, KnownBlock, SectionBlock } from "@slack/types";
import { describe, expect, it } from "vitest";
import {
  ACTION_ACK,
  ACTION_ADD_RESPONDER,
  ACTION_ESCALATE,
  ACTION_RESOLVE,
  ACTION_SILENCE,
  ACTION_UNACK,
  ACTION_UNRESOLVE,
  ACTION_UNSILENCE,
  parseActionValue,
  parseActionsBlockId,
} from "./action-ids.js";
import { ALERT_GROUP_BLOCK_IDS, alertGroupMessage } from "./alert-group-message.js";
import type { AlertGroupState } from "./alert-group-view.js";
import { blockKitProblems } from "./block-kit-problems.js";
import { sampleView } from "./sample-view.js";

const TZ = { timezone: "Europe/Berlin" };

function blockById<T extends KnownBlock>(blocks: KnownBlock[], id: string): T | undefined {
  return blocks.find((b) => b.block_id === id) as T | undefined;
}
function actions(blocks: KnownBlock[]): ActionsBlock {
  const found = blocks.filter((b): b is ActionsBlock => b.type === "actions");
  expect(found).toHaveLength(1);
  return found[0]!;
}
function actionIds(blocks: KnownBlock[]): string[] {
  return actions(blocks).elements.map((e) => ("action_id" in e ? (e.action_id ?? "") : ""));
}
function mrkdwnOf(blocks: KnownBlock[]): string[] {
  const out: string[] = [];
  for (const b of blocks) {
    if (b.type === "section" && b.text) out.push(b.text.text);
    if (b.type === "context") for (const e of b.elements) if (e.type === "mrkdwn") out.push(e.text);
  }
  return out;
}
function statusText(blocks: KnownBlock[]): string {
  const ctx = blockById<ContextBlock>(blocks, ALERT_GROUP_BLOCK_IDS.status);
  const el = ctx?.elements[0];
  return el && el.type === "mrkdwn" ? el.text : "";
}

describe("alertGroupMessage buttons", () => {
  const cases: [AlertGroupState, string[]][] = [
    ["firing", [ACTION_ACK, ACTION_ESCALATE, ACTION_RESOLVE, ACTION_SILENCE, ACTION_ADD_RESPONDER]],
    ["acknowledged", [ACTION_UNACK, ACTION_RESOLVE, ACTION_ADD_RESPONDER]],
    ["silenced", [ACTION_UNSILENCE, ACTION_ACK, ACTION_RESOLVE]],
    ["resolved", [ACTION_UNRESOLVE]],
  ];
  it.each(cases)("%s shows exactly %j", (state, expected) => {
    const { blocks } = alertGroupMessage(sampleView({ state }), TZ);
    expect(actionIds(blocks)).toEqual(expected);
    expect(blockKitProblems(blocks)).toEqual([]);
  });

  it("buttons carry the group id, the block id does too (for the silence menu)", () => {
    const { blocks } = alertGroupMessage(sampleView(), TZ);
    const block = actions(blocks);
    expect(parseActionsBlockId(block.block_id)).toBe("grp_abc123");
    for (const el of block.elements) {
      if (el.type === "button") expect(parseActionValue(el.value)).toBe("grp_abc123");
    }
  });

  it("Acknowledge is primary when firing; the silence menu offers the fixed durations", () => {
    const block = actions(alertGroupMessage(sampleView(), TZ).blocks);
    const [ack, escalate, resolve, menu] = block.elements;
    expect(ack).toMatchObject({ type: "button", style: "primary", text: { text: "Acknowledge" } });
    expect(escalate).toMatchObject({ type: "button", text: { text: "Escalate" } });
    expect(resolve).not.toHaveProperty("style");
    expect(menu?.type).toBe("static_select");
    const values = menu?.type === "static_select" ? menu.options?.map((o) => o.value) : [];
    expect(values).toEqual(["30m", "1h", "2h", "4h", "8h", "24h", "forever"]);
  });

  it("block and action ids are stable across renders and states", () => {
    const a = alertGroupMessage(sampleView(), TZ).blocks.map((b) => b.block_id);
    const b = alertGroupMessage(sampleView({ message: "changed", alertCount: 9 }), TZ).blocks.map((x) => x.block_id);
    expect(a).toEqual(b);
    expect(a.every((id) => typeof id === "string" && id.length > 0)).toBe(true);
  });
});

describe("alertGroupMessage content", () => {
  it("renders header, summary, message, labels, alerts, links, status, actions", () => {
    const { blocks } = alertGroupMessage(sampleView(), TZ);
    expect(blocks.map((b) => b.type)).toEqual(["header", "section", "section", "section", "section", "section", "context", "actions"]);
    expect(blockById<HeaderBlock>(blocks, ALERT_GROUP_BLOCK_IDS.header)?.text).toEqual({ type: "plain_text", text: "🔴 #42 HighLatency", emoji: true });
    expect(blockById<SectionBlock>(blocks, ALERT_GROUP_BLOCK_IDS.summary)?.text?.text).toBe(
      "*Firing* · severity *critical* · 2 firing, 1 resolved · via *prod-alertmanager*",
    );
    expect(blockById<SectionBlock>(blocks, ALERT_GROUP_BLOCK_IDS.message)?.text?.text).toBe("p99 latency above 2s for 10 minutes");
    expect(blockById<SectionBlock>(blocks, ALERT_GROUP_BLOCK_IDS.labels)?.text?.text).toBe(
      "`alertname=HighLatency` `cluster=prod` `severity=critical`",
    );
    expect(blockById<SectionBlock>(blocks, ALERT_GROUP_BLOCK_IDS.alerts)?.text?.text).toBe(
      ["*Latest 2 of 3 alerts*", "🔴 `instance=api-1:9090` — api-1 p99 is 2.4s", "✅ `instance=api-2:9090` — api-2 p99 is 2.1s"].join("\n"),
    );
    // One generator URL for all alerts: a single "Source" link, `&` left alone inside it.
    expect(blockById<SectionBlock>(blocks, ALERT_GROUP_BLOCK_IDS.links)?.text?.text).toBe(
      "<https://wiki.example.com/runbooks/high-latency|Runbook> · <http://prometheus:9090/graph?g0.expr=latency&g0.tab=1|Source> · " +
        "<http://alertmanager:9093/#/silences/new?filter=%7Balertname%3D%22HighLatency%22%7D|Silence in Alertmanager>",
    );
    expect(statusText(blocks)).toBe("Started Tue 4 Mar, 14:03 CET · last alert 14:20 CET");
  });

  it("names every link once for an Alertmanager group (no second Source or Silence)", () => {
    const source = "http://prometheus:9090/graph?g0.expr=latency&g0.tab=1";
    const silence = "http://alertmanager:9093/#/silences/new?filter=%7Balertname%3D%22HighLatency%22%7D";
    // The links as the Alertmanager parser stores them, and alerts that all name the same source.
    const view = sampleView({
      links: [
        { title: "Source", url: source },
        { title: "Silence", url: silence },
        { title: "Alertmanager", url: "http://alertmanager:9093" },
      ],
      silenceUrl: silence,
    });
    const linksOf = (v: typeof view) => blockById<SectionBlock>(alertGroupMessage(v, TZ).blocks, ALERT_GROUP_BLOCK_IDS.links)?.text?.text;
    expect(linksOf(view)).toBe(`<${source}|Source> · <http://alertmanager:9093|Alertmanager> · <${silence}|Silence in Alertmanager>`);
    // A resolved group offers no silence at all.
    expect(linksOf({ ...view, state: "resolved" })).toBe(`<${source}|Source> · <http://alertmanager:9093|Alertmanager>`);
  });

  it("links the group's timeline page last when PUBLIC_URL is set, and shows a links section for it alone", () => {
    const source = "http://prometheus:9090/graph?g0.expr=latency";
    const view = sampleView({ links: [{ title: "Source", url: source }], silenceUrl: null, alerts: [] });
    const linksOf = (v: typeof view, timelineUrl?: string | null) =>
      blockById<SectionBlock>(alertGroupMessage(v, { ...TZ, timelineUrl }).blocks, ALERT_GROUP_BLOCK_IDS.links)?.text?.text;
    expect(linksOf(view, "https://calpage.example.com/web/groups/42")).toBe(`<${source}|Source> · <https://calpage.example.com/web/groups/42|Timeline>`);
    expect(linksOf(view, null)).toBe(`<${source}|Source>`);
    expect(linksOf(view)).toBe(`<${source}|Source>`);
    const bare = sampleView({ links: [], silenceUrl: null, alerts: [] });
    expect(linksOf(bare, "https://calpage.example.com/web/groups/42")).toBe("<https://calpage.example.com/web/groups/42|Timeline>");
    expect(linksOf(bare, "javascript:alert(1)")).toBeUndefined();
  });

  it("counts firing and resolved alerts apart, and what the source left out", () => {
    const view = sampleView({ alertCount: 5, firingCount: 3 });
    const { text, blocks } = alertGroupMessage(view, TZ);
    expect(blockById<SectionBlock>(blocks, ALERT_GROUP_BLOCK_IDS.summary)?.text?.text).toBe(
      "*Firing* · severity *critical* · 3 firing, 2 resolved · via *prod-alertmanager*",
    );
    expect(text).toBe("🔴 #42 HighLatency (cluster=prod) — firing, critical, 3 firing, 2 resolved");
    const big = alertGroupMessage(sampleView({ alertCount: 1000, firingCount: 1000, truncatedAlerts: 500 }), TZ);
    expect(blockById<SectionBlock>(big.blocks, ALERT_GROUP_BLOCK_IDS.summary)?.text?.text).toContain("· 1000 alerts and 500 more not sent ·");
    expect(blockById<SectionBlock>(big.blocks, ALERT_GROUP_BLOCK_IDS.alerts)?.text?.text).toMatch(/^\*Latest 2 of 1000 alerts\*/);
  });

  it("gives each alert its own source link when they differ", () => {
    const base = sampleView();
    const view = sampleView({ alerts: base.alerts.map((a, i) => ({ ...a, generatorUrl: `https://prom-${i}.example.com/graph` })) });
    const { blocks } = alertGroupMessage(view, TZ);
    const alerts = blockById<SectionBlock>(blocks, ALERT_GROUP_BLOCK_IDS.alerts)?.text?.text ?? "";
    expect(alerts).toContain("· <https://prom-0.example.com/graph|source>");
    expect(alerts).toContain("· <https://prom-1.example.com/graph|source>");
    expect(blockById<SectionBlock>(blocks, ALERT_GROUP_BLOCK_IDS.links)?.text?.text).not.toContain("Source");
  });

  it("leaves out empty parts: no message, labels, alerts or links", () => {
    const view = sampleView({ message: null, labels: {}, alerts: [], links: [], silenceUrl: null, severity: null, alertCount: 1 });
    const { blocks, text } = alertGroupMessage(view, TZ);
    expect(blocks.map((b) => b.block_id)).toEqual([
      ALERT_GROUP_BLOCK_IDS.header,
      ALERT_GROUP_BLOCK_IDS.summary,
      ALERT_GROUP_BLOCK_IDS.status,
      "alert_group_actions:grp_abc123",
    ]);
    expect(blockById<SectionBlock>(blocks, ALERT_GROUP_BLOCK_IDS.summary)?.text?.text).toBe("*Firing* · 1 alert · via *prod-alertmanager*");
    expect(text).toBe("🔴 #42 HighLatency — firing, 1 alert");
  });

  it("skips the alerts section for a single alert that adds nothing", () => {
    const view = sampleView({
      alertCount: 1,
      alerts: [{ status: "firing", labels: { alertname: "HighLatency", cluster: "prod", severity: "critical" }, annotations: {}, generatorUrl: null }],
    });
    const { blocks } = alertGroupMessage(view, TZ);
    expect(blockById(blocks, ALERT_GROUP_BLOCK_IDS.alerts)).toBeUndefined();
  });

  it("does not offer the source silence link once resolved", () => {
    const { blocks } = alertGroupMessage(sampleView({ state: "resolved", resolvedBy: "Alertmanager", resolvedAt: new Date("2025-03-04T13:30:00Z") }), TZ);
    expect(blockById<SectionBlock>(blocks, ALERT_GROUP_BLOCK_IDS.links)?.text?.text).not.toContain("Silence");
  });

  it("drops links whose URL is not http(s), keeping their title as text", () => {
    const view = sampleView({ links: [{ title: "evil", url: "javascript:alert(1)" }, { title: "pipe", url: "https://x.example.com/a|b>c" }] });
    const links = blockById<SectionBlock>(alertGroupMessage(view, TZ).blocks, ALERT_GROUP_BLOCK_IDS.links)?.text?.text ?? "";
    expect(links.startsWith("evil · <https://x.example.com/a%7Cb%3Ec|pipe>")).toBe(true);
  });
});

describe("who acted and when", () => {
  const ackAt = new Date("2025-03-04T13:05:00Z");
  it("acknowledged by a Slack user", () => {
    const { blocks } = alertGroupMessage(sampleView({ state: "acknowledged", acknowledgedBy: "U123", acknowledgedAt: ackAt }), TZ);
    expect(statusText(blocks)).toBe("Acknowledged by <@U123> at 14:05 CET · Started Tue 4 Mar, 14:03 CET · last alert 14:20 CET");
  });
  it("resolved by the source, after an acknowledgement", () => {
    const view = sampleView({
      state: "resolved",
      acknowledgedBy: "U123",
      acknowledgedAt: ackAt,
      resolvedBy: "Alertmanager",
      resolvedAt: new Date("2025-03-04T14:10:00Z"),
    });
    expect(statusText(alertGroupMessage(view, TZ).blocks)).toMatch(/^Acknowledged by <@U123> at 14:05 CET · Resolved by Alertmanager at 15:10 CET · /);
  });
  it("silenced until a time, with the date when it is on another day", () => {
    const view = sampleView({ state: "silenced", silencedBy: "U1", silencedUntil: new Date("2025-03-05T01:00:00Z") });
    expect(statusText(alertGroupMessage(view, TZ).blocks)).toMatch(/^Silenced by <@U1> until Wed 5 Mar, 02:00 CET · /);
  });
  it("silenced forever", () => {
    const view = sampleView({ state: "silenced", silencedBy: "U1", silencedUntil: null });
    expect(statusText(alertGroupMessage(view, TZ).blocks)).toMatch(/^Silenced by <@U1> forever · /);
  });
  it("does not show a stale acknowledgement on a firing group", () => {
    const view = sampleView({ state: "firing", acknowledgedBy: "U123", acknowledgedAt: ackAt });
    expect(statusText(alertGroupMessage(view, TZ).blocks)).not.toContain("Acknowledged");
  });
  it("plain names are escaped, not turned into mentions", () => {
    const view = sampleView({ state: "resolved", resolvedBy: "<!channel> & co", resolvedAt: null });
    expect(statusText(alertGroupMessage(view, TZ).blocks)).toMatch(/^Resolved by &lt;!channel&gt; &amp; co · /);
  });
  it("renders times in the given zone, whatever the host zone", () => {
    const view = sampleView({ state: "acknowledged", acknowledgedBy: "U1", acknowledgedAt: ackAt });
    expect(statusText(alertGroupMessage(view, { timezone: "America/New_York" }).blocks)).toBe(
      "Acknowledged by <@U1> at 08:05 EST · Started Tue 4 Mar, 08:03 EST · last alert 08:20 EST",
    );
    expect(statusText(alertGroupMessage(view, { timezone: "UTC" }).blocks)).toBe(
      "Acknowledged by <@U1> at 13:05 UTC · Started Tue 4 Mar, 13:03 UTC · last alert 13:20 UTC",
    );
  });
});

describe("hostile text", () => {
  const hostile = "<!channel> ping <@U1> & <https://evil.example.com|click>";
  const view = sampleView({
    title: hostile,
    message: `details: ${hostile}`,
    severity: "<!here>",
    integrationName: "<@U2>",
    labels: { "a<b": "<!everyone>", cluster: "x`y" },
    alerts: [{ status: "firing", labels: { instance: "<!here>" }, annotations: { summary: "<@U3> & co" }, generatorUrl: null }],
    links: [{ title: "<!channel> runbook", url: "https://wiki.example.com/a?b=1&c=2" }],
  });
  const { text, blocks } = alertGroupMessage(view, TZ);

  it("never lets user text form a mention, special mention or link", () => {
    for (const t of [text, ...mrkdwnOf(blocks)]) {
      expect(t).not.toMatch(/<!|<@U[123]|<https:\/\/evil/);
    }
    expect(mrkdwnOf(blocks).join("\n")).not.toContain("& ");
  });

  it("escapes &, < and > as entities", () => {
    expect(blockById<SectionBlock>(blocks, ALERT_GROUP_BLOCK_IDS.message)?.text?.text).toBe(
      "details: &lt;!channel&gt; ping &lt;@U1&gt; &amp; &lt;https://evil.example.com|click&gt;",
    );
    expect(blockById<SectionBlock>(blocks, ALERT_GROUP_BLOCK_IDS.labels)?.text?.text).toBe("`a&lt;b=&lt;!everyone&gt;` `cluster=xˋy`");
    expect(blockById<SectionBlock>(blocks, ALERT_GROUP_BLOCK_IDS.summary)?.text?.text).toBe(
      "*Firing* · severity *&lt;!here&gt;* · 2 firing, 1 resolved · via *&lt;@U2&gt;*",
    );
    expect(text.startsWith("🔴 #42 &lt;!channel&gt; ping &lt;@U1&gt; &amp; &lt;https://evil.example.com|click&gt;")).toBe(true);
  });

  it("keeps the links it builds intact, escaping only their titles", () => {
    expect(blockById<SectionBlock>(blocks, ALERT_GROUP_BLOCK_IDS.links)?.text?.text).toContain(
      "<https://wiki.example.com/a?b=1&c=2|&lt;!channel&gt; runbook>",
    );
  });

  it("shows the title literally in the plain_text header", () => {
    const header = blockById<HeaderBlock>(blocks, ALERT_GROUP_BLOCK_IDS.header);
    expect(header?.text.type).toBe("plain_text");
    expect(header?.text.text).toBe(`🔴 #42 ${hostile}`);
  });
});

describe("Slack limits", () => {
  const labels = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`label_${String(i).padStart(3, "0")}`, "v".repeat(300)]));
  const huge = sampleView({
    title: "T".repeat(500),
    message: "&<>".repeat(4000) + "x".repeat(10_000),
    severity: "s".repeat(400),
    integrationName: "i".repeat(400),
    labels,
    alertCount: 10_000,
    alerts: Array.from({ length: 50 }, (_, i) => ({
      status: "firing" as const,
      labels: { ...labels, instance: `host-${i}-${"h".repeat(300)}` },
      annotations: { summary: "<".repeat(3000) },
      generatorUrl: `https://prom.example.com/${i}/${"p".repeat(1500)}`,
    })),
    links: Array.from({ length: 100 }, (_, i) => ({ title: "L".repeat(500), url: `https://example.com/${i}/${"u".repeat(500)}` })),
  });

  it.each(["firing", "acknowledged", "silenced", "resolved"] as const)("a 10,000-char message and 200 labels stay within limits (%s)", (state) => {
    const { blocks, text } = alertGroupMessage({ ...huge, state, acknowledgedBy: "A".repeat(5000), resolvedBy: "R".repeat(5000), silencedBy: "S".repeat(5000) }, TZ);
    expect(blockKitProblems(blocks)).toEqual([]);
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(text.length).toBeLessThan(500);
  });

  it("says how many labels and links were left out", () => {
    const { blocks } = alertGroupMessage(huge, TZ);
    const labelText = blockById<SectionBlock>(blocks, ALERT_GROUP_BLOCK_IDS.labels)?.text?.text ?? "";
    expect(labelText).toMatch(/ \+\d+ more$/);
    expect(labelText.match(/`/g)?.length).toBeLessThanOrEqual(40);
    expect(blockById<SectionBlock>(blocks, ALERT_GROUP_BLOCK_IDS.links)?.text?.text).toMatch(/ · \+\d+ more$/);
  });

  it("truncates the message with an ellipsis and never cuts an entity", () => {
    const msg = blockById<SectionBlock>(alertGroupMessage(huge, TZ).blocks, ALERT_GROUP_BLOCK_IDS.message)?.text?.text ?? "";
    expect(msg.length).toBeLessThanOrEqual(3000);
    expect(msg.endsWith("…")).toBe(true);
    expect(msg).toMatch(/^(&amp;|&lt;|&gt;)+…$/);
  });

  it("caps the header at 150 characters", () => {
    const header = blockById<HeaderBlock>(alertGroupMessage(huge, TZ).blocks, ALERT_GROUP_BLOCK_IDS.header);
    expect(header?.text.text.length).toBe(150);
    expect(header?.text.text.endsWith("…")).toBe(true);
  });
});

describe("fallback text", () => {
  it("names state, labels, severity and count", () => {
    expect(alertGroupMessage(sampleView({ severity: null }), TZ).text).toBe("🔴 #42 HighLatency (cluster=prod, severity=critical) — firing, 2 firing, 1 resolved");
    expect(alertGroupMessage(sampleView(), TZ).text).toBe("🔴 #42 HighLatency (cluster=prod) — firing, critical, 2 firing, 1 resolved");
  });
  it.each([
    ["acknowledged", "🟡 #42 HighLatency (cluster=prod) — acknowledged, critical, 2 firing, 1 resolved"],
    ["silenced", "🔕 #42 HighLatency (cluster=prod) — silenced, critical, 2 firing, 1 resolved"],
    ["resolved", "✅ #42 HighLatency (cluster=prod) — resolved, critical, 2 firing, 1 resolved"],
  ] as const)("%s", (state, expected) => {
    expect(alertGroupMessage(sampleView({ state }), TZ).text).toBe(expected);
  });
  it("shows at most three labels", () => {
    const view = sampleView({ labels: { a: "1", b: "2", c: "3", d: "4" }, alertCount: 1, severity: null });
    expect(alertGroupMessage(view, TZ).text).toBe("🔴 #42 HighLatency (a=1, b=2, c=3, …) — firing, 1 alert");
  });
});
