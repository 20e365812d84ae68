import type { PageOutcomeEvent } from "../notify/page-handler.js";
import { DELAY_BUCKETS, LATENCY_BUCKETS, type Metrics } from "../http/metrics.js";
import { jobBacklog } from "../jobs/job-backlog.js";
import type { TaskHandlers } from "../jobs/job-queue.js";
import type { Store } from "../store/store.js";

/**
 * The metrics calpage's own parts report, declared in one place (names, help, buckets),
 * as small callbacks the adapters are given. Labels hold integration, task, method,
 * channel, lane, state and schedule names only: never tokens or phone numbers.
 */
export function createCalpageMetrics(metrics: Metrics, store: Store, now: () => number, onError: (what: string, error: unknown) => void) {
  const jobFailures = metrics.counter("calpage_job_failures_total", "Job attempts that threw, by task.", ["task"]);
  const jobDuration = metrics.histogram("calpage_job_duration_seconds", "Run time of one job attempt, by task and outcome (ok, error).", ["task", "outcome"], LATENCY_BUCKETS);
  const escalationLateness = metrics.histogram("calpage_escalation_step_lateness_seconds", "How late an escalation step ran after its due time.", [], DELAY_BUCKETS);
  const ladderLateness = metrics.histogram("calpage_ladder_step_lateness_seconds", "How late a personal paging ladder's next rung ran after its due time.", [], DELAY_BUCKETS);
  const alertToFirstPage = metrics.histogram("calpage_alert_to_first_page_seconds", "Time from an alert group's first alert to its first page handed to Slack or Twilio, by channel.", ["channel"], DELAY_BUCKETS);
  const pages = metrics.counter("calpage_pages_total", "Pages by channel (slack_dm, sms, call) and outcome (sent, failed, throttled, cancelled, retried).", ["channel", "outcome"]);
  const slackCalls = metrics.histogram("calpage_slack_api_duration_seconds", "Slack Web API calls by method and outcome (ok, rate_limited, slack_error, failed).", ["method", "outcome"], LATENCY_BUCKETS);
  const slack429 = metrics.counter("calpage_slack_rate_limited_total", "Slack Web API calls answered 429 (rate limited), by method.", ["method"]);
  const twilioCalls = metrics.histogram("calpage_twilio_api_duration_seconds", "Twilio REST requests by method (sms, call) and outcome (ok, rate_limited, rejected, failed).", ["method", "outcome"], LATENCY_BUCKETS);
  const twilio429 = metrics.counter("calpage_twilio_rate_limited_total", "Twilio REST requests answered 429 (rate limited), by method.", ["method"]);
  const webhookDeliveries = metrics.counter(
    "calpage_outgoing_webhook_deliveries_total",
    "Outgoing webhook attempts by outcome: delivered, retried (failed, tried again later), failed (given up or refused).",
    ["outcome"],
  );
  const heartbeats = metrics.counter("calpage_heartbeat_pings_total", "Outbound heartbeat pings (HEARTBEAT_URL), by outcome (ok, failed).", ["outcome"]);

  metrics.gauge("calpage_open_groups", "Alert groups not resolved, by state.", ["state"], async () => {
    const counts = new Map<string, number>([["firing", 0], ["acknowledged", 0], ["silenced", 0]]);
    for (const r of await store.read.groups.countOpenByState()) counts.set(r.state, r.count);
    return [...counts].map(([state, value]) => ({ labels: { state }, value }));
  }, (e) => onError("metrics.open_groups", e));
  // Both job gauges share one query per scrape (prom-client collects them concurrently).
  let reading: ReturnType<typeof jobBacklog> | null = null;
  const backlog = () => (reading ??= jobBacklog(store, now()).finally(() => (reading = null)));
  metrics.gauge("calpage_jobs_due", "Jobs whose run time has come and that no worker runs yet, by lane (main, slack).", ["lane"], async () =>
    (await backlog()).map((b) => ({ labels: { lane: b.lane }, value: b.due })), (e) => onError("metrics.jobs_due", e));
  metrics.gauge("calpage_jobs_overdue", "Jobs waiting more than a minute past their run time, by lane (main, slack).", ["lane"], async () =>
    (await backlog()).map((b) => ({ labels: { lane: b.lane }, value: b.overdue })), (e) => onError("metrics.jobs_overdue", e));
  metrics.gauge(
    "calpage_feed_last_good_age_seconds",
    "Seconds since each schedule feed (kind primary or overrides) was last read without error; +Inf when it never was.",
    ["schedule", "kind"],
    async () => {
      const t = now();
      return (await store.read.feeds.freshness()).map((f) => {
        // While a feed fails, its last good read was before the errors began.
        const goodAt = f.fetchedAt === null ? null : f.error === null ? (f.checkedAt ?? f.fetchedAt) : (f.errorSince ?? f.fetchedAt);
        return { labels: { schedule: f.schedule, kind: f.kind }, value: goodAt === null ? Infinity : Math.max(0, (t - goodAt) / 1000) };
      });
    },
    (e) => onError("metrics.feeds", e),
  );

  return {
    jobFailed: (task: string) => jobFailures({ task }),
    /** Wraps every task handler to time its runs; a throw is timed and passed on unchanged. */
    timeHandlers(handlers: TaskHandlers): TaskHandlers {
      const timed: Record<string, TaskHandlers[keyof TaskHandlers]> = {};
      for (const [task, handler] of Object.entries(handlers)) {
        if (!handler) continue;
        timed[task] = async (payload, ctx) => {
          const started = performance.now();
          let outcome = "error";
          try {
            await handler(payload, ctx);
            outcome = "ok";
          } finally {
            jobDuration({ task, outcome }, (performance.now() - started) / 1000);
          }
        };
      }
      return timed as TaskHandlers;
    },
    escalationLate: (ms: number) => escalationLateness({}, ms / 1000),
    ladderLate: (ms: number) => ladderLateness({}, ms / 1000),
    paged(e: PageOutcomeEvent) {
      pages({ channel: e.channel, outcome: e.outcome });
      if (e.alertToFirstPageMs !== null) alertToFirstPage({ channel: e.channel }, e.alertToFirstPageMs / 1000);
    },
    slackCall(method: string, outcome: string, seconds: number) {
      slackCalls({ method, outcome }, seconds);
      if (outcome === "rate_limited") slack429({ method });
    },
    twilioCall(method: string, outcome: string, seconds: number) {
      twilioCalls({ method, outcome }, seconds);
      if (outcome === "rate_limited") twilio429({ method });
    },
    webhookDelivery: (outcome: string) => webhookDeliveries({ outcome }),
    heartbeatPinged: (ok: boolean) => heartbeats({ outcome: ok ? "ok" : "failed" }),
  };
}

export type CalpageMetrics = ReturnType<typeof createCalpageMetrics>;
