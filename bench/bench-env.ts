import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createCalpage, type Calpage } from "../src/app/create-calpage.js";
import type { Config } from "../src/config/config-types.js";
import { parseConfig } from "../src/config/parse-config.js";
import { createTestDatabase } from "../tests/support/postgres.js";
import { startBenchWorker, type BenchWorker } from "./bench-worker.js";

/**
 * Shared plumbing for the benchmarks: a throwaway store (SQLite file in a temp dir or a fresh
 * Postgres database), a bench worker thread (fake Slack Web API + load generator), a calpage
 * instance on loopback in this thread, Alertmanager payloads and percentiles. Progress goes to stderr; stdout is reserved
 * for run.ts's single JSON document.
 */

export type Backend = "sqlite" | "postgres";

/** Which backend a benchmark runs against; `pgAdminUrl` is required for postgres. */
export interface BenchTarget {
  backend: Backend;
  pgAdminUrl?: string;
}

export const BENCH_TOKEN = "bench-token-0123456789abcdef";

/** Slack users the fake knows, keyed by the emails in {@link USERS_YAML}. */
export const SLACK_USERS = {
  "alice@example.com": { id: "U0ALICE", name: "alice", tz: "UTC" },
  "bob@example.com": { id: "U0BOB", name: "bob", tz: "UTC" },
};

const USERS_YAML = `users:
  - email: alice@example.com
    name: Alice Example
  - email: bob@example.com
    name: Bob Example
schedules: []
`;

/** The chain the throughput benches route to: page Alice, wait 10 min, page Bob (so ingest also starts escalations). */
export const BENCH_CHAIN_YAML = `escalation_chains:
  - name: bench
    steps:
      - notify_users: [alice@example.com]
      - wait: 10m
      - notify_users: [bob@example.com]
`;

