import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { stringify } from "yaml";
import { getFreePort } from "./free-port.js";

/** Where Debian's `prometheus-alertmanager` package puts the binary. */
export const DEBIAN_ALERTMANAGER_BINARY = "/usr/bin/prometheus-alertmanager";

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Path of a runnable Alertmanager, or null: `ALERTMANAGER_BIN` if set, else the Debian binary,
 * else `alertmanager` / `prometheus-alertmanager` on PATH. Suites use null to skip with a reason.
 */
export function alertmanagerBinary(): string | null {
  const fromEnv = process.env.ALERTMANAGER_BIN?.trim();
  if (fromEnv) return isExecutable(fromEnv) ? fromEnv : null;
  if (isExecutable(DEBIAN_ALERTMANAGER_BINARY)) return DEBIAN_ALERTMANAGER_BINARY;
  for (const dir of (process.env.PATH ?? "").split(delimiter).filter(Boolean)) {
    for (const name of ["alertmanager", "prometheus-alertmanager"]) {
      const candidate = join(dir, name);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return null;
}

/** A webhook receiver, e.g. calpage's `/integrations/v1/alertmanager/<token>/`. */
export interface AlertmanagerReceiver {
  name: string;
  url: string;
  /** Default true: also notify when alerts resolve. */
  sendResolved?: boolean;
  /** Alerts per notification; 0 (default) means all. */
  maxAlerts?: number;
  /** Set: a `pagerduty_configs` receiver (Events API v2) posting to `url` with this routing_key, instead of a webhook. */
  pagerDutyRoutingKey?: string;
}

/** A child route under the root route. */
export interface AlertmanagerRoute {
  receiver: string;
  /** Alertmanager matchers, e.g. `['severity="critical"', 'team=~"db|infra"']`. */
  matchers?: string[];
  continue?: boolean;
  groupBy?: string[];
  groupWait?: string;
  groupInterval?: string;
  repeatInterval?: string;
}

/** Options for {@link startAlertmanager}. */
export interface StartAlertmanagerOptions {
  /** The first is the root route's receiver. */
  receivers: AlertmanagerReceiver[];
  routes?: AlertmanagerRoute[];
  /** Default `1s` (the production default of 30s would make tests slow). */
  groupWait?: string;
  /** Default `1s`; resolved notifications wait for the next group interval. */
  groupInterval?: string;
  /** Default `1h`. */
  repeatInterval?: string;
  /** Default `['alertname']`. Use `['...']` to group by all labels. */
  groupBy?: string[];
  /** Default `5m`: how long an alert without endsAt stays firing. */
  resolveTimeout?: string;
  /** Ready within this many ms or fail. Default 20000. */
  startTimeoutMs?: number;
  /** Override the binary (default {@link alertmanagerBinary}). */
  binary?: string;
}

/** An alert as the v2 API takes it. Times are ISO strings or Dates. */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string | Date;
  endsAt?: string | Date;
  generatorURL?: string;
}

/** A running Alertmanager. */
export interface RunningAlertmanager {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** The generated configuration file (kept until stop, for debugging). */
  configPath: string;
  /** POST /api/v2/alerts. `startsAt` defaults to now. */
  postAlerts(alerts: PostableAlert[]): Promise<void>;
  /** Marks alerts with these label sets resolved (endsAt one second ago). */
  resolveAlerts(labelsList: Record<string, string>[]): Promise<void>;
  /** GET /api/v2/alerts: the alerts Alertmanager currently holds. */
  getAlerts(): Promise<unknown[]>;
  /** Recent stdout/stderr lines of the process, for failure messages. */
  logs(): string;
  /** SIGTERM (SIGKILL after 5 s), then delete the temp directory. Safe to call twice. */
  stop(): Promise<void>;
}

/** Processes still running, killed if the test process exits without stop(). */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function killOnExit(child: ChildProcess): void {
  running.add(child);
  child.once("exit", () => running.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const proc of running) proc.kill("SIGKILL");
  });
}

function routeConfig(route: AlertmanagerRoute): Record<string, unknown> {
  return {
    receiver: route.receiver,
    ...(route.matchers ? { matchers: route.matchers } : {}),
    ...(route.continue !== undefined ? { continue: route.continue } : {}),
    ...(route.groupBy ? { group_by: route.groupBy } : {}),
    ...(route.groupWait ? { group_wait: route.groupWait } : {}),
    ...(route.groupInterval ? { group_interval: route.groupInterval } : {}),
    ...(route.repeatInterval ? { repeat_interval: route.repeatInterval } : {}),
  };
}

/** The alertmanager.yml {@link startAlertmanager} writes, as an object (exported for tests of config shape). */
export function alertmanagerConfig(options: StartAlertmanagerOptions): Record<string, unknown> {
  const first = options.receivers[0];
  if (!first) throw new Error("startAlertmanager needs at least one receiver");
  return {
    global: { resolve_timeout: options.resolveTimeout ?? "5m" },
    route: {
      receiver: first.name,
      group_by: options.groupBy ?? ["alertname"],
      group_wait: options.groupWait ?? "1s",
      group_interval: options.groupInterval ?? "1s",
      repeat_interval: options.repeatInterval ?? "1h",
      ...(options.routes && options.routes.length > 0 ? { routes: options.routes.map(routeConfig) } : {}),
    },
    receivers: options.receivers.map((receiver) =>
      receiver.pagerDutyRoutingKey !== undefined
        ? { name: receiver.name, pagerduty_configs: [{ url: receiver.url, routing_key: receiver.pagerDutyRoutingKey, send_resolved: receiver.sendResolved ?? true }] }
        : { name: receiver.name, webhook_configs: [{ url: receiver.url, send_resolved: receiver.sendResolved ?? true, max_alerts: receiver.maxAlerts ?? 0 }] },
    ),
  };
}

