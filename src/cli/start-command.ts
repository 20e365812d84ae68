import { createCalpage, type Calpage } from "../app/create-calpage.js";
import { createPinoLogSink } from "../app/pino-log-sink.js";
import { configSecrets } from "../config/config-secrets.js";
import { formatWarnings, loadConfig } from "../config/load-config.js";
import { createLogger, type Logger } from "../shared/logger.js";
import { createRedactor, envSecrets } from "../shared/redact.js";
import { watchConfigFile } from "./watch-config-file.js";
import { errorText } from "../shared/error-text.js";
import { isDatabaseUnavailable } from "../store/database-unavailable.js";
import { connectionHint, describeDatabase, waitForDatabase } from "../store/wait-for-database.js";
import type { CliCommand } from "./cli-command.js";

/** After the grace period, how much longer closing connections and the database may take before the process exits anyway (ms). */
const CLOSE_ALLOWANCE_MS = 15_000;

export const startCommand: CliCommand = {
  usage: "start [--watch-config]",
  takes: { flags: ["--watch-config"], args: 0 },
  summary: "run the server (HTTP on PORT, default 8080); SIGHUP (or a change to the file with --watch-config) reloads calpage.yaml",
  async run(ctx) {
    const watchAt = ctx.args.indexOf("--watch-config");
    if (watchAt !== -1) ctx.args.splice(watchAt, 1);
    const config = ctx.config();
    // From here on every line is a structured log line (JSON, or readable on a terminal), redacted.
    const format = config.env.logFormat ?? (process.stdout.isTTY ? "pretty" : "json");
    const logSink = createPinoLogSink({ level: config.env.logLevel, format });
    const redactor = createRedactor([...envSecrets(ctx.env), ...configSecrets(config)]);
    const log = createLogger(logSink, { redact: (text) => redactor.redact(text) });
    if (config.warnings?.length) for (const line of formatWarnings(config.path, config.warnings).split("\n")) log.warn(line);
    keepRunningOnStrayErrors(log);
    const graceMs = config.env.shutdownGraceMs;
    const waiting = new AbortController();
    let app: Calpage | null = null;
    let stopping: string | null = null;

    const shutdown = (signal: string) => {
      if (stopping) {
        log.warn(`calpage: ${signal} again, exiting now without waiting`);
        process.exit(1);
      }
      stopping = signal;
      waiting.abort();
      // Still starting: the start sequence below sees `stopping` and stops once it is up.
      if (app) void stopAndExit(log, app, signal, graceMs);
    };
    process.on("SIGINT", () => shutdown("SIGINT"));
    process.on("SIGTERM", () => shutdown("SIGTERM"));
    // Before the server is up a reload has nothing to apply to: the file is read when starting anyway.
    const reload = (trigger: string) => {
      if (!app || stopping) return;
      void app.reload(loadConfig(config.path, ctx.env), trigger);
    };
    process.on("SIGHUP", () => reload("SIGHUP"));

    if (config.env.databaseUrl) {
      const up = await waitForDatabase(config.env.databaseUrl, { log: (line) => log.warn(line), signal: waiting.signal });
      if (!up) {
        log.info(`calpage: ${stopping ?? "stopped"} while waiting for the database; exiting`);
        return 0;
      }
    }
    try {
      app = await createCalpage(config, { logSink });
      const port = await app.start();
      const backend = config.env.databaseUrl ? `Postgres at ${describeDatabase(config.env.databaseUrl)}` : `SQLite (${config.env.sqlitePath})`;
      const env = config.env;
      log.info(`calpage listening on ${env.host ?? "*"}:${port} with ${backend}; config ${config.path}; pid ${process.pid}: SIGHUP reloads the config, SIGTERM waits up to ${graceMs / 1000} s for requests and jobs`);
      if (env.metricsPort !== null) log.info(`/metrics on ${env.metricsHost}:${env.metricsPort} only${env.metricsToken ? ", with METRICS_TOKEN" : ""}`);
      else if (env.metricsToken) log.info("/metrics needs Authorization: Bearer <METRICS_TOKEN>");
    } catch (error) {
      log.error(`calpage: could not start: ${startupProblem(error, config.env.databaseUrl, config.env.sqlitePath)}`);
      return 1;
    }
    if (stopping) void stopAndExit(log, app, stopping, graceMs);
    else if (watchAt !== -1) {
      watchConfigFile(config.path, () => reload("file changed"), (line) => log.warn(line));
      log.info(`watching ${config.path}: a change reloads it`);
    }
    return -1;
  },
};

