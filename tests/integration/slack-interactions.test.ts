import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Calpage } from "../../src/app/create-calpage.js";
import { startFakeSlack, type FakeSlack } from "../support/fake-slack.js";
import { buttonClickBody, signSlackRequest, slashCommandBody } from "../support/slack-signing.js";
import {
  AM_TOKEN,
  BACKENDS,
  PEOPLE,
  actionIds,
  buttonValue,
  fakeSlackUsers,
  postSignedSlack,
  prepareEnv,
  sleep,
  startInProcess,
  weeklyRotaIcs,
  writeConfig,
  type Env,
} from "../e2e/harness.js";

const root = join(import.meta.dirname, "..", "..");
const CHAIN = `      - notify_schedule: primary
      - wait: 1h`;

describe.each(BACKENDS)("Slack interactions (%s)", (backend) => {
  let slack: FakeSlack;
  let env: Env;
  let app: Calpage;
  let url: string;
  let groupId: string;
  let ts: string;

  beforeAll(async () => {
    slack = await startFakeSlack({ users: fakeSlackUsers(), channels: { alerts: "C0ALERTS1" }, token: "xoxb-e2e-test" });
    env = await prepareEnv(backend, slack);
    const path = writeConfig(env.dir, { ics: weeklyRotaIcs("Alice Example", new Date()), chain: CHAIN, access: "access:\n  admins: [alice@example.com]\n" });
    ({ app, url } = await startInProcess(path, env.env, readFileSync(path, "utf8")));
    const res = await fetch(`${url}/integrations/v1/alertmanager/${AM_TOKEN}/`, {
      method: "POST",
      body: readFileSync(join(root, "tests/fixtures/payloads/alertmanager-firing.json")),
    });
    expect(res.status).toBe(200);
    const posted = await slack.waitFor((c) => c.method === "chat.postMessage" && c.args.channel === "#alerts" && !c.args.thread_ts, 10_000);
    groupId = buttonValue(posted.args.blocks, "alert_ack")!;
    ts = String(posted.response.ts);
    await slack.waitFor((c) => c.method === "chat.postMessage" && c.args.channel === PEOPLE.alice.id, 10_000);
  });

  afterAll(async () => {
    await app?.stop();
    await slack?.close();
    await env?.cleanup();
  });

  const click = (actionId: string, userId: string) =>
    postSignedSlack(url, buttonClickBody({ actionId, value: groupId, userId, channelId: "C0ALERTS1", messageTs: ts }));

  it("refuses a wrongly signed button click and changes nothing", async () => {
    const body = buttonClickBody({ actionId: "alert_ack", value: groupId, userId: PEOPLE.bob.id, channelId: "C0ALERTS1", messageTs: ts });
    const headers = signSlackRequest("not-the-secret", body);
    const res = await fetch(`${url}/slack/events`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", ...headers }, body });
    expect(res.status).toBe(401);
    const stale = signSlackRequest("e2e-signing-secret", body, Math.floor(Date.now() / 1000) - 3600);
    const res2 = await fetch(`${url}/slack/events`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", ...stale }, body });
    expect(res2.status).toBe(401);
    expect((await app.store.read.groups.get(groupId))!.state).toBe("firing");
  });

  it("acknowledge, a second acknowledge gets a private explanation, unacknowledge restarts the chain from the first step", async () => {
    let mark = slack.calls.length;
    expect((await click("alert_ack", PEOPLE.bob.id)).status).toBe(200);
    await slack.waitFor((c) => c.seq > mark && c.method === "chat.update" && c.args.ts === ts && actionIds(c.args.blocks).includes("alert_unack"), 5000);
    expect((await app.store.read.groups.get(groupId))!).toMatchObject({ state: "acknowledged", acknowledgedBy: PEOPLE.bob.id });

    expect((await click("alert_ack", PEOPLE.carol.id)).status).toBe(200);
    const eph = await slack.waitFor((c) => c.method === "chat.postEphemeral" && c.args.user === PEOPLE.carol.id, 5000);
    expect(String(eph.args.text)).toContain(`already acknowledged by <@${PEOPLE.bob.id}>`);

    const alicePagesBefore = slack.callsTo("chat.postMessage").filter((c) => c.args.channel === PEOPLE.alice.id).length;
    mark = slack.calls.length;
    expect((await click("alert_unack", PEOPLE.bob.id)).status).toBe(200);
    await slack.waitFor((c) => c.seq > mark && c.method === "chat.update" && c.args.ts === ts && actionIds(c.args.blocks).includes("alert_ack"), 5000);
    // The first step (notify the schedule) runs again: Alice is paged a second time.
    for (let i = 0; i < 50 && slack.callsTo("chat.postMessage").filter((c) => c.args.channel === PEOPLE.alice.id).length <= alicePagesBefore; i++) await sleep(100);
    expect(slack.callsTo("chat.postMessage").filter((c) => c.args.channel === PEOPLE.alice.id)).toHaveLength(alicePagesBefore + 1);
    const log = await app.store.read.log.list(groupId);
    expect(log.map((e) => e.text)).toEqual(
      expect.arrayContaining([`Acknowledged by <@${PEOPLE.bob.id}>.`, `Unacknowledged by <@${PEOPLE.bob.id}>; escalation restarts from the first step.`]),
    );
  });

  it("resolve then unresolve reopens the group and restarts escalation", async () => {
    let mark = slack.calls.length;
    expect((await click("alert_resolve", PEOPLE.alice.id)).status).toBe(200);
    await slack.waitFor((c) => c.seq > mark && c.method === "chat.update" && c.args.ts === ts && actionIds(c.args.blocks).includes("alert_unresolve"), 5000);
    mark = slack.calls.length;
    expect((await click("alert_unresolve", PEOPLE.alice.id)).status).toBe(200);
    await slack.waitFor((c) => c.seq > mark && c.method === "chat.update" && c.args.ts === ts && actionIds(c.args.blocks).includes("alert_resolve") && actionIds(c.args.blocks).includes("alert_ack"), 5000);
    const g = (await app.store.read.groups.get(groupId))!;
    expect(g.state).toBe("firing");
    expect(g.escalation.status).toBe("active");
  });

  it("/oncall who answers privately with the on-call person", async () => {
    const body = slashCommandBody({ command: "/oncall", text: "who primary", userId: PEOPLE.bob.id, channelId: "C0ALERTS1" });
    const res = await postSignedSlack(url, body);
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { response_type: string; text: string };
    expect(answer.response_type).toBe("ephemeral");
    expect(answer.text).toContain("*primary*: Alice Example");
    const bad = await postSignedSlack(url, slashCommandBody({ command: "/oncall", text: "who nosuch", userId: PEOPLE.bob.id, channelId: "C0ALERTS1" }));
    expect(((await bad.json()) as { text: string }).text).toContain('There is no schedule called "nosuch"');
  });
});
