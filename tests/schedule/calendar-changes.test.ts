import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Calpage } from "../../src/app/create-calpage.js";
import { BACKENDS, prepareEnv, type Env } from "../e2e/harness.js";
import { startFakeSlack, type FakeSlack } from "../support/fake-slack.js";
import { waitFor } from "../support/wait-for.js";
import { channelTexts, ics, icsStamp, refreshNow, scheduleYaml, sleep, startCalpage, startFeedServer, TEAM, teamSlackUsers, type FeedServer, type IcsEvent } from "./schedule-harness.js";

const H = 3_600_000;
const DAY = 24 * H;

/**
 * What the channel hears when the calendar itself changes: names that match nobody and gaps
 * (reported once, not on every refresh), and swaps made in the calendar — an edited occurrence
 * of the rota, an event in the overrides feed — announced as shift changes.
 */
describe.each(BACKENDS)("calendar changes (%s)", (backend) => {
  let slack: FakeSlack;
  let env: Env;
  let primary: FeedServer;
  let overrides: FeedServer;
  let app: Calpage;
  let t0: number;
  let rota: IcsEvent[];

  const reports = () => channelTexts(slack, "#oncall").filter((t) => t.includes("Calendar check"));
  const changes = () => channelTexts(slack, "#oncall").filter((t) => t.includes("Shift change in the calendar"));

  beforeAll(async () => {
    slack = await startFakeSlack({ users: teamSlackUsers(), channels: { oncall: "C0ONCALL1" }, token: "xoxb-e2e-test" });
    env = await prepareEnv(backend, slack);
    t0 = Math.floor(Date.now() / H) * H;
    rota = [
      // Alice every day, in day-long shifts.
      { uid: "rota@google.com", summary: "On call: Alice Example", start: new Date(t0 - DAY), end: new Date(t0), rrule: "FREQ=DAILY" },
      // A typo nobody matches (reported, and ignored: Alice stays on call under it).
      { uid: "typo@google.com", summary: "On call: Zed", start: new Date(t0 + 3 * DAY), end: new Date(t0 + 3 * DAY + 2 * H) },
    ];
    primary = await startFeedServer(ics(rota));
    overrides = await startFeedServer(ics([]));
    // Night shifts have their own test (night-warnings.test.ts); here each report is about names and gaps.
    const yaml = scheduleYaml({ feed: primary.url, overridesFeed: overrides.url, channel: "#oncall", announce: false, nightWarnings: false });
    app = (await startCalpage(env.dir, env.env, yaml)).app;
  });

  afterAll(async () => {
    await app?.stop();
    await primary?.close();
    await overrides?.close();
    await slack?.close();
    await env?.cleanup();
  });

  it("reports a name that matches no user once, not on every refresh", async () => {
    await waitFor(() => reports().length === 1, { timeoutMs: 10_000, description: "the report" });
    expect(reports()[0]).toContain("*Names that match no user*");
    expect(reports()[0]).toContain('"Zed" in "On call: Zed" matches no user');
    await refreshNow(app);
    await refreshNow(app);
    await sleep(1_000);
    expect(reports()).toHaveLength(1);
    expect(channelTexts(slack, "#oncall").filter((t) => t.includes("now on call"))).toEqual([]);
  });

  it("announces an occurrence moved to someone else in the calendar as a shift change", async () => {
    const day2 = t0 + DAY;
    primary.body = ics([
      ...rota,
      { uid: "rota@google.com", summary: "On call: Bob Example", start: new Date(day2), end: new Date(day2 + DAY), extra: [`RECURRENCE-ID:${icsStamp(new Date(day2))}`] },
    ]);
    await refreshNow(app);
    await waitFor(() => changes().length === 1, { timeoutMs: 10_000, description: "the shift change" });
    expect(changes()[0]).toMatch(/• .+ → .+: <@U0BOB001> \(was <@U0ALICE1>\)$/);
    expect(app.schedules.whoIsOnCall("primary", new Date(day2 + H))).toEqual([TEAM.bob.email]);
    // Same problems as before: no second report.
    await sleep(1_000);
    expect(reports()).toHaveLength(1);
  });

  it("announces an event added to the overrides feed, and reports a new gap", async () => {
    overrides.body = ics([{ uid: "ov@google.com", summary: "On call: Carol Example", start: new Date(t0 + 2 * DAY + 2 * H), end: new Date(t0 + 2 * DAY + 5 * H) }]);
    primary.body = ics([...rota.map((e) => (e.uid === "rota@google.com" ? { ...e, extra: [`EXDATE:${icsStamp(new Date(t0 + 5 * DAY))}`] } : e))]);
    await refreshNow(app);
    await waitFor(() => changes().length === 2, { timeoutMs: 10_000, description: "the second shift change" });
    const text = changes()[1]!;
    expect(text).toContain("<@U0CAROL1> (was <@U0ALICE1>)");
    // Bob's edited day is gone again (the edit was dropped from the feed), and the excluded day is nobody's.
    expect(text).toContain("<@U0ALICE1> (was <@U0BOB001>)");
    expect(text).toContain("_nobody_ (was <@U0ALICE1>)");
    await waitFor(() => reports().length === 2, { timeoutMs: 10_000, description: "the new report" });
    expect(reports()[1]).toContain("*Nobody on call* (next 14 days):");
    expect(slack.unexpected).toEqual([]);
  });
});
