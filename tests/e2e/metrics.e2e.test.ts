import { spawnSync } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCalpage, type Calpage } from "../../src/app/create-calpage.js";
import { parseConfig } from "../../src/config/parse-config.js";
import { startFakeSlack, type FakeSlack } from "../support/fake-slack.js";
import type { FakeTwilio } from "../support/fake-twilio.js";
import { waitFor } from "../support/wait-for.js";
import { BACKENDS, prepareEnvWithTwilio, weeklyRotaIcs, writeConfigText, type Env } from "./harness.js";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Requirement (issue 12): after an end-to-end run — alerts in by webhook, a Slack DM, an SMS and a
 * call out, an escalation step and a ladder rung on their timers, one Slack and one Twilio 429 —
 * a scrape of /metrics holds samples in every calpage histogram, the gauges read from the store,
 * the default process metrics, and no token or phone number.
 */

const SID = "AC00000000000000000000000000000012";
const AUTH = "twilio-metrics-auth-token";
const FROM = "+15550001200";
const HOOK_TOKEN = "metrics-webhook-token-000001";
const METRICS_TOKEN = "metrics-scrape-token-0123456789";
const ALICE_PHONE = "+15550001201";
const BOB_PHONE = "+15550001202";

const HISTOGRAMS = [
  "calpage_webhook_duration_seconds",
  "calpage_alert_to_first_page_seconds",
  "calpage_escalation_step_lateness_seconds",
  "calpage_ladder_step_lateness_seconds",
  "calpage_job_duration_seconds",
  "calpage_slack_api_duration_seconds",
  "calpage_twilio_api_duration_seconds",
];

function configYaml(): string {
  return `timezone: UTC
users:
  - email: alice@example.com
    name: Alice Example
    phone: "${ALICE_PHONE}"
    notification_rules:
      default: [slack_dm, {wait: 1s}, sms]
  - email: bob@example.com
    name: Bob Example
    phone: "${BOB_PHONE}"
    notification_rules:
      default: [call]
schedules:
  - name: primary
    feed: ./oncall.ics
escalation_chains:
  - name: default
    steps:
      - notify_users: [alice@example.com]
      - wait: 1s
      - notify_users: [bob@example.com]
integrations:
  - name: hooks
    type: webhook
    token: ${HOOK_TOKEN}
    chain: default
    channel: "#alerts"
`;
}

