import { pathToFileURL } from "node:url";
import { alertmanagerPayload, BENCH_CHAIN_YAML, BENCH_TOKEN, progress, round, startBenchEnv, summarize, type BenchTarget } from "./bench-env.js";
import type { LoadResult } from "./bench-worker.js";
import { instrumentCalpage, startCpuProfile } from "./instrument.js";

/**
 * Alerts per second accepted by each inbound source (issue 5), measured the same way as
 * ingest-throughput.ts: keep-alive senders in the bench worker thread, a warm-up on other groups,
 * then a timed run over `groups` grouping keys, each source on fresh storage and a fresh calpage.
 *
 * - `alertmanager`: Alertmanager v4 webhooks, 10 alerts each, one Alertmanager group per webhook
 *   (200 groupKeys; the first webhook of each group opens it, later ones join it).
 * - `grafana_alerting`: Grafana unified alerting webhooks, 10 alert instances each. calpage makes
 *   every instance (fingerprint) its own group, so one webhook touches 10 groups: 20 rules x 10
 *   instances = 200 fingerprints, each webhook carrying one rule's instances, as Grafana re-sends.
 * - `webhook`: the generic JSON webhook, one alert per request, `alert_uid` over 200 keys.
 *
 * Each integration has a route (by label) to a chain and a Slack channel, so the job runner posts
 * and pages while the load runs, and a `rate_limit` far above the load: this measures capacity,
 * not the per-integration 429 limit. `ok` says every request was accepted and every accepted
 * alert was stored; the figures themselves have no target (compare them with each other and with
 * `ingest`). With `BENCH_CPU_PROFILE_DIR` set, a CPU profile of calpage's thread is written per source.
 */

export type SourceType = "alertmanager" | "grafana_alerting" | "webhook";

export interface SourceLoad {
  /** Requests in the timed run. */
  requests: number;
  alertsPerRequest: number;
}

export interface SourceThroughputOptions {
  groups: number;
  concurrency: number;
  sources: Record<SourceType, SourceLoad>;
  /** Measure only these sources (default: all three). */
  only?: SourceType[];
}

export const DEFAULT_SOURCE_THROUGHPUT: SourceThroughputOptions = {
  groups: 200,
  concurrency: 16,
  sources: {
    // Sized for a few seconds each on SQLite; Postgres takes 2-6x longer (one round trip per statement).
    alertmanager: { requests: 1000, alertsPerRequest: 10 },
    grafana_alerting: { requests: 500, alertsPerRequest: 10 },
    webhook: { requests: 2000, alertsPerRequest: 1 },
  },
};

const TOKENS: Record<SourceType, string> = {
  alertmanager: BENCH_TOKEN,
  grafana_alerting: `${BENCH_TOKEN}-grafana`,
  webhook: `${BENCH_TOKEN}-webhook`,
};

const SOURCES: SourceType[] = ["alertmanager", "grafana_alerting", "webhook"];

/** One integration per type; each routes `severity="critical"` (every bench alert) to the chain and its own channel. */
const CONFIG = `${BENCH_CHAIN_YAML}integrations:
${SOURCES.map(
  (type) => `  - name: bench-${type}
    type: ${type}
    token: ${TOKENS[type]}
    # Far above the load: this measures capacity, not the per-integration limit (default 6000/min).
    rate_limit: 100000000
    routes:
      - matchers: ['severity="critical"']
        chain: bench
        channel: "#bench-source-${type.replace("_", "-")}"
`,
).join("")}`;

/**
 * A Grafana unified alerting webhook (contact point payload version 1, the shape of
 * tests/fixtures/payloads/grafana-firing.json) for one alert rule with `alertCount` firing
 * instances; instance `k`'s fingerprint is `<rule>-<k>`.
 */
