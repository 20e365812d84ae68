import { describe, expect, it } from "vitest";
import { afterRefresh, REPORT_EVERY_MS, type AfterRefreshInput, type AfterRefreshState } from "./after-refresh.js";
import { buildScheduleReport } from "./schedule-report.js";
import type { ScheduleProblem } from "./schedule-types.js";

const H = 3_600_000;
const T = 1_780_000_000_000;
const fresh: AfterRefreshState = { feedHealth: null, lastReportAt: null, lastReportHash: null, snapshot: null };
const week = (users: string[], at = T) => [{ start: at, end: at + 7 * 24 * H, users }];
const cleanReport = buildScheduleReport([], [{ start: new Date(T - H), end: new Date(T + 400 * H), users: ["a"], reasons: [] }], T, T + 336 * H);
const zed: ScheduleProblem = { kind: "unmatched_name", uid: "e", message: '"Zed" matches no user' };
const badReport = buildScheduleReport([zed], [{ start: new Date(T - H), end: new Date(T + 400 * H), users: ["a"], reasons: [] }], T, T + 336 * H);

function input(over: Partial<AfterRefreshInput> = {}, schedule: Partial<NonNullable<AfterRefreshInput["schedule"]>> = {}): AfterRefreshInput {
  return { failures: [], lastGoodAt: T - H, now: T, schedule: { feedsHash: "h1", feedOnly: week(["a"]), coveredTo: (over.now ?? T) + 7 * 24 * H, report: cleanReport, ...schedule }, ...over };
}

/** Applies a decision's patch, as the shell does. */
function apply(state: AfterRefreshState, d: ReturnType<typeof afterRefresh>): AfterRefreshState {
  return { ...state, ...d.patch };
}

describe("afterRefresh", () => {
  it("takes the first snapshot silently and marks the feed healthy", () => {
    const d = afterRefresh(fresh, input());
    expect(d.notices).toEqual([]);
    expect(d.patch).toMatchObject({ feedHealth: "ok", snapshot: { feedsHash: "h1", from: T } });
    expect(d.feedChanged).toBe(true);
  });

  it("warns once when a feed starts failing, stays quiet while it fails, and says once that it recovered", () => {
    let st = apply(fresh, afterRefresh(fresh, input()));
    const failing = { failures: [{ kind: "primary" as const, message: "HTTP 500 from the feed" }] };
    const seen: string[] = [];
    for (let i = 1; i <= 5; i++) {
      const d = afterRefresh(st, input({ ...failing, now: T + i * H }));
      seen.push(...d.notices.map((n) => n.kind));
      st = apply(st, d);
    }
    for (let i = 6; i <= 8; i++) {
      const d = afterRefresh(st, input({ now: T + i * H }));
      seen.push(...d.notices.map((n) => n.kind));
      st = apply(st, d);
    }
    expect(seen).toEqual(["feed_failing", "feed_recovered"]);
  });

  it("announces calendar changes within the part of the week both snapshots cover", () => {
    const st = apply(fresh, afterRefresh(fresh, input()));
    const swapped = [
      { start: T + H, end: T + 24 * H, users: ["a"] },
      { start: T + 24 * H, end: T + 48 * H, users: ["b"] },
      { start: T + 48 * H, end: T + 8 * 24 * H, users: ["a"] },
    ];
    const d = afterRefresh(st, input({ now: T + H }, { feedsHash: "h2", feedOnly: swapped }));
    expect(d.notices).toEqual([{ kind: "calendar_change", changes: [{ start: T + 24 * H, end: T + 48 * H, before: ["a"], after: ["b"] }] }]);
    // The same content again: nothing new.
    const again = afterRefresh(apply(st, d), input({ now: T + 2 * H }, { feedsHash: "h2", feedOnly: swapped }));
    expect(again.notices).toEqual([]);
  });

  it("reports problems when the calendar changes, not again for the same report, and weekly while they last", () => {
    let st = apply(fresh, afterRefresh(fresh, input({}, { report: badReport })));
    expect(st.lastReportHash).toBe(badReport.hash);
    const first = afterRefresh(fresh, input({}, { report: badReport }));
    expect(first.notices.map((n) => n.kind)).toEqual(["report"]);
    // Calendar edited elsewhere, same problems: quiet.
    let d = afterRefresh(st, input({ now: T + H }, { feedsHash: "h2", report: badReport }));
    expect(d.notices).toEqual([]);
    st = apply(st, d);
    d = afterRefresh(st, input({ now: T + REPORT_EVERY_MS }, { feedsHash: "h2", report: badReport }));
    expect(d.notices).toEqual([{ kind: "report", report: badReport, weekly: true }]);
    st = apply(st, d);
    // Fixed: one message saying so.
    d = afterRefresh(st, input({ now: T + REPORT_EVERY_MS + H }, { feedsHash: "h3", report: cleanReport }));
    expect(d.notices.map((n) => n.kind)).toEqual(["report_cleared"]);
  });

  it("says nothing about shifts when no copy of the feed exists", () => {
    const d = afterRefresh(fresh, { failures: [{ kind: "primary", message: "timed out" }], lastGoodAt: null, schedule: null, now: T });
    expect(d.notices).toEqual([{ kind: "feed_failing", failures: [{ kind: "primary", message: "timed out" }], lastGoodAt: null }]);
    expect(d.feedChanged).toBe(false);
  });
});
