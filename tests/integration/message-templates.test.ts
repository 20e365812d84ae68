import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Calpage } from "../../src/app/create-calpage.js";
import { startFakeSlack, type FakeSlack } from "../support/fake-slack.js";
import type { FakeTwilio } from "../support/fake-twilio.js";
import { waitFor } from "../support/wait-for.js";
import { BACKENDS, prepareEnvWithTwilio, startInProcess, writeConfigText, type Env } from "../e2e/harness.js";

/**
 * Issue 15: an integration's templates shape the Slack message, the SMS and the call; a value can
 * never mention anyone or forge a link; a template that fails at runtime never loses the page.
 */

const SID = "AC00000000000000000000000000000015";
const AUTH = "twilio-templates-auth-token";
const FROM = "+15550001500";
const ALICE_PHONE = "+15550001501";
const TOKENS = { templated: "templates-prod-token-0001", failing: "templates-fail-token-0001" };

const YAML = `timezone: UTC
users:
  - email: alice@example.com
    name: Alice
    phone: "${ALICE_PHONE}"
    notification_rules:
      default: [sms, call]
escalation_chains:
  - name: page-alice
    steps:
      - notify_users: [alice@example.com]
integrations:
  - name: templated
    type: alertmanager
    token: ${TOKENS.templated}
    chain: page-alice
    channel: "#alerts"
    templates:
      slack_title: "{{ labels.alertname }} in {{ labels.namespace }}"
      slack_body: |
        *Summary:* {{ annotations.summary }}
        *Pod:* \`{{ alerts[0].labels.pod }}\` ({{ alert_group.firing_count }} firing)
      sms: "{{ labels.alertname }} {{ labels.namespace }}: {{ annotations.summary }}"
      voice: "{{ labels.alertname }} in namespace {{ labels.namespace }}"
  - name: failing
    type: alertmanager
    token: ${TOKENS.failing}
    chain: page-alice
    channel: "#alerts"
    templates:
      slack_title: "{% assign x = annotations.summary %}{% for i in (1..40) %}{% assign x = x | append: x %}{% endfor %}{{ x }}"
      sms: "{{ labels.alertname | upcase }}{% for i in (1..100000000) %}.{% endfor %}"
paging:
  sms_per_window: 50
  calls_per_window: 50
`;

function amGroup(name: string, labels: Record<string, string>, summary: string) {
  const all = { alertname: name, namespace: "prod", pod: "api-7d9f8c6b5-00001", severity: "critical", ...labels };
  return {
    version: "4",
    groupKey: `{}:{alertname="${name}"}`,
    truncatedAlerts: 0,
    status: "firing",
    receiver: "calpage",
    groupLabels: { alertname: name },
    commonLabels: all,
    commonAnnotations: { summary },
    externalURL: "http://alertmanager.example:9093",
    alerts: [
      {
        status: "firing",
        labels: all,
        annotations: { summary },
        startsAt: "2026-12-04T20:00:00.000Z",
        endsAt: "0001-01-01T00:00:00Z",
        generatorURL: "http://prometheus.example:9090/graph",
        fingerprint: `${name.toLowerCase()}-1`,
      },
    ],
  };
}

describe.each(BACKENDS)("message templates (%s)", (backend) => {
  let slack: FakeSlack;
  let twilio: FakeTwilio;
  let env: Env;
  let app: Calpage;
  let url: string;
  let logs: string[];

  beforeAll(async () => {
    slack = await startFakeSlack({
      users: { "alice@example.com": { id: "U0ALICE1", name: "alice" } },
      channels: { alerts: "C0ALERTS1" },
      token: "xoxb-e2e-test",
    });
    let port: number;
    ({ env, twilio, port } = await prepareEnvWithTwilio(backend, slack, { sid: SID, authToken: AUTH, from: FROM }));
    const path = writeConfigText(env, YAML);
    ({ app, url, logs } = await startInProcess(path, env.env, YAML, port));
  });
  afterAll(async () => {
    await app?.stop();
    await twilio?.close();
    await slack?.close();
    await env?.cleanup();
  });

  async function deliver(token: string, body: unknown): Promise<number> {
    const res = await fetch(`${url}/integrations/v1/alertmanager/${token}/`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    expect(res.status, await res.clone().text()).toBe(200);
    return ((await res.json()) as { groups: { number: number }[] }).groups[0]!.number;
  }
  async function channelMessage(n: number) {
    return waitFor(
      async () => {
        const g = (await app.store.read.groups.getByNumber(n))!;
        return g.slackChannelId && g.slackTs ? slack.message(g.slackChannelId, g.slackTs) : undefined;
      },
      { timeoutMs: 15_000, description: `group #${n}'s Slack message` },
    );
  }
  const blockText = (blocks: unknown, id: string) =>
    (blocks as { block_id?: string; text?: { text: string } }[]).find((b) => b.block_id === id)?.text?.text;

  it("an Alertmanager delivery becomes the templated Slack message, SMS and call, with hostile values escaped", async () => {
    const summary = "p99 <!channel> <https://evil.example|click> *now*";
    const n = await deliver(TOKENS.templated, amGroup("HighLatency", {}, summary));
    const message = await channelMessage(n);
    expect(blockText(message.blocks, "alert_group_header")).toBe(`🔴 #${n} HighLatency in prod`);
    expect(blockText(message.blocks, "alert_group_message")).toBe(
      "*Summary:* p99 &lt;!channel&gt; &lt;https://evil.example|click&gt; *now*\n*Pod:* `api-7d9f8c6b5-00001` (1 firing)",
    );
    expect(message.text).toMatch(new RegExp(`^🔴 #${n} HighLatency in prod `));

    const sms = await twilio.waitForMessage((m) => m.to === ALICE_PHONE && m.body.includes(`#${n}`), 15_000);
    expect(sms.body).toBe(`calpage #${n}: HighLatency prod: p99 <!channel> <https://evil.example|click> *now*. Reply ${n}a to ack, ${n}r to resolve, ${n}e to escalate.`);

    const call = await twilio.waitForCall((c) => c.to === ALICE_PHONE && c.twiml.length > 0, 15_000);
    expect(call.twiml[0]).toContain(`<Say>This is calpage. Alert ${n}. HighLatency in namespace prod</Say>`);
  });

  it("a template that fails at runtime falls back to the default text and logs why; the page still goes out", async () => {
    const n = await deliver(TOKENS.failing, amGroup("DiskFull", { namespace: "db" }, "disk 99% full"));
    const message = await channelMessage(n);
    expect(blockText(message.blocks, "alert_group_header")).toBe(`🔴 #${n} DiskFull`);
    const sms = await twilio.waitForMessage((m) => m.to === ALICE_PHONE && m.body.includes(`#${n}`), 15_000);
    expect(sms.body).toBe(`calpage #${n} CRITICAL: DiskFull. Reply ${n}a to ack, ${n}r to resolve, ${n}e to escalate.`);
    await waitFor(() => logs.some((l) => l.includes(`integration failing: templates.sms failed for #${n}`)) || undefined, { timeoutMs: 5_000, description: "the SMS template's warning" });
    expect(logs.some((l) => l.includes(`integration failing: templates.slack_title failed for #${n}`) && /memory/.test(l))).toBe(true);
  });
});
