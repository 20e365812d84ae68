import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Calpage } from "../../src/app/create-calpage.js";
import { BACKENDS, prepareEnv, type Env } from "../e2e/harness.js";
import { startFakeSlack, type FakeSlack } from "../support/fake-slack.js";
import { ics, icsStamp, refreshNow, scheduleYaml, startCalpage, startFeedServer, TEAM, teamSlackUsers, type FeedServer, type IcsEvent } from "./schedule-harness.js";

const H = 3_600_000;
const DAY = 24 * H;
const SCHEDULE_TOKEN = "primary-export-token-0001";
const BOB_TOKEN = "bob-personal-token-000001";
const ALICE_TOKEN = "alice-personal-token-00001";

interface VEvent {
  uid: string;
  start: string;
  end: string;
  summary: string;
  status: string;
}

/** The VEVENTs of an iCalendar text (lines unfolded). */
function events(text: string): VEvent[] {
  const lines = text.replace(/\r\n[ \t]/g, "").split("\r\n");
  const out: VEvent[] = [];
  let cur: Record<string, string> | null = null;
  for (const line of lines) {
    if (line === "BEGIN:VEVENT") cur = {};
    else if (line === "END:VEVENT" && cur) {
      out.push({ uid: cur.UID ?? "", start: cur.DTSTART ?? "", end: cur.DTEND ?? "", summary: cur.SUMMARY ?? "", status: cur.STATUS ?? "" });
      cur = null;
    } else if (cur) {
      const i = line.indexOf(":");
      cur[line.slice(0, i)] = line.slice(i + 1);
    }
  }
  return out;
}

/**
 * The calendar export: the final schedule 15 days back to 180 ahead with stable UIDs, a personal
 * feed per user, 404 for any wrong or missing token, and shifts that disappear published as
 * `STATUS:CANCELLED` so subscribed calendars drop them.
 */
