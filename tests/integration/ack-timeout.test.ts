import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Calpage } from "../../src/app/create-calpage.js";
import type { AlertGroupRecord } from "../../src/store/repositories/alert-group-record.js";
import { BACKENDS, PEOPLE, actionIds, buttonValue, fakeSlackUsers, postSignedSlack, prepareEnv, sleep, startInProcess, weeklyRotaIcs, writeConfigText, type Env } from "../e2e/harness.js";
import { startFakeSlack, type FakeSlack, type RecordedCall } from "../support/fake-slack.js";
import { buttonClickBody } from "../support/slack-signing.js";
import { waitFor } from "../support/wait-for.js";

/**
 * A chain's `ack_timeout` (README "Escalation chains"): a group acknowledged and still firing after
 * the timeout asks the acknowledger by DM "still on it?"; Keep holds the acknowledgement (and asks again
 * later), Unacknowledge or no answer in time starts the chain again — which pages again.
 * The timeouts are seconds here so the test runs in real time through the real job runners.
 */

const TOKEN = "ack-timeout-test-token-0001";
const ALICE = PEOPLE.alice;

function configYaml(): string {
  const users = Object.values(PEOPLE).map((p) => `  - email: ${p.email}\n    name: ${p.name}`);
  return `timezone: Europe/Berlin
users:
${users.join("\n")}
schedules:
  - name: primary
    feed: ./oncall.ics
escalation_chains:
  - name: default
    ack_timeout: {after: 2s, answer_within: 2s}
    steps:
      - notify_users: [${ALICE.email}]
      - wait: 1h
integrations:
  - name: prod
    type: alertmanager
    token: ${TOKEN}
    chain: default
    channel: "#alerts"
`;
}

