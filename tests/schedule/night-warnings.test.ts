import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Calpage } from "../../src/app/create-calpage.js";
import { BACKENDS, prepareEnv, type Env } from "../e2e/harness.js";
import { startFakeSlack, type FakeSlack } from "../support/fake-slack.js";
import { waitFor } from "../support/wait-for.js";
import { channelTexts, ics, refreshNow, scheduleYaml, sleep, startCalpage, startFeedServer, TEAM, teamSlackUsers, type FeedServer, type IcsEvent } from "./schedule-harness.js";

const H = 3_600_000;
const DAY = 24 * H;

/**
 * `night_warnings: true`: the calendar check lists who is on call between 00:00 and 06:00 in
 * their own time zone over the next 14 days — Alice and Carol in their Slack profiles' zones
 * (Berlin, New York), Bob in the `timezone` calpage.yaml gives him (Tokyo; Slack says Berlin).
 */
describe.each(BACKENDS)("night-shift warnings (%s)", (backend) => {
  let slack: FakeSlack;
  let env: Env;
  let primary: FeedServer;
  let app: Calpage;
  let day: number;
  let events: IcsEvent[];

  const reports = () => channelTexts(slack, "#oncall").filter((t) => t.includes("Calendar check"));

  beforeAll(async () => {
    slack = await startFakeSlack({ users: teamSlackUsers(), channels: { oncall: "C0ONCALL1" }, token: "xoxb-e2e-test" });
    env = await prepareEnv(backend, slack);
    // The start of the UTC day after tomorrow: every shift below is well inside the next 14 days.
    day = Math.floor(Date.now() / DAY) * DAY + 2 * DAY;
    events = [
      // 00:00–03:00 UTC is 01:00–04:00 (or 02:00–05:00 in summer) in Berlin: 3 night hours.
      { uid: "alice@google.com", summary: "On call: Alice Example", start: new Date(day), end: new Date(day + 3 * H) },
      // 04:00–12:00 UTC is 23:00–07:00 (EST) or 00:00–08:00 (EDT) in New York: 6 night hours either way.
      { uid: "carol@google.com", summary: "On call: Carol Example", start: new Date(day + 4 * H), end: new Date(day + 12 * H) },
      // 12:00–20:00 UTC is daytime in Berlin but 21:00–05:00 in Tokyo: 5 night hours.
      { uid: "bob@google.com", summary: "On call: Bob Example", start: new Date(day + 12 * H), end: new Date(day + 20 * H) },
    ];
    primary = await startFeedServer(ics(events));
    const yaml = scheduleYaml({ feed: primary.url, channel: "#oncall", announce: false })
      .replace("    name: Bob Example", "    name: Bob Example\n    timezone: Asia/Tokyo")
      .replace("    announce: false", "    announce: false\n    night_warnings: true");
    expect(yaml).toContain("night_warnings: true");
    app = (await startCalpage(env.dir, env.env, yaml)).app;
  });

  afterAll(async () => {
    await app?.stop();
    await primary?.close();
    await slack?.close();
    await env?.cleanup();
  });

  it("lists each person's night hours in their own zone, most first, with the other warnings", async () => {
    await waitFor(() => reports().length === 1, { timeoutMs: 10_000, description: "the calendar check" });
    const lines = reports()[0]!.split("\n");
    const night = lines.indexOf("*On call at night* (00:00–06:00 in their own time zone, next 14 days):");
    expect(night).toBeGreaterThan(0);
    expect(lines.slice(night + 1, night + 4)).toEqual([
      `• <@${TEAM.carol.id}>: 6 h (America/New_York)`,
      `• <@${TEAM.bob.id}>: 5 h (Asia/Tokyo)`,
      `• <@${TEAM.alice.id}>: 3 h (Europe/Berlin)`,
    ]);
    // The gaps between the shifts are reported in the same message.
    expect(reports()[0]).toContain("*Nobody on call* (next 14 days):");
  });

  it("reports again when the calendar changes someone's night hours, and not on refreshes that change nothing", async () => {
    await refreshNow(app);
    await sleep(500);
    expect(reports()).toHaveLength(1);
    // Carol's shift now runs a day longer: two nights in New York.
    primary.body = ics(events.map((e) => (e.uid === "carol@google.com" ? { ...e, end: new Date(day + DAY + 12 * H) } : e)));
    await refreshNow(app);
    await waitFor(() => reports().length === 2, { timeoutMs: 10_000, description: "the second calendar check" });
    expect(reports()[1]).toContain(":mag: Calendar check for *primary* after the calendar changed:");
    expect(reports()[1]).toContain(`• <@${TEAM.carol.id}>: 12 h (America/New_York)`);
  });
});
