import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Calpage } from "../../src/app/create-calpage.js";
import type { AlertGroupRecord } from "../../src/store/repositories/alert-group-record.js";
import { BACKENDS, PEOPLE, buttonValue, fakeSlackUsers, postSignedSlack, prepareEnv, startInProcess, weeklyRotaIcs, writeConfigText, type Env } from "../e2e/harness.js";
import { startFakeSlack, type FakeSlack, type RecordedCall } from "../support/fake-slack.js";
import { buttonClickBody, slashCommandBody } from "../support/slack-signing.js";
import { waitFor } from "../support/wait-for.js";

/**
 * Escalate now (README "Slack commands"): the Escalate button and `/oncall escalate <n>` run the
 * chain's next step at once instead of after its wait — the next step's people are paged now, once.
 */

const TOKEN = "escalate-now-test-token-01";
const { alice, bob, carol } = PEOPLE;

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
    steps:
      - notify_users: [${alice.email}]
      - wait: 1h
      - notify_users: [${bob.email}]
      - wait: 1h
      - notify_users: [${carol.email}]
integrations:
  - name: prod
    type: alertmanager
    token: ${TOKEN}
    chain: default
    channel: "#alerts"
`;
}

describe.each(BACKENDS)("escalate now (%s)", (backend) => {
  let slack: FakeSlack;
  let env: Env;
  let app: Calpage;
  let url: string;
  let seq = 0;

  beforeAll(async () => {
    slack = await startFakeSlack({ users: fakeSlackUsers(), channels: { alerts: "C0ALERTS1" }, token: "xoxb-e2e-test" });
    env = await prepareEnv(backend, slack);
    writeFileSync(join(env.dir, "oncall.ics"), weeklyRotaIcs(alice.name, new Date()));
    const yaml = configYaml();
    ({ app, url } = await startInProcess(writeConfigText(env, yaml), env.env, yaml));
  });

  afterAll(async () => {
    await app?.stop();
    await slack?.close();
    await env?.cleanup();
  });

  const pageDm = (g: AlertGroupRecord, userId: string) => (c: RecordedCall) => c.method === "chat.postMessage" && c.args.channel === userId && buttonValue(c.args.blocks, "alert_ack") === g.id;

  async function openGroup(): Promise<AlertGroupRecord> {
    const key = `escalate-${backend}-${++seq}`;
    const alert = { status: "firing", labels: { alertname: key }, annotations: { summary: key }, startsAt: new Date().toISOString(), endsAt: "0001-01-01T00:00:00Z", generatorURL: "", fingerprint: key };
    const payload = { version: "4", groupKey: `{}:{alertname="${key}"}`, status: "firing", receiver: "calpage", groupLabels: { alertname: key }, commonLabels: alert.labels, commonAnnotations: alert.annotations, externalURL: "http://127.0.0.1:9093", truncatedAlerts: 0, alerts: [alert] };
    const res = await fetch(`${url}/integrations/v1/alertmanager/${TOKEN}/`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(payload) });
    expect(res.status).toBe(200);
    let group: AlertGroupRecord | null = null;
    await waitFor(async () => (group = (await app.store.read.groups.listOpen(1000)).find((g) => g.title.includes(key)) ?? null) !== null, { timeoutMs: 10_000, description: key });
    await slack.waitFor(pageDm(group!, alice.id), 10_000);
    return group!;
  }

  it("the Escalate button pages the next step's person now, and only them", async () => {
    const g = await openGroup();
    expect(slack.calls.filter(pageDm(g, bob.id))).toEqual([]);
    const res = await postSignedSlack(url, buttonClickBody({ actionId: "alert_escalate", value: g.id, userId: alice.id, channelId: "C0ALERTS1", messageTs: "1700000000.000100" }));
    expect(res.status).toBe(200);
    await slack.waitFor(pageDm(g, bob.id), 10_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(slack.calls.filter(pageDm(g, bob.id))).toHaveLength(1);
    expect(slack.calls.filter(pageDm(g, carol.id))).toEqual([]);
    const log = (await app.store.read.log.list(g.id)).map((e) => e.text).join("\n");
    expect(log).toContain(`Escalated now by <@${alice.id}>.`);
    expect(log).toContain("Step 3: notifying Bob Example.");
    // The step's line comes before the lines of the page it starts (log entries of one moment keep their order).
    const lines = log.split("\n");
    const step = lines.indexOf("Step 3: notifying Bob Example.");
    const bobLines = lines.map((l, i) => [l, i] as const).filter(([l]) => l.startsWith("Bob Example") || l.includes("to Bob Example"));
    expect(bobLines.length).toBeGreaterThan(0);
    expect(bobLines.every(([, i]) => i > step)).toBe(true);
  });

  it("/oncall escalate <n> twice walks the chain: Bob, then Carol", async () => {
    const g = await openGroup();
    const command = (text: string) => postSignedSlack(url, slashCommandBody({ text, userId: alice.id, channelId: "C0ALERTS1" }));
    const first = await command(`escalate ${g.number}`);
    expect(first.status).toBe(200);
    expect(await first.text()).toContain(`#${g.number}: the next escalation step runs now.`);
    await slack.waitFor(pageDm(g, bob.id), 10_000);
    await command(`escalate ${g.number}`);
    await slack.waitFor(pageDm(g, carol.id), 10_000);
    expect(slack.calls.filter(pageDm(g, bob.id))).toHaveLength(1);
  });
});