export function progress(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

/** Fresh storage for one measurement, and how to throw it away. */
export interface BenchStorage {
  backend: Backend;
  /** Environment variables that point calpage at it. */
  env: Record<string, string>;
  /** SQLite file (sqlite backend). */
  sqlitePath: string | null;
  /** Database URL (postgres backend). */
  databaseUrl: string | null;
  cleanup(): Promise<void>;
}

export async function createStorage(target: BenchTarget, name: string): Promise<BenchStorage> {
  if (target.backend === "sqlite") {
    const dir = await mkdtemp(join(tmpdir(), `calpage-bench-${name}-`));
    return {
      backend: "sqlite",
      env: { CALPAGE_DATA_DIR: dir },
      sqlitePath: join(dir, "calpage.db"),
      databaseUrl: null,
      cleanup: () => rm(dir, { recursive: true, force: true }),
    };
  }
  if (!target.pgAdminUrl) throw new Error("postgres benchmarks need a pgAdminUrl");
  const db = await createTestDatabase(`bench_${name}`, { adminUrl: target.pgAdminUrl });
  return { backend: "postgres", env: { DATABASE_URL: db.url }, sqlitePath: null, databaseUrl: db.url, cleanup: () => db.drop() };
}

/** A running calpage with its bench worker (fake Slack, load generator) and storage. */
export interface BenchEnv {
  calpage: Calpage;
  config: Config;
  worker: BenchWorker;
  /** `http://127.0.0.1:<port>/integrations/v1/alertmanager/<token>/` */
  webhookUrl: string;
  /** Lines calpage logged that report a failure (job failures and the like). */
  failures: string[];
  /** Stops calpage and the worker, and deletes the storage. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts calpage on 127.0.0.1 (random port) against fresh storage and a fake Slack (in the worker).
 * `configBody` is the YAML after `users:`/`schedules:` (escalation_chains and integrations); use
 * {@link BENCH_TOKEN} as the integration token.
 */
export async function startBenchEnv(target: BenchTarget, name: string, configBody: string): Promise<BenchEnv> {
  const worker = await startBenchWorker();
  let storage: BenchStorage | null = null;
  let calpage: Calpage | null = null;
  const failures: string[] = [];
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await calpage?.stop().catch((e: unknown) => progress(`stopping calpage: ${String(e)}`));
    await worker.close().catch(() => undefined);
    await storage?.cleanup().catch((e: unknown) => progress(`cleaning up storage: ${String(e)}`));
  };
  try {
    const slackUrl = await worker.startSlack(SLACK_USERS);
    storage = await createStorage(target, name);
    const env = {
      ...storage.env,
      SLACK_BOT_TOKEN: "xoxb-bench-token",
      SLACK_SIGNING_SECRET: "bench-signing-secret",
      SLACK_API_URL: slackUrl,
    };
    const yaml = `timezone: UTC\n${USERS_YAML}${configBody}`;
    const parsed = parseConfig(yaml, join(tmpdir(), "calpage-bench.yaml"), env);
    if (!parsed.ok) throw new Error(`bench config is invalid: ${parsed.errors.map((e) => `${e.path}: ${e.message}`).join("; ")}`);
    const config = parsed.value;
    calpage = await createCalpage(config, {
      log: (line) => {
        if (/fail|error/i.test(line)) {
          failures.push(line);
          if (failures.length <= 5) progress(`calpage: ${line}`);
        }
      },
    });
    const port = await calpage.start(0, "127.0.0.1");
    return { calpage, config, worker, webhookUrl: `http://127.0.0.1:${port}/integrations/v1/alertmanager/${BENCH_TOKEN}/`, failures, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Group numbers in calpage's webhook answer (`{status, groups: [{number, opened}]}`). */
export function groupNumbers(answer: string): number[] {
  const parsed = JSON.parse(answer) as { groups?: { number: number }[] };
  return (parsed.groups ?? []).map((g) => g.number);
}

/**
 * An Alertmanager v4 webhook body (the shape of tests/fixtures/payloads/alertmanager-firing.json)
 * for one Alertmanager group with `alertCount` firing alerts.
 */
export function alertmanagerPayload(opts: { groupKey: string; alertname: string; alertCount: number; labels?: Record<string, string>; seq?: number }): string {
  const common = { alertname: opts.alertname, cluster: "prod", job: "api", service: "api", severity: "critical", team: "platform", ...opts.labels };
  const alerts = Array.from({ length: opts.alertCount }, (_, i) => ({
    status: "firing",
    labels: { ...common, instance: `api-${i}.api.prod.svc:8080` },
    annotations: {
      description: `p99 latency is ${(1 + i / 10).toFixed(2)}s on api-${i}.api.prod.svc:8080 (threshold 1s).`,
      runbook_url: "https://runbooks.example.com/api/high-latency",
      summary: "API p99 latency above 1s",
    },
    startsAt: new Date(Date.UTC(2025, 2, 14, 9, 12, i)).toISOString(),
    endsAt: "0001-01-01T00:00:00Z",
    generatorURL:
      "http://prometheus-0.monitoring.svc:9090/graph?g0.expr=histogram_quantile%280.99%2C+sum+by+%28le%2C+instance%29+%28rate%28http_request_duration_seconds_bucket%7Bjob%3D%22api%22%7D%5B5m%5D%29%29%29+%3E+1&g0.tab=1",
    fingerprint: `${opts.alertname}-${i}-${opts.seq ?? 0}`,
  }));
  return JSON.stringify({
    receiver: "calpage",
    status: "firing",
    alerts,
    groupLabels: { alertname: opts.alertname },
    commonLabels: common,
    commonAnnotations: { runbook_url: "https://runbooks.example.com/api/high-latency", summary: "API p99 latency above 1s" },
    externalURL: "http://alertmanager.monitoring.svc:9093",
    version: "4",
    groupKey: opts.groupKey,
    truncatedAlerts: 0,
  });
}

/** Nearest-rank percentile of `values` (0 < p <= 100); NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

/** Rounds for printing: 1 decimal below 100, whole numbers above. */
export function round(n: number): number {
  if (!Number.isFinite(n)) return n;
  return Math.abs(n) >= 100 ? Math.round(n) : Math.round(n * 10) / 10;
}

/** p50 / p90 / p99 / max of a sample, rounded. */
export function summarize(values: readonly number[]) {
  return {
    p50: round(percentile(values, 50)),
    p90: round(percentile(values, 90)),
    p99: round(percentile(values, 99)),
    max: round(values.length ? Math.max(...values) : Number.NaN),
    n: values.length,
  };
}

/** Polls `check` every `intervalMs` until it returns true or `timeoutMs` passes; returns whether it did. */
export async function pollUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(intervalMs);
  }
  return await check();
}