describe.each(BACKENDS)("ICS export (%s)", (backend) => {
  let slack: FakeSlack;
  let env: Env;
  let feed: FeedServer;
  let app: Calpage;
  let url: string;
  let t0: number;
  let rota: IcsEvent[];

  beforeAll(async () => {
    slack = await startFakeSlack({ users: teamSlackUsers(), token: "xoxb-e2e-test" });
    env = await prepareEnv(backend, slack);
    t0 = Math.floor(Date.now() / H) * H;
    rota = [
      { uid: "a1@google.com", summary: "On call: Alice Example", start: new Date(t0 - 20 * DAY), end: new Date(t0 - 10 * DAY) },
      { uid: "b1@google.com", summary: "On call: Bob Example", start: new Date(t0 - 10 * DAY), end: new Date(t0 + 5 * DAY) },
      { uid: "c1@google.com", summary: "On call: Carol Example", start: new Date(t0 + 5 * DAY), end: new Date(t0 + 400 * DAY) },
      { uid: "a2@google.com", summary: "[L1] On call: Alice Example", start: new Date(t0 + 30 * DAY), end: new Date(t0 + 31 * DAY) },
    ];
    feed = await startFeedServer(ics(rota));
    const yaml = scheduleYaml({ feed: feed.url, exportToken: SCHEDULE_TOKEN, userTokens: { [TEAM.bob.email]: BOB_TOKEN, [TEAM.alice.email]: ALICE_TOKEN } });
    ({ app, url } = await startCalpage(env.dir, env.env, yaml));
  });

  afterAll(async () => {
    await app?.stop();
    await feed?.close();
    await slack?.close();
    await env?.cleanup();
  });

  const get = (path: string) => fetch(`${url}${path}`);

  it("serves the final schedule 15 days back to 180 ahead, one event per shift, with stable UIDs", async () => {
    const res = await get(`/ical/schedules/primary.ics?token=${SCHEDULE_TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/calendar; charset=utf-8");
    const text = await res.text();
    const evs = events(text);
    expect(evs.map((e) => [e.summary, e.start, e.status])).toEqual([
      ["On call: Alice Example", icsStamp(new Date(t0 - 20 * DAY)), "CONFIRMED"],
      ["On call: Bob Example", icsStamp(new Date(t0 - 10 * DAY)), "CONFIRMED"],
      ["On call: Carol Example", icsStamp(new Date(t0 + 5 * DAY)), "CONFIRMED"],
      ["On call: Alice Example", icsStamp(new Date(t0 + 30 * DAY)), "CONFIRMED"],
      ["On call: Carol Example", icsStamp(new Date(t0 + 31 * DAY)), "CONFIRMED"],
    ]);
    // The last shift is cut at 180 days ahead.
    expect(Date.parse(evs[4]!.end.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, "$1-$2-$3T$4:$5:$6Z"))).toBeLessThanOrEqual(Date.now() + 180 * DAY + 1000);
    const again = events(await (await get(`/ical/schedules/primary.ics?token=${SCHEDULE_TOKEN}`)).text());
    expect(again.map((e) => e.uid)).toEqual(evs.map((e) => e.uid));
    expect(new Set(evs.map((e) => e.uid)).size).toBe(5);
  });

  it("answers 404 for a missing or wrong token, an unknown schedule, or another export's token", async () => {
    for (const path of [
      "/ical/schedules/primary.ics",
      "/ical/schedules/primary.ics?token=",
      `/ical/schedules/primary.ics?token=${SCHEDULE_TOKEN}x`,
      `/ical/schedules/primary.ics?token=${BOB_TOKEN}`,
      `/ical/schedules/nosuch.ics?token=${SCHEDULE_TOKEN}`,
      `/ical/users/${TEAM.bob.email}.ics?token=${SCHEDULE_TOKEN}`,
      `/ical/users/${TEAM.bob.email}.ics?token=${ALICE_TOKEN}`,
      `/ical/users/${TEAM.carol.email}.ics?token=${BOB_TOKEN}`,
      `/ical/users/nobody%40example.com.ics?token=${BOB_TOKEN}`,
    ]) {
      const res = await get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      expect(await res.text()).toBe("not found\n");
    }
  });

  it("serves one person's shifts across schedules", async () => {
    const res = await get(`/ical/users/${encodeURIComponent(TEAM.bob.email)}.ics?token=${BOB_TOKEN}`);
    expect(res.status).toBe(200);
    const evs = events(await res.text());
    expect(evs.map((e) => [e.summary, e.start, e.end])).toEqual([["On call: primary", icsStamp(new Date(t0 - 10 * DAY)), icsStamp(new Date(t0 + 5 * DAY))]]);
    const alice = events(await (await get(`/ical/users/${TEAM.alice.email}.ics?token=${ALICE_TOKEN}`)).text());
    expect(alice.map((e) => e.start)).toEqual([icsStamp(new Date(t0 - 20 * DAY)), icsStamp(new Date(t0 + 30 * DAY))]);
  });

  it("keeps a removed shift as STATUS:CANCELLED under its old UID", async () => {
    const before = events(await (await get(`/ical/schedules/primary.ics?token=${SCHEDULE_TOKEN}`)).text());
    const aliceShift = before.find((e) => e.start === icsStamp(new Date(t0 + 30 * DAY)))!;
    const carolAfter = before.find((e) => e.start === icsStamp(new Date(t0 + 31 * DAY)))!;
    // The calendar owner deletes Alice's day.
    feed.body = ics(rota.filter((e) => e.uid !== "a2@google.com"));
    await refreshNow(app);

    const after = events(await (await get(`/ical/schedules/primary.ics?token=${SCHEDULE_TOKEN}`)).text());
    const confirmed = after.filter((e) => e.status === "CONFIRMED");
    expect(confirmed.map((e) => e.start)).toEqual([icsStamp(new Date(t0 - 20 * DAY)), icsStamp(new Date(t0 - 10 * DAY)), icsStamp(new Date(t0 + 5 * DAY))]);
    const cancelled = after.filter((e) => e.status === "CANCELLED");
    expect(cancelled.map((e) => e.uid).sort()).toEqual([aliceShift.uid, carolAfter.uid].sort());
    expect(cancelled.find((e) => e.uid === aliceShift.uid)).toMatchObject({ start: aliceShift.start, end: aliceShift.end, summary: "On call: Alice Example" });
    // Unchanged shifts kept their UIDs.
    expect(confirmed.map((e) => e.uid)).toEqual(before.slice(0, 3).map((e) => e.uid));

    const alice = events(await (await get(`/ical/users/${TEAM.alice.email}.ics?token=${ALICE_TOKEN}`)).text());
    expect(alice.map((e) => [e.start, e.status])).toEqual([
      [icsStamp(new Date(t0 - 20 * DAY)), "CONFIRMED"],
      [icsStamp(new Date(t0 + 30 * DAY)), "CANCELLED"],
    ]);
  });
});
