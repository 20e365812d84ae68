import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { openSqliteDatabase } from "../src/store/sqlite-driver.js";
import postgres from "postgres";
import { alertmanagerPayload, BENCH_CHAIN_YAML, BENCH_TOKEN, createStorage, progress, round, startBenchEnv, summarize, type BenchTarget } from "./bench-env.js";
import { startBenchWorker, type LoadResult } from "./bench-worker.js";
import { runLanes } from "./http-load.js";
import { instrumentCalpage, startCpuProfile } from "./instrument.js";

/**
 * Alerts per second accepted by `POST /integrations/v1/alertmanager/<token>/`: 10 alerts per
 * webhook, 16 concurrent keep-alive senders, 2,000 webhooks over 200 Alertmanager groups (the
 * first webhook of each group opens it, the other 9 join it). The config is a realistic one:
 * the route has a Slack channel and an escalation chain, so the job runner posts and pages while
 * webhooks arrive.
 *
 * The ceiling is the same machine and backend doing the least possible: each webhook body as
 * text inserted into a one-column table (autocommit), same concurrency, same driver. A bare HTTP
 * server doing that insert is measured too, to show how much of the gap is HTTP itself.
 */

export interface IngestOptions {
  webhooks: number;
  alertsPerWebhook: number;
  groups: number;
  concurrency: number;
}

export const DEFAULT_INGEST: IngestOptions = { webhooks: 2000, alertsPerWebhook: 10, groups: 200, concurrency: 16 };

const TARGET_RATIO = 0.5;

const CONFIG = `${BENCH_CHAIN_YAML}integrations:
  - name: bench-am
    type: alertmanager
    token: ${BENCH_TOKEN}
    # Far above the load: this measures capacity, not the per-integration limit (default 6000/min).
    rate_limit: 100000000
    routes:
      - matchers: ['team="platform"']
        chain: bench
        channel: "#bench-ingest"
`;

function bodiesFor(opts: IngestOptions, prefix: string): string[] {
  return Array.from({ length: opts.webhooks }, (_, i) => {
    const g = i % opts.groups;
    return alertmanagerPayload({
      groupKey: `{}/{team="platform"}:{alertname="${prefix}${g}"}`,
      alertname: `${prefix}${g}`,
      alertCount: opts.alertsPerWebhook,
      seq: Math.floor(i / opts.groups),
    });
  });
}

/** Bare inserts of the payload text: `insert(body)` per webhook, on `concurrency` lanes. */
async function measureBareInserts(bodies: string[], concurrency: number, insert: (body: string) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(50, bodies.length); i++) await insert(bodies[i] ?? "");
  const t0 = performance.now();
  await runLanes(bodies.length, concurrency, async (i) => {
    await insert(bodies[i] ?? "");
  });
  return (performance.now() - t0) / 1000;
}

interface InsertTarget {
  insert(body: string): Promise<unknown>;
  close(): Promise<void>;
}

/** A one-column table in fresh storage of the same backend, written through the same driver and settings calpage uses. */
async function openInsertTarget(target: BenchTarget, name: string): Promise<InsertTarget & { cleanup(): Promise<void> }> {
  const storage = await createStorage(target, name);
  try {
    if (storage.sqlitePath) {
      const db = openSqliteDatabase(storage.sqlitePath);
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = NORMAL");
      db.pragma("busy_timeout = 5000");
      db.exec("create table bench_ceiling (body text not null)");
      const stmt = db.prepare("insert into bench_ceiling (body) values (?)");
      return {
        // better-sqlite3 is synchronous; the await lets the other lanes (and the event loop) in between.
        insert: async (body) => {
          stmt.run(body);
          await Promise.resolve();
        },
        close: async () => {
          db.close();
        },
        cleanup: () => storage.cleanup(),
      };
    }
    // Same pool size as calpage's Postgres store.
    const sql = postgres(storage.databaseUrl ?? "", { max: 10, onnotice: () => undefined });
    await sql`create table bench_ceiling (body text not null)`;
    return {
      insert: (body) => sql`insert into bench_ceiling (body) values (${body})`,
      close: () => sql.end({ timeout: 5 }),
      cleanup: () => storage.cleanup(),
    };
  } catch (error) {
    await storage.cleanup();
    throw error;
  }
}

async function measureCeiling(target: BenchTarget, bodies: string[], concurrency: number): Promise<number> {
  const t = await openInsertTarget(target, "ceiling");
  try {
    return await measureBareInserts(bodies, concurrency, t.insert);
  } finally {
    await t.close();
    await t.cleanup();
  }
}