describe.each(BACKENDS)("ack timeout (%s)", (backend) => {
  let slack: FakeSlack;
  let env: Env;
  let app: Calpage;
  let url: string;
  let seq = 0;

  beforeAll(async () => {
    slack = await startFakeSlack({ users: fakeSlackUsers(), channels: { alerts: "C0ALERTS1" }, token: "xoxb-e2e-test" });
    env = await prepareEnv(backend, slack);
    writeFileSync(join(env.dir, "oncall.ics"), weeklyRotaIcs(ALICE.name, new Date()));
    const yaml = configYaml();
    ({ app, url } = await startInProcess(writeConfigText(env, yaml), env.env, yaml));
  });

  afterAll(async () => {
    await app?.stop();
    await slack?.close();
    await env?.cleanup();
  });

  const isPageDm = (g: AlertGroupRecord) => (c: RecordedCall) => c.method === "chat.postMessage" && c.args.channel === ALICE.id && buttonValue(c.args.blocks, "alert_ack") === g.id;
  const isQuestion = (g: AlertGroupRecord) => (c: RecordedCall) => c.method === "chat.postMessage" && c.args.channel === ALICE.id && buttonValue(c.args.blocks, "alert_ack_keep") === g.id;

  /** A fresh group whose first step has DM'd Alice. */
  async function openGroup(): Promise<AlertGroupRecord> {
    const key = `acktimeout-${backend}-${++seq}`;
    const alert = { status: "firing", labels: { alertname: key }, annotations: { summary: `Case ${key}` }, startsAt: new Date().toISOString(), endsAt: "0001-01-01T00:00:00Z", generatorURL: "", fingerprint: key };
    const payload = { version: "4", groupKey: `{}:{alertname="${key}"}`, status: "firing", receiver: "calpage", groupLabels: { alertname: key }, commonLabels: alert.labels, commonAnnotations: alert.annotations, externalURL: "http://127.0.0.1:9093", truncatedAlerts: 0, alerts: [alert] };
    const res = await fetch(`${url}/integrations/v1/alertmanager/${TOKEN}/`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(payload) });
    expect(res.status).toBe(200);
    let group: AlertGroupRecord | null = null;
    await waitFor(async () => (group = (await app.store.read.groups.listOpen(1000)).find((g) => g.title.includes(key)) ?? null) !== null, { timeoutMs: 10_000, description: `group ${key}` });
    await slack.waitFor(isPageDm(group!), 10_000);
    return group!;
  }

  const click = (actionId: string, g: AlertGroupRecord) => postSignedSlack(url, buttonClickBody({ actionId, value: g.id, userId: ALICE.id, channelId: "D0ALICEDM", messageTs: "1700000000.000100" }));
  const logText = async (g: AlertGroupRecord) => (await app.store.read.log.list(g.id)).map((e) => e.text).join("\n");
  const state = async (g: AlertGroupRecord) => (await app.store.read.groups.get(g.id))!.state;
  const dmPages = async (g: AlertGroupRecord) => (await app.store.read.pages.listForGroup(g.id)).filter((p) => p.channel === "slack_dm" && p.userEmail === ALICE.email).length;

  it("no answer to “still on it?” unacknowledges the group and the chain pages again", async () => {
    const g = await openGroup();
    expect((await click("alert_ack", g)).status).toBe(200);
    await waitFor(async () => (await state(g)) === "acknowledged", { timeoutMs: 10_000, description: "acknowledged" });
    const pagesBefore = await dmPages(g);
    const question = await slack.waitFor(isQuestion(g), 10_000);
    expect(actionIds(question.args.blocks)).toEqual(["alert_ack_keep", "alert_unack"]);
    expect(String(question.args.text)).toMatch(new RegExp(`^Still on it\\? You acknowledged #${g.number} \\ds ago and it is still firing\\.$`));
    expect(JSON.stringify(question.args.blocks)).toContain("Without an answer within 2s, calpage unacknowledges it");
    await waitFor(async () => (await state(g)) === "firing", { timeoutMs: 10_000, description: "unacknowledged after no answer" });
    const log = await logText(g);
    expect(log).toMatch(/Acknowledged by <@U0ALICE1> \ds ago and still firing: asking whether they are still on it; no answer within 2s unacknowledges it\./);
    expect(log).toContain("No answer from <@U0ALICE1> to “still on it?” in time.");
    expect(log).toContain("Unacknowledged by calpage (no answer to “still on it?”); escalation restarts from the first step.");
    // The chain started again: Alice's ladder pages her once more.
    await waitFor(async () => (await dmPages(g)) > pagesBefore, { timeoutMs: 10_000, description: "a new DM page" });
  });

  it("Keep holds the acknowledgement past the answer window and the question comes again after another ack_timeout", async () => {
    const g = await openGroup();
    expect((await click("alert_ack", g)).status).toBe(200);
    const mark = slack.calls.length;
    await slack.waitFor(isQuestion(g), 10_000);
    expect((await click("alert_ack_keep", g)).status).toBe(200);
    const thanks = await slack.waitFor((c) => c.seq > mark && c.method === "chat.postEphemeral" && c.args.user === ALICE.id, 10_000);
    expect(thanks.args.text).toBe(`Thanks — #${g.number} stays acknowledged by you.`);
    await waitFor(async () => (await logText(g)).includes("<@U0ALICE1> is still on it; calpage asks again in 2s."), { timeoutMs: 5000, description: "kept in the log" });
    const asked = slack.calls.filter(isQuestion(g)).length;
    await sleep(2_500); // past the first question's answer window
    expect(await state(g)).toBe("acknowledged");
    expect(await logText(g)).not.toContain("No answer from");
    await waitFor(async () => slack.calls.filter(isQuestion(g)).length > asked, { timeoutMs: 10_000, description: "asked again" });
  });

  it("Keep from someone other than the acknowledger (a button of an earlier question) is refused, and the question still runs out", async () => {
    const g = await openGroup();
    expect((await click("alert_ack", g)).status).toBe(200);
    await slack.waitFor(isQuestion(g), 10_000);
    const mark = slack.calls.length;
    const bob = PEOPLE.bob;
    expect((await postSignedSlack(url, buttonClickBody({ actionId: "alert_ack_keep", value: g.id, userId: bob.id, channelId: "D0BOBDM01", messageTs: "1700000000.000200" }))).status).toBe(200);
    const answer = await slack.waitFor((c) => c.seq > mark && c.method === "chat.postEphemeral" && c.args.user === bob.id, 10_000);
    expect(answer.args.text).toBe(`#${g.number} is acknowledged by <@${ALICE.id}>: only they can answer “still on it?”.`);
    await waitFor(async () => (await state(g)) === "firing", { timeoutMs: 10_000, description: "unacknowledged after no answer from Alice" });
    expect(await logText(g)).not.toContain("is still on it");
  });

  it("Unacknowledge in the question starts the chain again at once", async () => {
    const g = await openGroup();
    expect((await click("alert_ack", g)).status).toBe(200);
    await slack.waitFor(isQuestion(g), 10_000);
    expect((await click("alert_unack", g)).status).toBe(200);
    await waitFor(async () => (await state(g)) === "firing", { timeoutMs: 5000, description: "unacknowledged" });
    expect(await logText(g)).toContain("Unacknowledged by <@U0ALICE1>; escalation restarts from the first step.");
    await sleep(2_500);
    expect(await logText(g)).not.toContain("No answer from");
  });

  it("a group resolved before the timeout is never asked about", async () => {
    const g = await openGroup();
    expect((await click("alert_ack", g)).status).toBe(200);
    await waitFor(async () => (await state(g)) === "acknowledged", { timeoutMs: 10_000, description: "acknowledged" });
    expect((await click("alert_resolve", g)).status).toBe(200);
    await waitFor(async () => (await state(g)) === "resolved", { timeoutMs: 10_000, description: "resolved" });
    await sleep(3_000);
    expect(slack.calls.filter(isQuestion(g))).toEqual([]);
    expect(await logText(g)).not.toContain("still on it");
  });
});
