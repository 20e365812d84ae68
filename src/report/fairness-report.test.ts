import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { ackActorEmail } from "./ack-actor.js";
import { DEFAULT_FLAG_RULE, fairnessReport, flagFor, pageWentOut, type FairnessInput, type FairnessPage, type FairnessPerson } from "./fairness-report.js";
import { monthsOf, nightAndWeekendMs } from "./local-time.js";

const H = 3_600_000;
/** An instant from a wall-clock time in a zone: `at("2026-03-28 09:00", "Europe/Berlin")`. */
const at = (wall: string, zone: string) => DateTime.fromFormat(wall, "yyyy-MM-dd HH:mm", { zone }).toMillis();
const hours = (ms: number) => ms / H;

const ALICE: FairnessPerson = { email: "alice@example.com", name: "Alice", zone: "Europe/Berlin" };
const BOB: FairnessPerson = { email: "bob@example.com", name: "Bob", zone: "Europe/Berlin" };
const KENJI: FairnessPerson = { email: "kenji@example.com", name: "Kenji", zone: "Asia/Tokyo" };
const NORA: FairnessPerson = { email: "nora@example.com", name: "Nora", zone: "America/New_York" };

function input(over: Partial<FairnessInput>): FairnessInput {
  return { from: 0, to: 0, zone: "Europe/Berlin", schedules: ["primary"], people: [ALICE, BOB, KENJI, NORA], defaultZone: "UTC", shifts: [], pages: [], acks: [], ...over };
}

let pageSeq = 0;
function page(groupId: string, userEmail: string, sentAt: number, over: Partial<FairnessPage> = {}): FairnessPage {
  return { id: `p${++pageSeq}`, groupId, userEmail, state: "delivered", sentAt, createdAt: sentAt, externalRef: "ref", ...over };
}

const row = (r: ReturnType<typeof fairnessReport>["total"], email: string) => r.people.find((p) => p.email === email)!;

describe("nights and weekends, exact across DST", () => {
  it("Europe/Berlin, March: the spring-forward night is 5 real hours and the weekend 47", () => {
    // Saturday 28 March 2026 09:00 to Monday 30 March 09:00: clocks go 02:00 → 03:00 on Sunday the 29th.
    const s = at("2026-03-28 09:00", "Europe/Berlin");
    const e = at("2026-03-30 09:00", "Europe/Berlin");
    expect(hours(e - s)).toBe(47);
    const r = nightAndWeekendMs(s, e, "Europe/Berlin");
    expect(hours(r.night)).toBe(5 + 6); // Sunday's night (short) and Monday's
    expect(hours(r.weekend)).toBe(15 + 23); // Saturday from 09:00, the 23-hour Sunday
  });

  it("Europe/Berlin, October: the fall-back night is 7 real hours and Sunday 25", () => {
    const s = at("2026-10-24 09:00", "Europe/Berlin");
    const e = at("2026-10-26 09:00", "Europe/Berlin");
    expect(hours(e - s)).toBe(49);
    const r = nightAndWeekendMs(s, e, "Europe/Berlin");
    expect(hours(r.night)).toBe(7 + 6);
    expect(hours(r.weekend)).toBe(15 + 25);
  });

  it("America/New_York, March and November (its own DST dates)", () => {
    const march = nightAndWeekendMs(at("2026-03-07 18:00", "America/New_York"), at("2026-03-08 18:00", "America/New_York"), "America/New_York");
    expect([hours(march.night), hours(march.weekend)]).toEqual([5, 23]);
    const november = nightAndWeekendMs(at("2026-10-31 18:00", "America/New_York"), at("2026-11-01 18:00", "America/New_York"), "America/New_York");
    expect([hours(november.night), hours(november.weekend)]).toEqual([7, 25]);
    // The same Berlin March weekend seen from New York (already on summer time): nights are Berlin mornings.
    const berlinWeekend = nightAndWeekendMs(at("2026-03-28 09:00", "Europe/Berlin"), at("2026-03-30 09:00", "Europe/Berlin"), "America/New_York");
    // NY: Sat 04:00 → Mon 03:00 (EDT, Berlin CET then CEST): nights Sat 04–06, Sun 00–06, Mon 00–03.
    expect(hours(berlinWeekend.night)).toBe(2 + 6 + 3);
  });

  it("months are cut at local midnight of the first, in the report's zone", () => {
    const m = monthsOf(at("2026-01-15 00:00", "Europe/Berlin"), at("2026-03-10 00:00", "Europe/Berlin"), "Europe/Berlin");
    expect(m.map((x) => x.month)).toEqual(["2026-01", "2026-02", "2026-03"]);
    expect(m[1]!.from).toBe(at("2026-02-01 00:00", "Europe/Berlin"));
    expect(m[2]!.to).toBe(at("2026-03-10 00:00", "Europe/Berlin"));
  });
});

