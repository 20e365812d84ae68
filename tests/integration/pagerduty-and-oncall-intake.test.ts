import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Calpage } from "../../src/app/create-calpage.js";
import { startFakeSlack, type FakeSlack } from "../support/fake-slack.js";
import { BACKENDS, prepareEnv, startInProcess, type Env } from "../e2e/harness.js";

/**
 * Senders moved from PagerDuty or Grafana OnCall: their payloads, as they send them, through
 * the real HTTP endpoint on both backends.
 */
const root = join(import.meta.dirname, "..", "..");
const fixture = (name: string) => readFileSync(join(root, "tests/fixtures/payloads", name), "utf8");
const PD = "e2e-pagerduty-token-0000001";
const ONCALL_HOOK = "e2e-formatted-token-000001";
const ONCALL_GRAFANA = "e2e-oncall-grafana-token-01";
const BOB = "U0BOB0001";

const yaml = `timezone: UTC
users:
  - email: bob@example.com
    name: Bob Example
    slack_id: ${BOB}
access:
  admins: [bob@example.com]
escalation_chains:
  - name: page-bob
    steps:
      - notify_users: [bob@example.com]
      - wait: 10m
      - notify_users: [bob@example.com]
integrations:
  - name: datadog
    type: pagerduty
    token: ${PD}
    chain: page-bob
    channel: "#pd"
  - name: oncall-hooks
    type: formatted_webhook
    token: ${ONCALL_HOOK}
    channel: "#oncall-hooks"
  - name: oncall-grafana
    type: grafana
    token: ${ONCALL_GRAFANA}
    channel: "#oncall-grafana"
`;

interface PdAnswer {
  status: string;
  message: string;
  dedup_key?: string;
  errors?: string[];
}