/** The bare insert behind a minimal HTTP server (read body, JSON.parse, insert, answer), driven like calpage. */
async function measureBareHttpInsert(target: BenchTarget, bodies: string[], warmup: string[], concurrency: number): Promise<LoadResult> {
  const t = await openInsertTarget(target, "barehttp");
  let server: Server | null = null;
  try {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        JSON.parse(text);
        t.insert(text).then(
          () => {
            res.writeHead(200, { "content-type": "application/json" });
            res.end('{"status":"ok"}');
          },
          () => {
            res.writeHead(500);
            res.end();
          },
        );
      });
    });
    const s = server;
    await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", () => resolve()));
    const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}/`;
    const worker = await startBenchWorker();
    try {
      return await worker.load({ url, concurrency, warmup, bodies }, () => undefined);
    } finally {
      await worker.close();
    }
  } finally {
    const s = server;
    if (s) {
      await new Promise<void>((resolve) => {
        s.close(() => resolve());
        s.closeAllConnections();
      });
    }
    await t.close();
    await t.cleanup();
  }
}

export async function benchIngestThroughput(target: BenchTarget, opts: IngestOptions = DEFAULT_INGEST) {
  const bodies = bodiesFor(opts, "Bench");
  // Warm-up: JIT, connections, prepared statements; on other groups than the measured ones.
  const warmup = bodiesFor({ ...opts, webhooks: 64, groups: 16 }, "Warmup");
  const env = await startBenchEnv(target, "ingest", CONFIG);
  let load: LoadResult;
  let storedAlerts: number;
  let probe: ReturnType<ReturnType<typeof instrumentCalpage>["snapshot"]>;
  try {
    const instrument = instrumentCalpage(env.calpage);
    progress(`${target.backend} ingest: ${opts.webhooks} webhooks x ${opts.alertsPerWebhook} alerts, ${opts.concurrency} senders, ${opts.groups} groups`);
    const before = await env.calpage.store.read.alerts.countAll();
    let stopProfile = async (): Promise<void> => undefined;
    load = await env.worker.load({ url: env.webhookUrl, concurrency: opts.concurrency, warmup, bodies }, async () => {
      stopProfile = await startCpuProfile(`ingest-${target.backend}`);
      instrument.reset();
    });
    probe = instrument.snapshot();
    await stopProfile();
    for (const f of load.failures) progress(`webhook failed: ${f}`);
    storedAlerts = (await env.calpage.store.read.alerts.countAll()) - before - warmup.length * opts.alertsPerWebhook;
  } finally {
    await env.stop();
  }

  const alertsPerSecond = (load.ok * opts.alertsPerWebhook) / load.seconds;
  progress(`${target.backend} ingest: ${round(alertsPerSecond)} alerts/s; measuring the bare-insert ceiling`);
  const totalAlerts = opts.webhooks * opts.alertsPerWebhook;
  const ceilingAlertsPerSecond = totalAlerts / (await measureCeiling(target, bodies, opts.concurrency));
  const bareHttp = await measureBareHttpInsert(target, bodies, warmup, opts.concurrency);
  const ratio = alertsPerSecond / ceilingAlertsPerSecond;
  return {
    alertsPerSecond: round(alertsPerSecond),
    ceilingAlertsPerSecond: round(ceilingAlertsPerSecond),
    ratio: Math.round(ratio * 1000) / 1000,
    target: `>=${TARGET_RATIO}`,
    ok: ratio >= TARGET_RATIO && load.failed === 0,
    webhooks: opts.webhooks,
    alertsPerWebhook: opts.alertsPerWebhook,
    groups: opts.groups,
    concurrency: opts.concurrency,
    seconds: round(load.seconds),
    rejectedWebhooks: load.failed,
    storedAlerts,
    requestMs: summarize(load.requestMs),
    diagnostics: {
      /** Minimal HTTP server + JSON.parse + the same bare insert, same sender: what HTTP alone allows on this machine. */
      bareHttpInsertAlertsPerSecond: round(totalAlerts / bareHttp.seconds),
      ratioToBareHttpInsert: Math.round((alertsPerSecond / (totalAlerts / bareHttp.seconds)) * 1000) / 1000,
      /** The first webhook of each group opens it (group number counter, group row, escalation start); the rest add alerts to it. */
      openingWebhookMs: summarize(load.requestMs.slice(0, opts.groups)),
      joiningWebhookMs: summarize(load.requestMs.slice(opts.groups)),
      /** When the last opening webhook was answered. */
      allGroupsOpenedAfterSeconds: round(Math.max(...load.answeredAtMs.slice(0, opts.groups)) / 1000),
      /** Route call to commit, including the wait for the SQLite writer or a Postgres pool connection. */
      ingestCallMs: summarize(probe.ingestCallMs),
      /** Inside the webhook's transaction callback only. */
      ingestTxMs: summarize(probe.ingestTxMs),
      /** Time inside webhook / other (job runner, handlers) transaction callbacks, as a share of wall time (SQLite runs them one at a time). */
      ingestTxShareOfWall: round(probe.ingestTxTotalMs / probe.wallMs),
      jobTxShareOfWall: round(probe.otherTxTotalMs / probe.wallMs),
      jobTransactions: probe.otherTxCount,
      /** Share of the time calpage's event loop (this thread) was busy. */
      eventLoopUtilization: round(probe.eventLoopUtilization),
      calpageFailures: env.failures.length,
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const backend = process.argv[2] === "postgres" ? "postgres" : "sqlite";
  const { resolvePgAdminUrl } = await import("../tests/support/postgres.js");
  const pg = backend === "postgres" ? await resolvePgAdminUrl({ log: progress }) : null;
  try {
    console.log(JSON.stringify(await benchIngestThroughput({ backend, pgAdminUrl: pg?.url }), null, 2));
  } finally {
    await pg?.stop();
  }
}