/** One sample line of the Prometheus text format. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    samples.push({ name: m[1]!, labels, value: m[3] === "+Inf" ? Infinity : Number(m[3]) });
  }
  return samples;
}

const sum = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((n, s) => n + s.value, 0);

describe.each(BACKENDS)("metrics after an end-to-end run (%s)", (backend) => {
  let slack: FakeSlack;
  let twilio: FakeTwilio;
  let env: Env;
  let app: Calpage;
  let url: string;
  let monitor: Server;
  let heartbeats = 0;

  beforeAll(async () => {
    // HEARTBEAT_URL's monitor, on loopback.
    monitor = createServer((_req, res) => {
      heartbeats++;
      res.writeHead(200).end("OK");
    });
    await new Promise<void>((r) => monitor.listen(0, "127.0.0.1", () => r()));
    slack = await startFakeSlack({
      users: { "alice@example.com": { id: "U0ALICE12", name: "alice" }, "bob@example.com": { id: "U0BOB0012", name: "bob" } },
      channels: { alerts: "C0ALERTS12" },
      token: "xoxb-e2e-test",
    });
    let port: number;
    ({ env, twilio, port } = await prepareEnvWithTwilio(backend, slack, { sid: SID, authToken: AUTH, from: FROM }));
    writeFileSync(join(env.dir, "oncall.ics"), weeklyRotaIcs("Alice Example", new Date()));
    const yaml = configYaml();
    const path = writeConfigText(env, yaml);
    const parsed = parseConfig(yaml, path, { ...env.env, METRICS_TOKEN, HEARTBEAT_URL: `http://127.0.0.1:${(monitor.address() as AddressInfo).port}/ping/heartbeat-secret-uuid` });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    app = await createCalpage(parsed.value, { log: () => undefined, sweepEveryMs: 1000, heartbeatEveryMs: 500 });
    url = `http://127.0.0.1:${await app.start(port, "127.0.0.1")}`;
  });

  afterAll(async () => {
    await app?.stop();
    await twilio?.close();
    await slack?.close();
    await env?.cleanup();
    await new Promise((r) => monitor?.close(r));
  });

  async function scrape(): Promise<{ text: string; samples: Sample[] }> {
    const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    return { text, samples: parseExposition(text) };
  }

  it("finds each histogram with samples, the gauges and counters, and no secret", async () => {
    // One Slack and one Twilio 429: both are retried, and counted.
    slack.setFailure("chat.postMessage", { status: 429, retryAfterSeconds: 1, times: 1 });
    twilio.setFailure("sms", { status: 429, retryAfterSeconds: 1, times: 1 });
    const bad = await fetch(`${url}/integrations/v1/webhook/${HOOK_TOKEN}/`, { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" });
    expect(bad.status).toBe(400);
    expect((await fetch(`${url}/integrations/v1/webhook/${HOOK_TOKEN}/`)).status).toBe(200); // the usage page
    expect((await fetch(`${url}/integrations/v1/webhook/not-a-known-token-0001/`, { method: "POST", body: "{}" })).status).toBe(403);
    const res = await fetch(`${url}/integrations/v1/webhook/${HOOK_TOKEN}/`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ title: "Disk full on db-1", alert_uid: "disk-db-1" }),
    });
    expect(res.status).toBe(200);

    // Alice: a DM now, an SMS a second later (a ladder rung); Bob: a call after the chain's 1 s wait (an escalation step).
    await twilio.waitForMessage((m) => m.to === ALICE_PHONE, 20_000);
    await twilio.waitForCall((c) => c.to === BOB_PHONE, 20_000);
    await slack.waitFor((c) => c.method === "chat.postMessage" && c.args.channel === "C0ALERTS12", 20_000);

    const { text, samples } = await waitFor(
      async () => {
        const s = await scrape();
        for (const h of HISTOGRAMS) if (sum(s.samples, `${h}_count`) < 1) throw new Error(`${h} has no samples yet`);
        // A page is counted once its job has stored the outcome, a moment after the provider took it.
        for (const channel of ["call", "sms", "slack_dm"]) {
          if (sum(s.samples, "calpage_pages_total", { channel, outcome: "sent" }) < 1) throw new Error(`the ${channel} page is not counted yet`);
        }
        if (sum(s.samples, "calpage_heartbeat_pings_total", { outcome: "ok" }) < 1) throw new Error("no heartbeat yet");
        return s;
      },
      { timeoutMs: 60_000, // bounded; under a loaded CI with four files at once the first page can take longer than 20 s
      description: "every histogram with samples" },
    );

    expect(sum(samples, "calpage_webhook_duration_seconds_count", { integration: "hooks", outcome: "accepted" })).toBe(1);
    expect(sum(samples, "calpage_webhook_duration_seconds_count", { integration: "hooks", outcome: "rejected" })).toBe(1);
    expect(sum(samples, "calpage_webhook_duration_seconds_count", { integration: "hooks", outcome: "usage" })).toBe(1);
    // An unknown token is never a label value.
    expect(sum(samples, "calpage_webhook_duration_seconds_count", { integration: "unknown", outcome: "rejected" })).toBe(1);
    expect(sum(samples, "calpage_alert_to_first_page_seconds_count")).toBe(1);
    expect(sum(samples, "calpage_job_duration_seconds_count", { task: "notify.page", outcome: "ok" })).toBeGreaterThanOrEqual(3);
    expect(sum(samples, "calpage_job_duration_seconds_count", { task: "escalation.step" })).toBeGreaterThanOrEqual(1);
    expect(sum(samples, "calpage_job_duration_seconds_count", { task: "paging.ladder" })).toBeGreaterThanOrEqual(1);
    // Steps ran on their timers: well under the 30 s bucket.
    expect(sum(samples, "calpage_escalation_step_lateness_seconds_bucket", { le: "30" })).toBe(sum(samples, "calpage_escalation_step_lateness_seconds_count"));
    expect(sum(samples, "calpage_slack_api_duration_seconds_count", { method: "chat.postMessage", outcome: "ok" })).toBeGreaterThanOrEqual(2);
    expect(sum(samples, "calpage_slack_api_duration_seconds_count", { method: "chat.postMessage", outcome: "rate_limited" })).toBe(1);
    expect(sum(samples, "calpage_slack_rate_limited_total", { method: "chat.postMessage" })).toBe(1);
    expect(sum(samples, "calpage_twilio_api_duration_seconds_count", { method: "sms", outcome: "rate_limited" })).toBe(1);
    expect(sum(samples, "calpage_twilio_api_duration_seconds_count", { method: "sms", outcome: "ok" })).toBe(1);
    expect(sum(samples, "calpage_twilio_api_duration_seconds_count", { method: "call", outcome: "ok" })).toBe(1);
    expect(sum(samples, "calpage_twilio_rate_limited_total", { method: "sms" })).toBe(1);
    expect(sum(samples, "calpage_pages_total", { channel: "sms", outcome: "retried" })).toBe(1);
    expect(sum(samples, "calpage_pages_total", { channel: "sms", outcome: "sent" })).toBe(1);
    expect(sum(samples, "calpage_pages_total", { channel: "slack_dm", outcome: "sent" })).toBe(1);
    expect(sum(samples, "calpage_alerts_received_total", { integration: "hooks" })).toBe(1);
    expect(heartbeats).toBeGreaterThanOrEqual(sum(samples, "calpage_heartbeat_pings_total", { outcome: "ok" }));
    expect(sum(samples, "calpage_job_duration_seconds_count", { task: "heartbeat.out", outcome: "ok" })).toBeGreaterThanOrEqual(1);

    // Gauges, read from the store on this scrape.
    expect(sum(samples, "calpage_open_groups", { state: "firing" })).toBe(1);
    expect(samples.find((s) => s.name === "calpage_open_groups" && s.labels.state === "acknowledged")?.value).toBe(0);
    expect(samples.filter((s) => s.name === "calpage_jobs_due").map((s) => s.labels.lane).sort()).toEqual(["main", "slack"]);
    expect(sum(samples, "calpage_jobs_overdue")).toBe(0);
    const feedAge = samples.find((s) => s.name === "calpage_feed_last_good_age_seconds" && s.labels.schedule === "primary" && s.labels.kind === "primary");
    expect(feedAge?.value).toBeGreaterThanOrEqual(0);
    expect(feedAge?.value).toBeLessThan(120);
    // prom-client's default process metrics.
    expect(samples.some((s) => s.name === "process_cpu_seconds_total")).toBe(true);
    expect(samples.some((s) => s.name === "nodejs_eventloop_lag_seconds")).toBe(true);

    for (const secret of ["not-a-known-token-0001", "heartbeat-secret-uuid", HOOK_TOKEN, METRICS_TOKEN, AUTH, "xoxb-e2e-test", ALICE_PHONE, BOB_PHONE, ALICE_PHONE.slice(1), FROM]) expect(text).not.toContain(secret);
  });

  it("every calpage_* metric the Grafana dashboard and the Prometheus rules name is exported", async () => {
    const { text } = await scrape();
    const declared = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));
    const ops = ["ops/grafana-dashboard.json", "ops/prometheus-rules.yml"].map((f) => readFileSync(join(import.meta.dirname, "..", "..", f), "utf8")).join("\n");
    const named = new Set([...ops.matchAll(/\b(calpage_[a-z_]+|process_[a-z_]+|nodejs_[a-z0-9_]+)\b/g)].map((m) => m[1]!.replace(/_(bucket|count|sum)$/, "")));
    expect(named.size).toBeGreaterThan(15);
    expect([...named].filter((n) => !declared.has(n))).toEqual([]);
  });

  it("the exposition passes `promtool check metrics`", async (ctx) => {
    if (spawnSync("promtool", ["--version"]).error) {
      console.log("skipped: promtool is not installed (Debian package prometheus)");
      ctx.skip();
    }
    const { text } = await scrape();
    const r = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
    // A broken exposition exits 1; lint hints exit 3, and are allowed only for prom-client's own
    // default metrics (nodejs_active_handles_total is a gauge), never for calpage's.
    const out = `${r.stdout}${r.stderr}`;
    expect(r.status === 0 || r.status === 3, out).toBe(true);
    expect(out).not.toMatch(/error while linting|parsing error/i);
    expect(out.split("\n").filter((l) => l.startsWith("calpage_"))).toEqual([]);
  });
});
