import { describe, expect, it } from "vitest";
import { blockKitProblems } from "./block-kit-problems.js";
import { slackMessageLink, stormSummaryMessage, type StormSummaryGroup } from "./storm-summary-message.js";

const group = (n: number, over: Partial<StormSummaryGroup> = {}): StormSummaryGroup => ({
  number: n,
  title: `Disk full on db-${n}`,
  state: "firing",
  alertCount: 1,
  firingCount: 1,
  truncatedAlerts: 0,
  link: null,
  ...over,
});

const startedAt = new Date("2026-03-14T09:12:00Z");

describe("stormSummaryMessage", () => {
  it("lists each group with its number, title, state and count, linking to its own message once there is one", () => {
    const m = stormSummaryMessage(
      {
        startedAt,
        endedAt: null,
        total: 2,
        groups: [group(41, { link: slackMessageLink("C0ALERTS1", "1741943520.000100"), alertCount: 5, firingCount: 3 }), group(42, { title: "a <b> & *c*", state: "acknowledged" })],
      },
      { timezone: "UTC" },
    );
    expect(m.text).toBe("⛈️ Alert storm: 2 new alert groups since 09:12 UTC");
    const list = JSON.stringify(m.blocks.filter((b) => b.type === "section"));
    expect(list).toContain("🔴 *#41* <https://slack.com/archives/C0ALERTS1/p1741943520000100|Disk full on db-41> · Firing · 3 firing, 2 resolved");
    expect(list).toContain("🟡 *#42* a &lt;b&gt; &amp; ");
    expect(list).toContain("· Acknowledged · 1 alert");
    expect(blockKitProblems(m.blocks)).toEqual([]);
  });

  it("says when the storm is over", () => {
    const m = stormSummaryMessage({ startedAt, endedAt: new Date("2026-03-14T09:20:00Z"), total: 1, groups: [group(1)] }, { timezone: "Europe/Berlin" });
    expect(m.text).toBe("Alert storm over: 1 new alert group from 10:12 CET to 10:20 CET");
    expect(JSON.stringify(m.blocks)).toContain("The storm is over");
  });

  it("stays within Slack's limits past 100 groups and long titles, and says how many more there are", () => {
    const groups = Array.from({ length: 100 }, (_, i) => group(i + 1, { title: "x".repeat(500), link: slackMessageLink("C0ALERTS1", `17419435${String(i).padStart(2, "0")}.000100`) }));
    const m = stormSummaryMessage({ startedAt, endedAt: null, total: 250, groups }, { timezone: "UTC" });
    expect(blockKitProblems(m.blocks)).toEqual([]);
    expect(m.blocks.length).toBeLessThanOrEqual(50);
    const shown = (JSON.stringify(m.blocks).match(/\*#\d+\*/g) ?? []).length;
    expect(shown).toBe(100);
    expect(JSON.stringify(m.blocks.at(-1))).toContain("…and 150 more groups: `/oncall alerts` lists the open ones.");
    for (const b of m.blocks) if (b.type === "section") expect(b.text!.text.length).toBeLessThanOrEqual(3000);
  });
});
