import { describe, expect, it } from "vitest";
import type { ScheduleUser, Shift, SlackOverride } from "./schedule-types.js";
import { packShifts, ShiftTable } from "./shift-table.js";
import { decodePackedShifts, encodePackedShifts, shiftTableInputsKey, type ShiftTableInputs } from "./stored-shift-table.js";

const H = 3_600_000;
const T = Date.UTC(2026, 2, 9, 8);
const users: ScheduleUser[] = [
  { email: "alice@example.com", name: "Alice Example", aliases: [], slackHandle: null },
  { email: "bob@example.com", name: "Bob Example", aliases: ["Bobby"], slackHandle: "bob" },
];
const shifts: Shift[] = [
  { start: new Date(T), end: new Date(T + 8 * H), users: ["alice@example.com"], reasons: [{ userEmail: "alice@example.com", source: "primary", level: 0, uid: "a@google.com", summary: "On call: Alice Example — 日本" }] },
  {
    start: new Date(T + 8 * H),
    end: new Date(T + 20 * H),
    users: ["alice@example.com", "bob@example.com"],
    reasons: [
      { userEmail: "alice@example.com", source: "overrides", level: 2, uid: "b@google.com", summary: "[L2] Alice" },
      { userEmail: "bob@example.com", source: "slack", level: 0, uid: "ov-1", summary: "cover" },
    ],
  },
];
const override = (o: Partial<SlackOverride> = {}): SlackOverride => ({ id: "ov-1", userEmail: "bob@example.com", start: new Date(T + H), end: new Date(T + 2 * H), replacing: "alice@example.com", ...o });
const inputs = (o: Partial<ShiftTableInputs> = {}): ShiftTableInputs => ({
  timezone: "Europe/Berlin",
  users,
  primarySha256: "a".repeat(64),
  overridesSha256: null,
  slackOverrides: [override()],
  from: T - 24 * H,
  to: T + 24 * H,
  ...o,
});

describe("stored shift table", () => {
  it("decodes to the same shifts it encoded (non-ASCII summaries, several people and reasons)", () => {
    const back = decodePackedShifts(encodePackedShifts(packShifts(shifts)));
    expect(back).not.toBeNull();
    const table = new ShiftTable(back!);
    expect(table.range(T - H, T + 30 * H)).toEqual(shifts);
    expect(table.whoAt(T + 9 * H)).toEqual(["alice@example.com", "bob@example.com"]);
    expect(decodePackedShifts(encodePackedShifts(packShifts([])))!.count).toBe(0);
  });

  it("refuses text that is not a whole table", () => {
    const good = JSON.parse(encodePackedShifts(packShifts(shifts))) as Record<string, unknown>;
    expect(decodePackedShifts("not json")).toBeNull();
    expect(decodePackedShifts(JSON.stringify({ ...good, count: 3 }))).toBeNull();
    expect(decodePackedShifts(JSON.stringify({ ...good, times: undefined }))).toBeNull();
    expect(decodePackedShifts(JSON.stringify({ ...good, text: "shorter" }))).toBeNull();
    expect(decodePackedShifts(JSON.stringify({ ...good, users: Buffer.from([1, 2, 3]).toString("base64") }))).toBeNull();
  });

  it("keys change with every input that can change the schedule, and only with those", () => {
    const key = shiftTableInputsKey(inputs());
    expect(shiftTableInputsKey(inputs())).toBe(key);
    // Slack overrides in another order, or outside the window, do not matter.
    const far = override({ id: "ov-far", start: new Date(T + 30 * H), end: new Date(T + 31 * H) });
    const other = override({ id: "ov-0", start: new Date(T + 3 * H), end: new Date(T + 4 * H) });
    expect(shiftTableInputsKey(inputs({ slackOverrides: [override(), far] }))).toBe(key);
    expect(shiftTableInputsKey(inputs({ slackOverrides: [other, override()] }))).toBe(shiftTableInputsKey(inputs({ slackOverrides: [override(), other] })));
    const changed = [
      inputs({ timezone: "UTC" }),
      inputs({ primarySha256: "b".repeat(64) }),
      inputs({ overridesSha256: "c".repeat(64) }),
      inputs({ users: [users[0]!] }),
      inputs({ users: [users[0]!, { ...users[1]!, aliases: [] }] }),
      inputs({ slackOverrides: [] }),
      inputs({ slackOverrides: [override({ replacing: null })] }),
      inputs({ slackOverrides: [override({ end: new Date(T + 3 * H) })] }),
      inputs({ slackOverrides: [override(), other] }),
    ].map(shiftTableInputsKey);
    expect(new Set([key, ...changed]).size).toBe(changed.length + 1);
  });
});