describe("fairnessReport", () => {
  it("counts a Tokyo teammate's nights on a Berlin rota: their nights are Berlin afternoons", () => {
    // Berlin afternoon shifts, 14:00–22:00, in winter (UTC+1) and summer (UTC+2); Tokyo has no DST (UTC+9).
    const winter = { start: at("2026-01-12 14:00", "Europe/Berlin"), end: at("2026-01-12 22:00", "Europe/Berlin") };
    const summer = { start: at("2026-07-13 14:00", "Europe/Berlin"), end: at("2026-07-13 22:00", "Europe/Berlin") };
    // Friday evening in Berlin is Saturday early morning in Tokyo.
    const friday = { start: at("2026-01-16 18:00", "Europe/Berlin"), end: at("2026-01-17 00:00", "Europe/Berlin") };
    const r = fairnessReport(
      input({
        from: at("2026-01-01 00:00", "Europe/Berlin"),
        to: at("2026-08-01 00:00", "Europe/Berlin"),
        shifts: [winter, friday, summer].flatMap((s) => [{ ...s, users: [ALICE.email, KENJI.email] }]),
      }),
    );
    const kenji = row(r.total, KENJI.email);
    const alice = row(r.total, ALICE.email);
    expect(kenji.hours).toBe(alice.hours);
    expect(alice.hours).toBe(8 + 6 + 8);
    // Tokyo: winter 22:00–06:00 (6 at night), Saturday 02:00–08:00 (4), summer 21:00–05:00 (5).
    expect(kenji.nightHours).toBe(6 + 4 + 5);
    expect(kenji.weekendHours).toBe(6);
    expect(alice.nightHours).toBe(0);
    expect(alice.weekendHours).toBe(0);
    expect(r.months.map((m) => m.label)).toEqual(["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06", "2026-07"]);
    expect(row(r.months[6]!, KENJI.email).nightHours).toBe(5);
  });

  it("splits hours at month boundaries in the report's zone, across New York's November change", () => {
    const r = fairnessReport(
      input({
        zone: "America/New_York",
        from: at("2026-10-01 00:00", "America/New_York"),
        to: at("2026-12-01 00:00", "America/New_York"),
        shifts: [{ start: at("2026-10-31 18:00", "America/New_York"), end: at("2026-11-01 18:00", "America/New_York"), users: [NORA.email] }],
      }),
    );
    expect(r.months.map((m) => [m.label, row(m, NORA.email).hours])).toEqual([
      ["2026-10", 6],
      ["2026-11", 19], // midnight to 18:00 on the 25-hour day
    ]);
    expect(row(r.total, NORA.email)).toMatchObject({ hours: 25, nightHours: 7, weekendHours: 25 });
  });

  it("cuts shifts to the range and counts a person on two schedules at once once", () => {
    const from = at("2026-02-01 00:00", "Europe/Berlin");
    const r = fairnessReport(
      input({
        from,
        to: at("2026-02-02 00:00", "Europe/Berlin"),
        shifts: [
          { start: at("2026-01-31 20:00", "Europe/Berlin"), end: at("2026-02-01 08:00", "Europe/Berlin"), users: [ALICE.email] },
          { start: at("2026-02-01 06:00", "Europe/Berlin"), end: at("2026-02-01 10:00", "Europe/Berlin"), users: [ALICE.email, BOB.email] },
        ],
      }),
    );
    expect(row(r.total, ALICE.email)).toMatchObject({ hours: 10, nightHours: 6, weekendHours: 10 }); // 1 Feb 2026 is a Sunday
    expect(row(r.total, BOB.email)).toMatchObject({ hours: 4, nightHours: 0 });
  });

  it("counts pages per alert group that reached the person, night pages in their zone, and times acknowledgements from their own first page", () => {
    const from = at("2026-03-01 00:00", "Europe/Berlin");
    const to = at("2026-04-01 00:00", "Europe/Berlin");
    const night = at("2026-03-10 03:00", "Europe/Berlin");
    const day = at("2026-03-11 15:00", "Europe/Berlin");
    const pages: FairnessPage[] = [
      // g1: a ladder at night, DM then SMS then call: one page, a night page.
      page("g1", ALICE.email, night),
      page("g1", ALICE.email, night + 5 * 60_000),
      page("g1", ALICE.email, night + 10 * 60_000, { state: "answered" }),
      // g2 by day; Bob gets it too, later.
      page("g2", ALICE.email, day),
      page("g2", BOB.email, day + 15 * 60_000),
      // Never reached anyone: a DM Slack refused, a held-back SMS, a cancelled page.
      page("g3", BOB.email, night, { state: "failed", externalRef: null }),
      page("g4", BOB.email, night, { state: "throttled", sentAt: null }),
      page("g5", BOB.email, night, { state: "cancelled", sentAt: null }),
      // A call that rang unanswered still woke Bob (Twilio took it).
      page("g6", BOB.email, at("2026-03-12 01:00", "Europe/Berlin"), { state: "failed", externalRef: "CA1" }),
      // The same page listed twice (pages of the range and of the acknowledged groups) counts once.
      page("g7", BOB.email, day, { id: "dup" }),
      page("g7", BOB.email, day, { id: "dup" }),
    ];
    const r = fairnessReport(
      input({
        from,
        to,
        shifts: [{ start: from, end: to, users: [ALICE.email, BOB.email] }],
        pages,
        acks: [
          { groupId: "g1", actor: "U0ALICE", email: ALICE.email, at: night + 4 * 60_000 },
          { groupId: "g2", actor: "U0BOB", email: BOB.email, at: day + 20 * 60_000 },
          { groupId: "g6", actor: "U0ALICE", email: ALICE.email, at: at("2026-03-12 01:30", "Europe/Berlin") }, // not paged for g6: not timed
          { groupId: "g7", actor: "U0STRANGER", email: null, at: day + 60_000 },
        ],
      }),
    );
    const alice = row(r.total, ALICE.email);
    const bob = row(r.total, BOB.email);
    expect([alice.pages, alice.nightPages, alice.acks, alice.ackTimed, alice.ackMedianSeconds]).toEqual([2, 1, 2, 1, 240]);
    expect([bob.pages, bob.nightPages, bob.acks, bob.ackTimed, bob.ackMedianSeconds]).toEqual([3, 1, 1, 1, 300]);
    expect(r.unattributedAcks).toEqual([{ actor: "U0STRANGER", count: 1 }]);
  });

  it("flags people more than 30 % and 4 hours from the team mean, in each month and in total; not people off the rota", () => {
    const from = at("2026-05-01 00:00", "UTC");
    const day = (d: number) => from + d * 24 * H;
    // May: Alice 10 days, Bob 10 days, Nora 16 days (mean 12; Nora +33 %). June: 10 days each.
    const shifts = [
      { start: day(0), end: day(10), users: [ALICE.email] },
      { start: day(10), end: day(20), users: [BOB.email] },
      { start: day(20), end: day(31), users: [NORA.email] },
      { start: day(31), end: day(36), users: [NORA.email] },
      { start: day(36), end: day(46), users: [ALICE.email] },
      { start: day(46), end: day(56), users: [BOB.email] },
      { start: day(56), end: day(61), users: [NORA.email] },
    ];
    const r = fairnessReport(input({ zone: "UTC", from, to: day(61), shifts, pages: [page("gx", KENJI.email, day(3))] }));
    const [may, june] = r.months;
    expect(may!.spread!.hours.mean).toBeCloseTo((240 + 240 + 264) / 3);
    const flagsOf = (p: typeof may) => p!.people.flatMap((x) => x.flags.filter((f) => f.metric === "hours").map((f) => [x.name, f.direction]));
    expect(flagsOf(may)).toEqual([]); // 264 h against a mean of 248: +6 %
    expect(flagsOf(june)).toEqual([]);
    // Kenji was paged but never on call: listed, outside the spread, never flagged.
    expect(row(r.total, KENJI.email)).toMatchObject({ onRota: false, pages: 1, flags: [] });
    expect(r.total.spread!.pages.max).toBe(0);

    const uneven = fairnessReport(
      input({
        zone: "UTC",
        from,
        to: day(30),
        shifts: [
          { start: day(0), end: day(8), users: [ALICE.email] },
          { start: day(8), end: day(16), users: [BOB.email] },
          { start: day(16), end: day(30), users: [NORA.email] },
        ],
      }),
    );
    // Mean 240 h; Nora 336 h is 40 % above, Alice and Bob at 192 h are 20 % below.
    expect(uneven.total.people.map((p) => [p.name, p.flags.filter((f) => f.metric === "hours").map((f) => `${f.direction} ${Math.round(f.fromMean * 100)}%`)])).toEqual([
      ["Alice", []],
      ["Bob", []],
      ["Nora", ["high 40%"]],
    ]);
    expect(uneven.total.spread!.hours.stdev).toBeCloseTo(Math.sqrt((2 * 48 ** 2 + 96 ** 2) / 3));
  });

  it("flag rule: relative to the mean, with a floor, and nobody is flagged in a team of one", () => {
    expect(flagFor("pages", 2, 1, DEFAULT_FLAG_RULE)).toBeNull(); // 100 % above, but only one page
    expect(flagFor("pages", 4, 1.5, DEFAULT_FLAG_RULE)).toMatchObject({ direction: "high" });
    expect(flagFor("hours", 50, 100, DEFAULT_FLAG_RULE)).toMatchObject({ direction: "low", fromMean: -0.5 });
    expect(flagFor("hours", 125, 100, DEFAULT_FLAG_RULE)).toBeNull();
    const solo = fairnessReport(input({ from: 0, to: 100 * H, shifts: [{ start: 0, end: 100 * H, users: [ALICE.email] }] }));
    expect(solo.total.people[0]!.flags).toEqual([]);
  });

  it("pageWentOut: handed to Slack or Twilio", () => {
    const p = (state: string, externalRef: string | null = null) => pageWentOut(page("g", ALICE.email, 0, { state, externalRef }));
    expect(["pending", "sending", "sent", "delivered", "answered", "throttled", "cancelled"].map((s) => p(s))).toEqual([false, true, true, true, true, false, false]);
    expect([p("failed"), p("failed", "CA9")]).toEqual([false, true]);
  });
});

describe("ackActorEmail", () => {
  const users = [
    { email: "alice@example.com", name: "Alice Example", aliases: ["ali"], phone: null, slackId: "U0ALICE", slackHandle: null, notificationRules: null, exportToken: null },
    { email: "bob@example.com", name: "Bob Example", aliases: [], phone: null, slackId: null, slackHandle: null, notificationRules: null, exportToken: null },
  ];
  it("knows Slack ids from calpage.yaml or a lookup, names, aliases and API tokens acting as a person", () => {
    expect(ackActorEmail("U0ALICE", users)).toBe("alice@example.com");
    expect(ackActorEmail("U0BOB", users)).toBeNull();
    expect(ackActorEmail("U0BOB", users, new Map([["U0BOB", "bob@example.com"]]))).toBe("bob@example.com");
    expect(ackActorEmail("Bob Example", users)).toBe("bob@example.com");
    expect(ackActorEmail("ali", users)).toBe("alice@example.com");
    expect(ackActorEmail("Bob Example (API token deploy-bot)", users)).toBe("bob@example.com");
    expect(ackActorEmail("alertmanager-prod", users)).toBeNull();
    expect(ackActorEmail("root (CLI)", users)).toBeNull();
  });
});