function iso(value: string | Date | undefined): string | undefined {
  if (value === undefined) return undefined;
  return value instanceof Date ? value.toISOString() : value;
}

/**
 * Starts a real Prometheus Alertmanager on a free loopback port with clustering off, and waits
 * until `GET /-/ready` answers 200. It sends webhooks to the receivers' URLs.
 *
 * @example
 * const am = await startAlertmanager({ receivers: [{ name: "calpage", url: `${calpage}/integrations/v1/alertmanager/${token}/` }] });
 * await am.postAlerts([{ labels: { alertname: "DiskFull", severity: "critical" } }]);
 * ...
 * await am.stop();
 */
export async function startAlertmanager(options: StartAlertmanagerOptions): Promise<RunningAlertmanager> {
  const binary = options.binary ?? alertmanagerBinary();
  if (!binary) throw new Error(`Alertmanager is not installed (looked for ${DEBIAN_ALERTMANAGER_BINARY}, ALERTMANAGER_BIN, PATH)`);
  const dir = await mkdtemp(join(tmpdir(), "calpage-am-"));
  const configPath = join(dir, "alertmanager.yml");
  await writeFile(configPath, stringify(alertmanagerConfig(options)));
  const port = await getFreePort();
  const url = `http://127.0.0.1:${port}`;
  const logLines: string[] = [];
  const keep = (chunk: Buffer) => {
    logLines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
    if (logLines.length > 300) logLines.splice(0, logLines.length - 300);
  };
  const child = spawn(
    binary,
    [
      `--config.file=${configPath}`,
      `--storage.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // Empty disables clustering; otherwise it binds 0.0.0.0:9094 and tries to gossip.
      "--cluster.listen-address=",
      "--log.level=info",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  killOnExit(child);
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let exited: string | undefined;
  child.once("exit", (code, signal) => {
    exited = `exited with code ${String(code)} signal ${String(signal)}`;
  });
  const spawnError = new Promise<never>((_, reject) => child.once("error", reject));
  spawnError.catch(() => undefined);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (exited === undefined) {
      const done = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      const finished = await Promise.race([done.then(() => true), sleep(5_000).then(() => false)]);
      if (!finished) {
        child.kill("SIGKILL");
        await Promise.race([done, sleep(2_000)]);
      }
    }
    await rm(dir, { recursive: true, force: true });
  };
  const logs = () => logLines.slice(-60).join("\n");

  const timeoutMs = options.startTimeoutMs ?? 20_000;
  const deadline = Date.now() + timeoutMs;
  let lastProblem = "no attempt yet";
  let ready = false;
  while (Date.now() < deadline) {
    if (exited !== undefined) break;
    try {
      const response = await Promise.race([fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1_000) }), spawnError]);
      if (response.status === 200) {
        ready = true;
        break;
      }
      lastProblem = `/-/ready answered ${response.status}`;
    } catch (error) {
      lastProblem = error instanceof Error ? error.message : String(error);
      if ((error as { code?: string }).code === "ENOENT" || (error as { syscall?: string }).syscall?.startsWith("spawn")) break;
    }
    await sleep(100);
  }
  if (!ready) {
    await stop();
    throw new Error(`Alertmanager at ${url} not ready within ${timeoutMs} ms (${exited ?? lastProblem})\n--- its log ---\n${logs()}`);
  }

  const api = async (method: "GET" | "POST", path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(5_000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`Alertmanager ${method} ${path} answered ${response.status}: ${text}`);
    return text ? (JSON.parse(text) as unknown) : undefined;
  };

  return {
    url,
    configPath,
    postAlerts: async (alerts) => {
      const now = new Date().toISOString();
      await api(
        "POST",
        "/api/v2/alerts",
        alerts.map((alert) => ({
          labels: alert.labels,
          annotations: alert.annotations ?? {},
          startsAt: iso(alert.startsAt) ?? now,
          ...(alert.endsAt !== undefined ? { endsAt: iso(alert.endsAt) } : {}),
          ...(alert.generatorURL !== undefined ? { generatorURL: alert.generatorURL } : {}),
        })),
      );
    },
    resolveAlerts: async (labelsList) => {
      // Leaving startsAt out lets Alertmanager keep the start it has (it uses endsAt for unknown alerts).
      const endsAt = new Date(Date.now() - 1_000).toISOString();
      await api("POST", "/api/v2/alerts", labelsList.map((labels) => ({ labels, endsAt })));
    },
    getAlerts: async () => {
      const alerts = await api("GET", "/api/v2/alerts");
      return Array.isArray(alerts) ? alerts : [];
    },
    logs,
    stop,
  };
}
