import { describe, expect, it } from "vitest";
import { handoffSummary } from "../../schedule/handoff-summary.js";
import type { AlertGroupRecord } from "../../store/repositories/alert-group-record.js";
import { ACTION_COVER_ASK, handoffText, shiftDmMessage, type ShiftDmView } from "./shift-dm-messages.js";

const M = 60_000;
const H = 60 * M;
// Tue 10 Mar 2026, 09:00 UTC = 10:00 CET = 05:00 EDT (New York is already on summer time).
const START = Date.UTC(2026, 2, 10, 9);
const END = START + 8 * H;
const turn = { start: START, end: END };
const berlin: ShiftDmView = { schedule: "primary", timezone: "Europe/Berlin", now: START - 24 * H, canAskCover: true };
const who = (email: string) => `<@${email.split("@")[0]!.toUpperCase()}>`;

describe("shift DM texts", () => {
  it("gives a reminder's times in the reader's zone, with a Request cover button for that shift", () => {
    const m = shiftDmMessage({ kind: "reminder", turn, before: 24 * H }, berlin);
    expect(m.text).toBe(":alarm_clock: Reminder: you are on call for *primary* in 1d: Tue 10 Mar, 10:00 CET → Tue 10 Mar, 18:00 CET.");
    const ny = shiftDmMessage({ kind: "reminder", turn, before: H }, { ...berlin, timezone: "America/New_York", now: START - H + 5 * M });
    expect(ny.text).toBe(":alarm_clock: Reminder: you are on call for *primary* in 55m: Tue 10 Mar, 05:00 EDT → Tue 10 Mar, 13:00 EDT.");
    expect(m.blocks[1]).toMatchObject({ type: "actions", elements: [{ action_id: ACTION_COVER_ASK, text: { text: "Request cover" }, value: `primary|${START}|${END}` }] });
    // No channel to post a request in: no button.
    expect(shiftDmMessage({ kind: "reminder", turn, before: H }, { ...berlin, canAskCover: false }).blocks).toHaveLength(1);
  });

  it("says a shift moved or was cancelled", () => {
    const to = { start: START + 2 * H, end: END + 2 * H };
    expect(shiftDmMessage({ kind: "moved", from: turn, to }, berlin).text).toBe(
      ":arrows_counterclockwise: Your shift in *primary* moved to Tue 10 Mar, 12:00 CET → Tue 10 Mar, 20:00 CET (was Tue 10 Mar, 10:00 CET → Tue 10 Mar, 18:00 CET).",
    );
    expect(shiftDmMessage({ kind: "cancelled", turn }, { ...berlin, schedule: "db_oncall" }).text).toBe(
      ":heavy_multiplication_x: Your shift in *db_oncall* Tue 10 Mar, 10:00 CET → Tue 10 Mar, 18:00 CET was cancelled: you are no longer on call then.",
    );
  });

  it("lists every change of a person's shifts in one message, in time order", () => {
    const moved = { start: START + 24 * H, end: END + 24 * H };
    expect(shiftDmMessage({ kind: "changes", removed: [moved], added: [turn] }, berlin).text).toBe(
      [":calendar: Your shifts in *primary* changed:", "• new: Tue 10 Mar, 10:00 CET → Tue 10 Mar, 18:00 CET", "• no longer yours: Wed 11 Mar, 10:00 CET → Wed 11 Mar, 18:00 CET"].join("\n"),
    );
  });

  it("lists the open alert groups when a shift starts, their titles escaped", () => {
    expect(shiftDmMessage({ kind: "start", turn }, berlin).text).toBe(":rotating_light: You are on call now for *primary* until Tue 10 Mar, 18:00 CET. No alert groups are open.");
    const text = shiftDmMessage({ kind: "start", turn }, berlin, [{ number: 7, title: "Disk full on db-1 <!channel>", state: "firing" }]).text;
    expect(text).toBe(":rotating_light: You are on call now for *primary* until Tue 10 Mar, 18:00 CET. Open alert groups:\n• #7 Disk full on db-1 &lt;!channel&gt; (firing)");
  });
});

const group = (n: number, over: Partial<AlertGroupRecord>): AlertGroupRecord =>
  ({
    id: `g${n}`,
    number: n,
    title: `Group ${n}`,
    state: "resolved",
    chainSteps: [{ type: "notify_schedule", schedule: "primary", important: false }],
    createdAt: START + H,
    acknowledgedAt: null,
    resolvedAt: null,
    ...over,
  }) as AlertGroupRecord;

describe("handoff", () => {
  const groups = [
    // Opened, acknowledged after 4 minutes and resolved during the shift.
    group(1, { acknowledgedAt: START + H + 4 * M, resolvedAt: START + 2 * H }),
    // Opened during the shift, acknowledged after 10 minutes, still open.
    group(2, { state: "acknowledged", createdAt: START + 3 * H, acknowledgedAt: START + 3 * H + 10 * M }),
    // Opened before the shift, still firing.
    group(3, { state: "firing", createdAt: START - H }),
    // Another schedule's chain: left out.
    group(4, { state: "firing", chainSteps: [{ type: "notify_schedule", schedule: "secondary", important: false }] }),
  ];

  it("counts the shift's groups, pages and time to acknowledge, and lists what is still open", () => {
    const s = handoffSummary(groups, "primary", START, END, 3);
    expect(s).toEqual({ opened: 2, acknowledged: 2, resolved: 1, pages: 3, medianAckMs: 7 * M, stillOpen: [{ number: 2, title: "Group 2", state: "acknowledged" }, { number: 3, title: "Group 3", state: "firing" }] });
    const dm = { kind: "handoff" as const, turn, outgoing: "alice@example.com", incoming: ["bob@example.com"], lead: true };
    expect(handoffText(dm, "outgoing", s, berlin, who)).toBe(
      [
        ":handshake: Your shift in *primary* ended (Tue 10 Mar, 10:00 CET → Tue 10 Mar, 18:00 CET). Taking over: <@BOB>.",
        "During the shift: 2 alert groups opened, 2 acknowledged, 1 resolved; 3 pages to you, median time to acknowledge 7m.",
        "Still open:",
        "• #2 Group 2 (acknowledged)",
        "• #3 Group 3 (firing)",
      ].join("\n"),
    );
    expect(handoffText(dm, "incoming", s, berlin, who).split("\n")[0]).toBe(":handshake: You take over *primary* from <@ALICE>, whose shift ran Tue 10 Mar, 10:00 CET → Tue 10 Mar, 18:00 CET.");
    expect(handoffText({ ...dm, incoming: [] }, "channel", handoffSummary([], "primary", START, END, 0), berlin, who)).toBe(
      ":handshake: Handoff in *primary*: <@ALICE> → _nobody_ (shift Tue 10 Mar, 10:00 CET → Tue 10 Mar, 18:00 CET).\nDuring the shift: 0 alert groups opened, 0 acknowledged, 0 resolved; 0 pages to <@ALICE>.\nNothing is open.",
    );
  });
});
