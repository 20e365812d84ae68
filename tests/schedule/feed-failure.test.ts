import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Calpage } from "../../src/app/create-calpage.js";
import { BACKENDS, prepareEnv, type Env } from "../e2e/harness.js";
import { startFakeSlack, type FakeSlack } from "../support/fake-slack.js";
import { waitFor } from "../support/wait-for.js";
import { channelTexts, ics, refreshNow, scheduleYaml, sleep, startCalpage, startFeedServer, TEAM, teamSlackUsers, type FeedServer } from "./schedule-harness.js";

const H = 3_600_000;
const DAY = 24 * H;

/**
 * A feed that breaks in every way real ones do (HTTP 500, a hang past the timeout, an HTML login
 * page, a truncated download): the last good copy keeps serving — also across a restart with the
 * feed still down — and the channel gets exactly one warning and one recovery message.
 */
describe.each(BACKENDS)("feed failure (%s)", (backend) => {
  let slack: FakeSlack;
  let env: Env;
  let feed: FeedServer;
  let app: Calpage;
  let yaml: string;

  const failing = () => channelTexts(slack, "#oncall").filter((t) => t.includes("is failing"));
  const recovered = () => channelTexts(slack, "#oncall").filter((t) => t.includes("works again"));
  const who = () => app.schedules.whoIsOnCall("primary", new Date());

  beforeAll(async () => {
    slack = await startFakeSlack({ users: teamSlackUsers(), channels: { oncall: "C0ONCALL1" }, token: "xoxb-e2e-test" });
    env = await prepareEnv(backend, slack);
    const t = Date.now();
    feed = await startFeedServer(ics([{ uid: "rota@google.com", summary: "On call: Bob Example", start: new Date(t - DAY), end: new Date(t + 400 * DAY) }]));
    yaml = scheduleYaml({ feed: feed.url, channel: "#oncall" });
    app = (await startCalpage(env.dir, env.env, yaml)).app;
    await waitFor(() => slack.callsTo("chat.postMessage").some((c) => String(c.args.text).includes("now on call")), { timeoutMs: 10_000 });
  });

  afterAll(async () => {
    await app?.stop();
    await feed?.close();
    await slack?.close();
    await env?.cleanup();
  });

  it("refreshes with a conditional GET and a User-Agent", async () => {
    await refreshNow(app);
    const last = feed.requests[feed.requests.length - 1]!;
    expect(last["if-none-match"]).toMatch(/^"[0-9a-f]+"$/);
    expect(last["user-agent"]).toMatch(/^calpage/);
    expect(feed.statuses[feed.statuses.length - 1]).toBe(304);
    expect(who()).toEqual([TEAM.bob.email]);
  });

  it("keeps serving the last good copy through a 500, a timeout, an HTML page and a truncated file, with one warning", async () => {
    feed.mode = "500";
    await refreshNow(app);
    await waitFor(() => failing().length === 1, { timeoutMs: 10_000, description: "the warning" });
    expect(failing()[0]).toContain("HTTP 500 from the feed");
    expect(failing()[0]).toContain("keeps using the last good copy");
    expect(who()).toEqual([TEAM.bob.email]);

    feed.mode = "hang";
    await refreshNow(app, "primary", 40_000);
    expect((await app.store.read.feeds.get("primary", "primary"))?.error).toContain("timed out");
    expect(who()).toEqual([TEAM.bob.email]);

    for (const mode of ["html", "truncated"] as const) {
      feed.mode = mode;
      await refreshNow(app);
      expect(who()).toEqual([TEAM.bob.email]);
    }
    const row = (await app.store.read.feeds.get("primary", "primary"))!;
    expect(row.error).toContain("truncated");
    expect(row.body).toBe(feed.body);
    await sleep(1_500);
    expect(failing()).toHaveLength(1);
    expect(recovered()).toHaveLength(0);
  }, 120_000);

  it("still knows who is on call after a restart with the feed down, and does not warn again", async () => {
    await app.stop();
    app = (await startCalpage(env.dir, env.env, yaml)).app;
    expect(who()).toEqual([TEAM.bob.email]);
    await refreshNow(app);
    expect(who()).toEqual([TEAM.bob.email]);
    await sleep(1_500);
    expect(failing()).toHaveLength(1);
  });

  it("says once that the feed works again", async () => {
    feed.mode = "ok";
    await refreshNow(app);
    await waitFor(() => recovered().length === 1, { timeoutMs: 10_000, description: "the recovery message" });
    await refreshNow(app);
    await sleep(1_500);
    expect(recovered()).toHaveLength(1);
    expect(failing()).toHaveLength(1);
    expect((await app.store.read.feeds.get("primary", "primary"))?.error).toBeNull();
    expect(slack.unexpected).toEqual([]);
  });
});