export function grafanaPayload(opts: { rule: string; alertCount: number; seq?: number }): string {
  const ruleUid = `bench${opts.rule.toLowerCase()}`;
  const common = { alertname: opts.rule, grafana_folder: "Infrastructure", severity: "critical", team: "platform" };
  const alerts = Array.from({ length: opts.alertCount }, (_, k) => {
    const instance = `web-${k}:9100`;
    const value = 90 + ((k + (opts.seq ?? 0)) % 10) + 0.4151;
    return {
      status: "firing",
      labels: { ...common, instance },
      annotations: {
        description: `CPU usage on ${instance} has been above 90% for 5 minutes.`,
        runbook_url: "https://runbooks.example.com/node/high-cpu",
        summary: `CPU above 90% on ${instance}`,
      },
      startsAt: new Date(Date.UTC(2025, 2, 14, 9, 15, k)).toISOString(),
      endsAt: "0001-01-01T00:00:00Z",
      generatorURL: `https://grafana.example.com/alerting/grafana/${ruleUid}/view?orgId=1`,
      fingerprint: `${opts.rule}-${k}`,
      silenceURL: `https://grafana.example.com/alerting/silence/new?alertmanager=grafana&matcher=__alert_rule_uid__%3D${ruleUid}&matcher=instance%3D${encodeURIComponent(instance)}&orgId=1`,
      dashboardURL: "https://grafana.example.com/d/rYdddlPWk?from=1741942500000&orgId=1&to=1741946100000",
      panelURL: "https://grafana.example.com/d/rYdddlPWk?from=1741942500000&orgId=1&to=1741946100000&viewPanel=77",
      values: { A: value, C: 1 },
      valueString: `[ var='A' labels={instance=${instance}} value=${value} ], [ var='C' labels={instance=${instance}} value=1 ]`,
    };
  });
  return JSON.stringify({
    receiver: "calpage",
    status: "firing",
    orgId: 1,
    alerts,
    groupLabels: { alertname: opts.rule, grafana_folder: "Infrastructure" },
    commonLabels: common,
    commonAnnotations: { runbook_url: "https://runbooks.example.com/node/high-cpu" },
    externalURL: "https://grafana.example.com/",
    version: "1",
    groupKey: `{}/{__grafana_autogenerated__="true"}/{__grafana_receiver__="calpage"}:{alertname="${opts.rule}", grafana_folder="Infrastructure"}`,
    truncatedAlerts: 0,
    title: `[FIRING:${opts.alertCount}] ${opts.rule} Infrastructure (critical platform)`,
    state: "alerting",
    message: `**Firing**\n\nValue: A=${90 + 0.4151}\nLabels:\n - alertname = ${opts.rule}\n`,
  });
}

/** A generic JSON webhook for grouping key `uid`. */
export function webhookPayload(opts: { uid: string; seq: number }): string {
  return JSON.stringify({
    title: `Disk almost full on ${opts.uid}`,
    message: `/var on ${opts.uid} is at ${90 + (opts.seq % 10)}% (reading ${opts.seq}).`,
    severity: "critical",
    alert_uid: opts.uid,
    link: `https://monitoring.example.com/hosts/${opts.uid}/disk`,
  });
}

/**
 * `n` bodies over `groups` grouping keys named after `prefix`. Grafana: `groups` fingerprints as
 * `groups / alertsPerRequest` rules of `alertsPerRequest` instances, webhook `i` carrying rule `i % rules`.
 */
function bodiesFor(type: SourceType, load: SourceLoad, n: number, groups: number, prefix: string): string[] {
  switch (type) {
    case "alertmanager":
      return Array.from({ length: n }, (_, i) => {
        const g = i % groups;
        return alertmanagerPayload({
          groupKey: `{}/{team="platform"}:{alertname="${prefix}${g}"}`,
          alertname: `${prefix}${g}`,
          alertCount: load.alertsPerRequest,
          seq: Math.floor(i / groups),
        });
      });
    case "grafana_alerting": {
      const rules = Math.max(1, Math.round(groups / load.alertsPerRequest));
      return Array.from({ length: n }, (_, i) => grafanaPayload({ rule: `${prefix}${i % rules}`, alertCount: load.alertsPerRequest, seq: Math.floor(i / rules) }));
    }
    case "webhook":
      return Array.from({ length: n }, (_, i) => webhookPayload({ uid: `${prefix.toLowerCase()}-db-${i % groups}`, seq: Math.floor(i / groups) }));
  }
}

