import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Calpage } from "../../src/app/create-calpage.js";
import type { AlertGroupRecord } from "../../src/store/repositories/alert-group-record.js";
import { BACKENDS, PEOPLE, fakeSlackUsers, postSignedSlack, prepareEnv, startInProcess, writeConfigText, type Env } from "../e2e/harness.js";
import { startFakeSlack, type FakeSlack } from "../support/fake-slack.js";
import { slashCommandBody } from "../support/slack-signing.js";
import { waitFor } from "../support/wait-for.js";

/**
 * A schedule whose feed calpage has never read (unreachable since start, no stored copy) is
 * "unknown", not "nobody": the escalation step and "add responder" say so, instead of claiming
 * nobody is on call.
 */

const TOKEN = "unknown-schedule-token-0001";

function configYaml(): string {
  const users = Object.values(PEOPLE).map((p) => `  - email: ${p.email}\n    name: ${p.name}`);
  return `timezone: Europe/Berlin
users:
${users.join("\n")}
schedules:
  - name: primary
    feed: http://127.0.0.1:9/never.ics
escalation_chains:
  - name: default
    steps:
      - notify_schedule: primary
      - notify_users: [${PEOPLE.bob.email}]
integrations:
  - name: prod
    type: alertmanager
    token: ${TOKEN}
    chain: default
    channel: "#alerts"
`;
}

describe.each(BACKENDS)("a schedule never read (%s)", (backend) => {
  let slack: FakeSlack;
  let env: Env;
  let app: Calpage;
  let url: string;
  let group: AlertGroupRecord;

  beforeAll(async () => {
    slack = await startFakeSlack({ users: fakeSlackUsers(), channels: { alerts: "C0ALERTS1" }, token: "xoxb-e2e-test" });
    env = await prepareEnv(backend, slack);
    const yaml = configYaml();
    ({ app, url } = await startInProcess(writeConfigText(env, yaml), env.env, yaml));
    const key = `unknown-${backend}`;
    const alert = { status: "firing", labels: { alertname: key }, annotations: {}, startsAt: new Date().toISOString(), endsAt: "0001-01-01T00:00:00Z", generatorURL: "", fingerprint: key };
    const payload = { version: "4", groupKey: `{}:{alertname="${key}"}`, status: "firing", receiver: "calpage", groupLabels: { alertname: key }, commonLabels: alert.labels, commonAnnotations: {}, externalURL: "http://127.0.0.1:9093", truncatedAlerts: 0, alerts: [alert] };
    expect((await fetch(`${url}/integrations/v1/alertmanager/${TOKEN}/`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(payload) })).status).toBe(200);
    await waitFor(async () => (group = (await app.store.read.groups.listOpen(10)).find((g) => g.title.includes(key))!) !== undefined, { timeoutMs: 10_000, description: key });
  });

  afterAll(async () => {
    await app?.stop();
    await slack?.close();
    await env?.cleanup();
  });

  it("the notify_schedule step says it does not know who is on call, and the chain goes on", async () => {
    const log = async () => (await app.store.read.log.list(group.id)).map((e) => e.text).join("\n");
    await waitFor(async () => (await log()).includes("Step 2: notifying Bob Example."), { timeoutMs: 10_000, description: "step 2" });
    expect(await log()).toContain("Step 1: calpage has never read the feed of schedule primary, so it does not know who is on call there; continuing.");
    expect(await log()).not.toContain("nobody is on call in schedule primary");
  });

  it("/oncall add <n> primary says the schedule is unknown and pages nobody", async () => {
    const res = await postSignedSlack(url, slashCommandBody({ text: `add ${group.number} primary`, userId: PEOPLE.alice.id, channelId: "C0ALERTS1" }));
    expect(res.status).toBe(200);
    const text = (JSON.parse(await res.text()) as { text: string }).text;
    expect(text).toBe(`calpage has never read the feed of primary, so it does not know who is on call there; nobody was paged for #${group.number}. Name the people instead.`);
  });
});
