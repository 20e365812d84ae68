import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Calpage } from "../../src/app/create-calpage.js";
import { BACKENDS, prepareEnv, type Env } from "../e2e/harness.js";
import { startFakeSlack, type FakeSlack } from "../support/fake-slack.js";
import { waitFor } from "../support/wait-for.js";
import { channelTexts, ics, scheduleYaml, sleep, startCalpage, startFeedServer, TEAM, teamSlackUsers, type FeedServer } from "./schedule-harness.js";

/**
 * On-call changes as the channel and the user group see them: announced once per change (on
 * Postgres with two replicas running the same jobs), the user group following who is on call, and
 * an empty shift keeping the group's last members with one warning.
 */
describe.each(BACKENDS)("announcements and user group (%s)", (backend) => {
  let slack: FakeSlack;
  let env: Env;
  let feed: FeedServer;
  const apps: Calpage[] = [];
  let handover: number;
  let gapFrom: number;

  beforeAll(async () => {
    slack = await startFakeSlack({ users: teamSlackUsers(), channels: { oncall: "C0ONCALL1" }, usergroups: [{ id: "S0ONCALL1", handle: "primary-oncall", users: [TEAM.carol.id] }], token: "xoxb-e2e-test" });
    env = await prepareEnv(backend, slack);
    // Alice until the handover, Bob for 5 s after it, then nobody for an hour, then Alice again.
    handover = Math.ceil(Date.now() / 1000) * 1000 + 9_000;
    gapFrom = handover + 5_000;
    const H = 3_600_000;
    feed = await startFeedServer(
      ics([
        { uid: "a1@google.com", summary: "On call: Alice Example", start: new Date(handover - H), end: new Date(handover) },
        { uid: "b1@google.com", summary: "On call: Bob Example", start: new Date(handover), end: new Date(gapFrom) },
        { uid: "a2@google.com", summary: "On call: Alice Example", start: new Date(gapFrom + H), end: new Date(gapFrom + 400 * 24 * H) },
      ]),
    );
    const yaml = scheduleYaml({ feed: feed.url, channel: "#oncall", userGroup: "primary-oncall" });
    apps.push((await startCalpage(env.dir, env.env, yaml)).app);
    // Postgres: a second replica on the same database runs the same jobs.
    if (backend === "postgres") apps.push((await startCalpage(env.dir, env.env, yaml, "replica.yaml")).app);
  });

  afterAll(async () => {
    for (const a of apps) await a.stop();
    await feed?.close();
    await slack?.close();
    await env?.cleanup();
  });

  const announcements = () => channelTexts(slack, "#oncall").filter((t) => t.includes("now on call"));

  it("announces who is on call now and next, and puts them in the user group", async () => {
    const first = await slack.waitFor((c) => c.method === "chat.postMessage" && String(c.args.text).includes("now on call"), 10_000);
    expect(first.args.text).toContain(`now on call: <@${TEAM.alice.id}>.`);
    expect(first.args.text).toMatch(new RegExp(`Next: <@${TEAM.bob.id}> at .+\\.`));
    await waitFor(() => slack.usergroupUsers("S0ONCALL1")?.join() === TEAM.alice.id, { timeoutMs: 10_000, description: "the user group to hold Alice" });
    expect(apps.every((a) => a.schedules.whoIsOnCall("primary", new Date()).join() === TEAM.alice.email)).toBe(true);
  });

  it("announces the handover once, at its time, and the user group follows", async () => {
    const at = await slack.waitFor((c) => c.method === "chat.postMessage" && String(c.args.text).includes(`now on call: <@${TEAM.bob.id}>`), handover - Date.now() + 10_000);
    // Timed by a job at the shift change, not by polling.
    expect(at.at).toBeGreaterThanOrEqual(handover);
    expect(at.at).toBeLessThan(handover + 3_000);
    expect(String(at.args.text)).toContain("Next: nobody is on call from");
    await waitFor(() => slack.usergroupUsers("S0ONCALL1")?.join() === TEAM.bob.id, { timeoutMs: 10_000, description: "the user group to hold Bob" });
  });

  it("in an empty shift, keeps the group's last members and warns once; every change was announced once", async () => {
    await slack.waitFor((c) => c.method === "chat.postMessage" && String(c.args.text).includes("now on call: _nobody_"), gapFrom - Date.now() + 10_000);
    const warning = await slack.waitFor((c) => c.method === "chat.postMessage" && String(c.args.text).includes("Slack does not allow an empty user group"), 10_000);
    expect(warning.args.text).toContain(`@primary-oncall keeps <@${TEAM.bob.id}>`);
    await sleep(2_500);
    expect(slack.usergroupUsers("S0ONCALL1")).toEqual([TEAM.bob.id]);
    // Slack was never asked to empty the group.
    expect(slack.callsTo("usergroups.users.update").every((c) => String(c.args.users) !== "")).toBe(true);
    expect(channelTexts(slack, "#oncall").filter((t) => t.includes("Slack does not allow an empty user group"))).toHaveLength(1);
    const said = announcements();
    expect(said).toHaveLength(3);
    expect(said[0]).toContain(`now on call: <@${TEAM.alice.id}>`);
    expect(said[1]).toContain(`now on call: <@${TEAM.bob.id}>`);
    expect(said[2]).toContain("now on call: _nobody_");
    expect(said[2]).toMatch(new RegExp(`Next: <@${TEAM.alice.id}> at `));
    expect(slack.unexpected).toEqual([]);
  });
});