describe.each(BACKENDS)("intake in PagerDuty's and Grafana OnCall's language (%s)", (backend) => {
  let slack: FakeSlack;
  let env: Env;
  let app: Calpage;
  let url: string;
  const post = (type: string, token: string, body: string) =>
    fetch(`${url}/integrations/v1/${type}/${token}/`, { method: "POST", headers: { "content-type": "application/json" }, body });
  const enqueue = (body: string) => fetch(`${url}/v2/enqueue`, { method: "POST", headers: { "content-type": "application/json" }, body });
  /** A fixture with its routing_key replaced (the documented examples say "samplekeyhere"). */
  const withKey = (name: string, routingKey: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ ...(JSON.parse(fixture(name)) as object), routing_key: routingKey, ...extra });
  const group = async (dedupKey: string) => (await app.store.read.groups.listOpen()).find((g) => g.integration === "datadog" && g.groupingKey === dedupKey) ?? null;
  const groupCount = async () => (await app.store.read.groups.listOpen()).length;

  beforeAll(async () => {
    slack = await startFakeSlack({ users: { "bob@example.com": { id: BOB, name: "bob" } }, token: "xoxb-e2e-test" });
    env = await prepareEnv(backend, slack);
    const path = join(env.dir, "calpage.yaml");
    writeFileSync(path, yaml);
    ({ app, url } = await startInProcess(path, env.env, yaml));
  });
  afterAll(async () => {
    await app?.stop();
    await slack?.close();
    await env?.cleanup();
  });

  it("PagerDuty's documented trigger, acknowledge and resolve: 202 as PagerDuty answers; the acknowledge is the source's, logged and audited", async () => {
    const res = await post("pagerduty", PD, fixture("pagerduty-trigger.json"));
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: "success", message: "Event processed", dedup_key: "samplekeyhere" });
    const opened = (await group("samplekeyhere"))!;
    expect(opened).toMatchObject({ title: "Example alert on host1.example.com", severity: "info", state: "firing", channel: "#pd", alertCount: 1 });
    expect(opened.labels).toMatchObject({ component: "postgres", group: "prod-datapipe", class: "deploy" });
    const root = await slack.waitFor((c) => c.method === "chat.postMessage" && c.args.channel === "#pd" && !c.args.thread_ts, 10_000);
    expect(JSON.stringify(root.args.blocks)).toContain("https://example.com/");
    await slack.waitFor((c) => c.method === "chat.postMessage" && c.args.channel === BOB && JSON.stringify(c.args).includes("Example alert on host1"), 10_000);

    // A repeated trigger updates the same alert, as PagerDuty folds it into the open alert.
    expect((await post("pagerduty", PD, fixture("pagerduty-trigger.json"))).status).toBe(202);
    expect((await app.store.read.groups.get(opened.id))!.alertCount).toBe(1);

    const ack = await post("pagerduty", PD, fixture("pagerduty-acknowledge.json"));
    expect(ack.status).toBe(202);
    expect(await ack.json()).toEqual({ status: "success", message: "Event processed", dedup_key: "samplekeyhere" });
    const acked = (await app.store.read.groups.get(opened.id))!;
    expect(acked).toMatchObject({ state: "acknowledged", acknowledgedBy: "datadog" });
    expect(acked.escalation.status).toBe("stopped");
    expect((await app.store.read.log.list(opened.id)).map((e) => e.text)).toContain("Acknowledged by datadog: the source sent an acknowledge event.");
    const audit = await app.store.read.audit.list({ actor: "datadog" });
    expect(audit).toMatchObject([{ actorKind: "system", surface: "api", action: "acknowledge (source event)", target: `#${opened.number}`, outcome: "done" }]);
    // A second acknowledge changes nothing and is not audited again.
    expect((await post("pagerduty", PD, fixture("pagerduty-acknowledge.json"))).status).toBe(202);
    expect(await app.store.read.audit.list({ actor: "datadog" })).toHaveLength(1);
    // While acknowledged, a new trigger updates the group without paging again, as in PagerDuty.
    expect((await post("pagerduty", PD, fixture("pagerduty-trigger.json"))).status).toBe(202);
    expect((await app.store.read.groups.get(opened.id))!).toMatchObject({ state: "acknowledged", alertCount: 1, escalation: { status: "stopped" } });

    expect((await post("pagerduty", PD, fixture("pagerduty-resolve.json"))).status).toBe(202);
    expect((await app.store.read.groups.get(opened.id))!).toMatchObject({ state: "resolved", resolvedBy: "the PagerDuty Events source" });
  });

  it("/v2/enqueue finds the integration by routing_key: Alertmanager's pagerduty_configs trigger and resolve", async () => {
    const res = await enqueue(withKey("pagerduty-alertmanager-trigger.json", PD));
    expect(res.status).toBe(202);
    const { dedup_key } = (await res.json()) as PdAnswer;
    const opened = (await group(dedup_key!))!;
    expect(opened).toMatchObject({ title: "[FIRING:1] HighLatency (api prod)", severity: "error", state: "firing" });
    expect(opened.message).toContain("alertname = HighLatency");
    expect((await enqueue(withKey("pagerduty-alertmanager-resolve.json", PD))).status).toBe(202);
    expect((await app.store.read.groups.get(opened.id))!.state).toBe("resolved");
  });

  it("a trigger without dedup_key gets a PagerDuty-style key, and that key resolves it", async () => {
    const res = await enqueue(JSON.stringify({ routing_key: PD, event_action: "trigger", payload: { summary: "Backup failed", source: "backup-1", severity: "critical" } }));
    expect(res.status).toBe(202);
    const key = ((await res.json()) as PdAnswer).dedup_key!;
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    const opened = (await group(key))!;
    expect(opened.title).toBe("Backup failed");
    expect((await enqueue(JSON.stringify({ routing_key: PD, event_action: "resolve", dedup_key: key }))).status).toBe(202);
    expect((await app.store.read.groups.get(opened.id))!.state).toBe("resolved");
  });

  it("refusals answer like PagerDuty's (status, message, errors naming the field) and store nothing", async () => {
    const before = await groupCount();
    const noSeverity = await post("pagerduty", PD, JSON.stringify({ event_action: "trigger", dedup_key: "x", payload: { summary: "s", source: "h" } }));
    expect(noSeverity.status).toBe(400);
    expect(await noSeverity.json()).toMatchObject({ status: "invalid event", errors: ["payload.severity: required (critical, error, warning, info)"] });
    const badJson = await enqueue("{not json");
    expect(badJson.status).toBe(400);
    expect(((await badJson.json()) as PdAnswer).errors![0]).toMatch(/^body: invalid JSON/);
    const noKey = await enqueue(fixture("pagerduty-trigger.json").replace('"routing_key": "samplekeyhere",', ""));
    expect(noKey.status).toBe(400);
    expect(((await noKey.json()) as PdAnswer).errors).toEqual(["routing_key: required (the token of a calpage integration of type pagerduty)"]);
    const unknown = await enqueue(withKey("pagerduty-trigger.json", "not-a-calpage-token"));
    expect(unknown.status).toBe(403);
    expect(((await unknown.json()) as PdAnswer).errors).toEqual(["routing_key: unknown integration token"]);
    // A calpage token of another type is not a routing key.
    expect((await enqueue(withKey("pagerduty-trigger.json", ONCALL_HOOK))).status).toBe(403);
    expect((await fetch(`${url}/v2/enqueue`)).status).toBe(405);
    // An acknowledge or resolve for a key with no open group is accepted and dropped, as in PagerDuty.
    expect((await enqueue(JSON.stringify({ routing_key: PD, event_action: "acknowledge", dedup_key: "never-triggered" }))).status).toBe(202);
    expect(await groupCount()).toBe(before);
  });

  it("Grafana OnCall's formatted webhook example at /formatted_webhook/: grouped by alert_uid, state OK resolves", async () => {
    const res = await post("formatted_webhook", ONCALL_HOOK, fixture("oncall-formatted-webhook.json"));
    expect(res.status).toBe(200);
    const n = ((await res.json()) as { groups: { number: number }[] }).groups[0]!.number;
    const g = (await app.store.read.groups.getByNumber(n))!;
    expect(g).toMatchObject({ title: "TestAlert: The whole system is down", groupingKey: "08d6891a-835c-e661-39fa-96b6a9e26552" });
    expect(g.links.map((l) => l.url)).toEqual(["https://en.wikipedia.org/wiki/Downtime", "https://upload.wikimedia.org/wikipedia/commons/e/ee/Grumpy_Cat_by_Gage_Skidmore.jpg"]);
    await slack.waitFor((c) => c.method === "chat.postMessage" && c.args.channel === "#oncall-hooks" && JSON.stringify(c.args).includes("The whole system is down"), 10_000);
    const ok = JSON.stringify({ ...(JSON.parse(fixture("oncall-formatted-webhook.json")) as object), state: "ok" });
    expect((await post("formatted_webhook", ONCALL_HOOK, ok)).status).toBe(200);
    expect((await app.store.read.groups.get(g.id))!.state).toBe("resolved");
    const bad = await post("formatted_webhook", ONCALL_HOOK, JSON.stringify({ message: "no title" }));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toBe("title: required");
    // The token belongs to the formatted_webhook URL only.
    expect((await post("webhook", ONCALL_HOOK, fixture("oncall-formatted-webhook.json"))).status).toBe(403);
  });

  it("Grafana OnCall's /grafana/ URL: legacy alerting by rule (ok resolves) and Grafana Alerting by alert", async () => {
    const res = await post("grafana", ONCALL_GRAFANA, fixture("grafana-legacy-alerting.json"));
    expect(res.status).toBe(200);
    const n = ((await res.json()) as { groups: { number: number }[] }).groups[0]!.number;
    const g = (await app.store.read.groups.getByNumber(n))!;
    expect(g).toMatchObject({ title: "[Alerting] Test notification", groupingKey: "Test notification" });
    expect(g.message).toContain("High value: 100");
    expect((await post("grafana", ONCALL_GRAFANA, fixture("grafana-legacy-ok.json"))).status).toBe(200);
    expect((await app.store.read.groups.get(g.id))!.state).toBe("resolved");

    const unified = await post("grafana", ONCALL_GRAFANA, fixture("grafana-firing.json"));
    expect(unified.status).toBe(200);
    const firing = JSON.parse(fixture("grafana-firing.json")) as { alerts: unknown[] };
    expect(((await unified.json()) as { groups: unknown[] }).groups).toHaveLength(firing.alerts.length);
  });

  it("a GET on each new URL explains what it takes", async () => {
    expect(await (await fetch(`${url}/integrations/v1/pagerduty/${PD}/`)).text()).toContain("PagerDuty Events API v2");
    expect(await (await fetch(`${url}/integrations/v1/grafana/${ONCALL_GRAFANA}/`)).text()).toContain("legacy alerting");
    expect(await (await fetch(`${url}/integrations/v1/formatted_webhook/${ONCALL_HOOK}/`)).text()).toContain("Grafana OnCall formatted webhook");
  });

  it("sent nothing unexpected to Slack", () => {
    expect(slack.unexpected).toEqual([]);
  });
});
