import { describe, expect, it } from "vitest";
import { fairnessReport } from "../../report/fairness-report.js";
import { fairnessMessage } from "./fairness-message.js";

const H = 3_600_000;

describe("fairnessMessage", () => {
  const report = fairnessReport({
    from: 0,
    to: 30 * 24 * H,
    zone: "UTC",
    schedules: ["primary"],
    people: [
      { email: "a@example.com", name: "Ann <!channel> & Co", zone: "UTC" },
      { email: "b@example.com", name: "Bea", zone: "UTC" },
    ],
    defaultZone: "UTC",
    shifts: [
      { start: 0, end: 20 * 24 * H, users: ["a@example.com"] },
      { start: 20 * 24 * H, end: 30 * 24 * H, users: ["b@example.com"] },
    ],
    pages: [],
    acks: [],
  });

  it("puts the month in a code block, names the flagged figures in words, and never lets a name mention anyone", () => {
    const text = fairnessMessage(report, { schedule: "primary", month: "January 1970", soFar: false });
    expect(text.startsWith("*Fairness: primary, January 1970* (UTC)\n```\nperson")).toBe(true);
    expect(text).not.toContain("<!channel>");
    expect(text).toContain("Ann &lt;!channel&gt; &amp; Co");
    // 480 h and 240 h around a mean of 360 h: +33 % and −33 %, both more than 4 h away.
    expect(text).toContain("*Far from the team mean:*\n• Ann &lt;!channel&gt; &amp; Co: hours 480.0 (+33 % against a mean of 360.0)\n");
    expect(text).toContain("\n• Bea: hours 240.0 (-33 % against a mean of 360.0)\n");
    // In the table, long names are shortened (before escaping, so no entity is cut in half).
    expect(text).toMatch(/^Ann &lt;!channel&gt; &amp; …\s+480\.0↑/m);
  });

  it("says so when nobody was on call or paged", () => {
    const empty = fairnessReport({ from: 0, to: H, zone: "UTC", schedules: ["primary"], people: [], defaultZone: "UTC", shifts: [], pages: [], acks: [] });
    expect(fairnessMessage(empty, { schedule: null, month: "January 1970", soFar: true })).toBe("*Fairness: primary, January 1970 so far* (UTC)\nNobody was on call or paged in this time.");
  });
});