async function stopAndExit(log: Logger, app: Calpage, signal: string, graceMs: number): Promise<never> {
  log.info(`calpage: ${signal}, shutting down: new requests get 503, requests and jobs in progress get up to ${graceMs / 1000} s`);
  const bound = setTimeout(() => {
    log.error(`calpage: shutdown did not finish within ${(graceMs + CLOSE_ALLOWANCE_MS) / 1000} s; exiting`);
    process.exit(1);
  }, graceMs + CLOSE_ALLOWANCE_MS);
  bound.unref();
  try {
    await app.stop(graceMs);
    log.info("calpage: stopped");
    process.exit(0);
  } catch (error) {
    log.error(`calpage: shutdown failed: ${errorText(error)}`);
    process.exit(1);
  }
}

/**
 * A server must not die of an error nobody awaited (Graphile Worker's job completion batches
 * reject unobserved while the database is away; the runner restarts its pools by itself).
 * Such errors are logged. An uncaught exception that is a lost database connection (or the
 * driver tripping over one, see isClosedSocketWrite) is logged too; any other one leaves the process in an unknown state, so it exits (1) after saying why.
 */
function keepRunningOnStrayErrors(log: Logger) {
  // Whoever read our output went away (EPIPE): without a listener, every later log line would be an
  // uncaught exception, and logging that one another (a busy loop, seen with an orphaned process).
  for (const stream of [process.stdout, process.stderr]) stream.on("error", () => undefined);
  process.on("unhandledRejection", (reason) => {
    log.error(`calpage: unhandled rejection (kept running): ${errorText(reason)}`);
  });
  process.on("uncaughtException", (error) => {
    if (isDatabaseUnavailable(error) || isClosedSocketWrite(error)) {
      log.warn(`calpage: lost a database connection (kept running): ${errorText(error)}`);
      return;
    }
    log.error(`calpage: uncaught exception, exiting: ${error.stack ?? errorText(error)}`);
    process.exit(1);
  });
}

/**
 * postgres.js 3.4.9 can write to a connection whose socket has just closed, from a timer, and
 * throw (a known driver bug, open upstream). The store stops using a transaction's connection after its
 * first connection error, which avoids most of these; the connection is gone either way.
 */
function isClosedSocketWrite(error: Error): boolean {
  return error instanceof TypeError && /reading 'write'/.test(error.message) && /postgres[\\/]src[\\/]connection\.js/.test(error.stack ?? "");
}

/** A start failure in words: what and where, and what to check; a stack only for what looks like a bug. */
function startupProblem(error: unknown, databaseUrl: string | null, sqlitePath: string): string {
  const code = String((error as { code?: unknown }).code ?? "");
  if (databaseUrl && isDatabaseUnavailable(error)) {
    const hint = connectionHint(error);
    return `lost Postgres at ${describeDatabase(databaseUrl)} while starting: ${errorText(error)}${hint ? ` — ${hint}` : ""}`;
  }
  if (!databaseUrl && (code.startsWith("SQLITE_") || ["EACCES", "EROFS", "ENOSPC", "EPERM"].includes(code))) {
    return `cannot use the SQLite file ${sqlitePath}: ${errorText(error)} — check that CALPAGE_DATA_DIR exists, is writable by this user and has free space`;
  }
  if (["EADDRINUSE", "EACCES"].includes(code)) return `${errorText(error)} — another process uses this port, or it needs privileges: set PORT`;
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