async function benchOneSource(target: BenchTarget, type: SourceType, opts: SourceThroughputOptions) {
  const load = opts.sources[type];
  const bodies = bodiesFor(type, load, load.requests, opts.groups, "Bench");
  // Warm-up: JIT, connections, prepared statements; on 20 other grouping keys than the measured ones
  // (few, so their escalations and Slack posts do not crowd the measured run). Grafana's carry one
  // instance each: with 10, concurrent warm-up requests for one rule would keep opening the same 10 groups.
  const warmupLoad = type === "grafana_alerting" ? { ...load, alertsPerRequest: 1 } : load;
  const warmup = bodiesFor(type, warmupLoad, Math.max(64, Math.round(640 / load.alertsPerRequest)), 20, "Warmup");
  const env = await startBenchEnv(target, `source_${type}`, CONFIG);
  try {
    const url = env.webhookUrl.replace(`/alertmanager/${BENCH_TOKEN}/`, `/${type}/${TOKENS[type]}/`);
    const instrument = instrumentCalpage(env.calpage);
    progress(`${target.backend} source ${type}: ${load.requests} requests x ${load.alertsPerRequest} alerts, ${opts.concurrency} senders, ${opts.groups} grouping keys`);
    const store = env.calpage.store.read;
    const initial = await store.alerts.countAll();
    let before = initial;
    let stopProfile = async (): Promise<void> => undefined;
    const result: LoadResult = await env.worker.load({ url, concurrency: opts.concurrency, warmup, bodies }, async () => {
      // Counted after the warm-up, so a warm-up request that failed does not show as a lost alert.
      before = await store.alerts.countAll();
      stopProfile = await startCpuProfile(`source-${type}-${target.backend}`);
      instrument.reset();
    });
    const probe = instrument.snapshot();
    await stopProfile();
    for (const f of result.failures) progress(`${type} request failed: ${f}`);
    const storedAlerts = (await store.alerts.countAll()) - before;
    const warmupAlertsNotStored = warmup.length * warmupLoad.alertsPerRequest - (before - initial);
    const acceptedAlerts = result.ok * load.alertsPerRequest;
    // Open groups after the run: the measured keys plus the warm-up's (nothing resolves).
    const openGroups = (await store.groups.listOpen(100_000)).length;
    const alertsPerSecond = acceptedAlerts / result.seconds;
    progress(`${target.backend} source ${type}: ${round(alertsPerSecond)} alerts/s`);
    return {
      alertsPerSecond: round(alertsPerSecond),
      webhooksPerSecond: round(result.ok / result.seconds),
      /** Groups looked up and opened or joined per second: one per request, but one per alert for Grafana (each instance is its own group). */
      groupUpsertsPerSecond: round((result.ok * (type === "grafana_alerting" ? load.alertsPerRequest : 1)) / result.seconds),
      requestMs: summarize(result.requestMs),
      requests: load.requests,
      alertsPerRequest: load.alertsPerRequest,
      seconds: round(result.seconds),
      rejected: result.failed,
      acceptedAlerts,
      storedAlerts,
      /** Every accepted alert is a stored row. */
      allAcceptedStored: storedAlerts === acceptedAlerts,
      openGroups,
      diagnostics: {
        /** Route call to commit, including the wait for the SQLite writer or a Postgres pool connection. */
        ingestCallMs: summarize(probe.ingestCallMs),
        /** Inside the request's transaction callback only. */
        ingestTxMs: summarize(probe.ingestTxMs),
        ingestTxShareOfWall: round(probe.ingestTxTotalMs / probe.wallMs),
        jobTxShareOfWall: round(probe.otherTxTotalMs / probe.wallMs),
        jobTransactions: probe.otherTxCount,
        eventLoopUtilization: round(probe.eventLoopUtilization),
        /** Warm-up alerts that were not stored (their request failed; the warm-up does not check answers). */
        warmupAlertsNotStored,
        calpageFailures: env.failures.length,
      },
    };
  } finally {
    await env.stop();
  }
}

export async function benchSourceThroughput(target: BenchTarget, opts: SourceThroughputOptions = DEFAULT_SOURCE_THROUGHPUT) {
  const perSource: Partial<Record<SourceType, Awaited<ReturnType<typeof benchOneSource>>>> = {};
  const measured = SOURCES.filter((t) => !opts.only || opts.only.includes(t));
  for (const type of measured) perSource[type] = await benchOneSource(target, type, opts);
  const all = measured.map((t) => perSource[t]).filter((s) => s !== undefined);
  const alertmanager = perSource.alertmanager?.alertsPerSecond ?? Number.NaN;
  return {
    alertsPerSecond: Object.fromEntries(measured.map((t) => [t, perSource[t]?.alertsPerSecond ?? null])),
    target: "every request accepted (2xx) and every accepted alert stored; alerts/s is informational",
    ok: all.length === measured.length && all.every((s) => s.rejected === 0 && s.allAcceptedStored),
    /** Failures calpage logged, warm-up included (e.g. a request answered 500): not in `ok`, but worth a look when not 0. */
    calpageFailures: Object.fromEntries(measured.map((t) => [t, perSource[t]?.diagnostics.calpageFailures ?? null])),
    groups: opts.groups,
    concurrency: opts.concurrency,
    /** Each source's alerts/s over the Alertmanager endpoint's, measured in this run. */
    relativeToAlertmanager: Object.fromEntries(measured.map((t) => [t, Math.round(((perSource[t]?.alertsPerSecond ?? Number.NaN) / alertmanager) * 1000) / 1000])),
    ...perSource,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const backend = process.argv[2] === "postgres" ? "postgres" : "sqlite";
  const { resolvePgAdminUrl } = await import("../tests/support/postgres.js");
  const pg = backend === "postgres" ? await resolvePgAdminUrl({ log: progress }) : null;
  try {
    // Optional: which sources to measure, e.g. `webhook grafana_alerting`.
    const only = process.argv.slice(3).filter((a): a is SourceType => (SOURCES as string[]).includes(a));
    console.log(JSON.stringify(await benchSourceThroughput({ backend, pgAdminUrl: pg?.url }, { ...DEFAULT_SOURCE_THROUGHPUT, ...(only.length ? { only } : {}) }), null, 2));
  } finally {
    await pg?.stop();
  }
}
