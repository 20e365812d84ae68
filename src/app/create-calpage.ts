import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createAccessService } from "../access/access-service.js";
import { createGuardedGroupActions } from "../access/guarded-group-actions.js";
import { ensureAuditPrune, makeAuditPruneHandler } from "../access/audit-prune.js";
import { systemPrincipal } from "../access/principal.js";
import { recordAudit } from "../access/record-audit.js";
import { createGroupActions } from "../alerts/group-actions.js";
import { makeAckAnswerHandler, makeAckTimeoutHandler } from "../escalation/ack-timeout.js";
import { makeAckCheckHandler } from "../slack/ack-check-handler.js";
import { createDirectPageService } from "../alerts/direct-page-service.js";
import { createHeartbeatService } from "../alerts/heartbeat-service.js";
import { createMaintenanceService } from "../alerts/maintenance-service.js";
import { createIngestService } from "../alerts/ingest-service.js";
import { requestSlackNotice } from "../alerts/request-slack-notice.js";
import type { Config } from "../config/config-types.js";
import { makeEscalationStepHandler } from "../escalation/step-handler.js";
import { makeUserGroupHandler } from "../escalation/user-group-handler.js";
import { makeEscalationWebhookHandler } from "../escalation/webhook-handler.js";
import { createHttpServer } from "../http/http-server.js";
import { createIntegrationRoutes } from "../http/integration-routes.js";
import { createMetrics } from "../http/metrics.js";
import { createMetricsServer } from "../http/metrics-route.js";
import { configSecrets } from "../config/config-secrets.js";
import { createRedactor } from "../shared/redact.js";
import { createLogger, lineLog, lineSink, type Logger, type LogSink } from "../shared/logger.js";
import { integrationUrlLogLine, resolveIntegrationTokens } from "./resolve-integration-tokens.js";
import { createGraphileJobRunner } from "../jobs/graphile-job-runner.js";
import type { JobRunner, TaskHandler, TaskHandlers } from "../jobs/job-queue.js";
import { createSqliteJobRunner } from "../jobs/sqlite-job-runner.js";
import { makePageHandler } from "../notify/page-handler.js";
import { createTwilioApi } from "../notify/twilio/twilio-api.js";
import { makeBundleHandler } from "../paging/bundle-handler.js";
import { parseLadderKey } from "../paging/ladder-key.js";
import { createLadderPager } from "../paging/ladder-pager.js";
import { makeLadderTickHandler } from "../paging/ladder-tick-handler.js";
import { createTwilioRoutes } from "../http/twilio-routes.js";
import { createScheduleService } from "../schedule/schedule-service.js";
import type { Clock } from "../shared/clock.js";
import { systemClock } from "../shared/clock.js";
import { createLogOnlySlackApi } from "../slack/log-only-slack-api.js";
import { createSlackApp, missingSlackSettings } from "../slack/create-slack-app.js";
import { createSlackDirectMessages } from "../slack/slack-direct-messages.js";
import { createSlackUserCache } from "../slack/slack-user-cache.js";
import { createSlackPersonZones } from "../slack/slack-person-zones.js";
import { createSlackPrincipals } from "../slack/slack-principals.js";
import { makeSlackNoticeHandler } from "../slack/notice-handler.js";
import { makeSlackSyncHandler } from "../slack/sync-handler.js";
import { makeStormSummaryHandler } from "../slack/storm-handler.js";
import { createWebSlackApi } from "../slack/web-slack-api.js";
import { builtInFeatures } from "./built-in-features.js";
import { createStore } from "./create-store.js";
import { sqliteDriver } from "../store/sqlite-driver.js";
import type { Feature } from "./feature.js";
import type { FeatureContext } from "./feature-context.js";
import { errorText } from "../shared/error-text.js";
import { makeSweepHandler } from "./sweep-handler.js";
import { createConfigReloader } from "./config-reloader.js";
import { createCalpageMetrics } from "./calpage-metrics.js";
import { createOutboundHeartbeat } from "./outbound-heartbeat.js";
import { createOutgoingWebhooks } from "../webhooks/outgoing-webhooks.js";
import { makeWebhookDeliveryHandler } from "../webhooks/delivery-handler.js";
import { renderWebhookBody } from "../templates/render-webhook-body.js";

/** /health/ready answers within this (ms) even while the database does not. */
const READY_TIMEOUT_MS = 750;

export interface CalpageOptions {
  /** Extra capabilities to plug in (tests use this too); built-in ones are always added. */
  features?: (ctx: FeatureContext) => Feature[];
  /** Each log line's message at LOG_LEVEL or above, fields left out (tests collect these); default console.log. */
  log?: (line: string) => void;
  /** Where structured lines go (`calpage start`: pino, see pino-log-sink.ts); wins over `log`. */
  logSink?: LogSink;
  clock?: Clock;
  /** How often the reconcile sweep runs (ms). */
  sweepEveryMs?: number;
  /** How often HEARTBEAT_URL is pinged (ms); default a minute. */
  heartbeatEveryMs?: number;
  /** Waits between outgoing webhook attempts (ms); default 10 s, 30 s, 1 min, 5 min, 15 min, 30 min, 1 h. */
  webhookRetryDelaysMs?: number[];
}

/**
 * The composition root: picks the SQLite or Postgres store + job-runner pair,
 * wires services, Slack and HTTP, and returns something to start and stop.
 */
export async function createCalpage(parsedConfig: Config, opts: CalpageOptions = {}) {
  // Every line calpage logs goes through the redactor: no token, Slack or Twilio secret, or full phone number.
  const redactor = createRedactor(configSecrets(parsedConfig));
  const lines = opts.log ?? ((line: string) => console.log(line));
  const logger = createLogger(opts.logSink ?? lineSink(lines, parsedConfig.env.logLevel), { redact: (text) => redactor.redact(text) });
  /** For components that only need a line: trouble is a warning, the rest info (see lineLog). */
  const log = lineLog(logger);
  const clock = opts.clock ?? systemClock;
  const now = () => clock.now().getTime();
  const store = createStore(parsedConfig);
  await store.migrate();
  if (!parsedConfig.env.databaseUrl) {
    const driver = sqliteDriver();
    if (driver.warning) logger.warn(driver.warning, { sqliteDriver: `${driver.packageName}@${driver.version}` });
    else logger.debug(`SQLite through ${driver.packageName}@${driver.version}`);
  }

  const metrics = createMetrics();
  const observed = createCalpageMetrics(metrics, store, now, (what, e) => log(`${what}: ${errorText(e)}`));
  const onError = (task: string, error: unknown) => {
    observed.jobFailed(task);
    logger.error(`job ${task} failed: ${errorText(error)}`, { task });
  };
  // Environment settings (database, Slack and Twilio credentials, ports) are read once: a reload keeps them.
  const env = parsedConfig.env;
  const runner: JobRunner = env.databaseUrl
    ? createGraphileJobRunner(store, env.databaseUrl, {
        onError,
        onPause: () => log("database unreachable: jobs paused, /health/ready and webhooks answer 503 until it answers again"),
        onResume: () => log("database answers again: jobs resumed (timers that fell due meanwhile run now)"),
      })
    : createSqliteJobRunner(store, { onError, now });
  store.onJobsCommitted((jobs) => runner.wake(jobs));

  const slackToken = env.slack.botToken;
  const slackApi = slackToken
    ? createWebSlackApi(slackToken, env.slack.apiUrl, (method, outcome, seconds) => {
        observed.slackCall(method, outcome, seconds);
        const fields = { slackMethod: method, outcome, ms: Math.round(seconds * 1000) };
        if (outcome === "ok") logger.debug(`slack: ${method}`, fields);
        else logger.warn(`slack: ${method} ${outcome.replace("_", " ")}`, fields);
      })
    : createLogOnlySlackApi(log);
  const tw = env.twilio;
  const twilio = tw.accountSid && tw.authToken && tw.fromNumber ? createTwilioApi({ accountSid: tw.accountSid, authToken: tw.authToken, fromNumber: tw.fromNumber, apiUrl: tw.apiUrl, observe: observed.twilioCall }) : null;
  const base = env.publicUrl.replace(/\/$/, "");
  const missing = missingSlackSettings(parsedConfig);

  /**
   * Everything built from calpage.yaml: users, schedules, chains, integrations, access rules,
   * paging, the Slack listeners and the job handlers. A reload builds a new one and swaps it in.
   */
  const wire = async (fileConfig: Config) => {
    // Integrations without a token in calpage.yaml get their generated one before any route is served.
    const tokens = await resolveIntegrationTokens(fileConfig, store.read.generatedSecrets, now());
    redactor.add(configSecrets(fileConfig));
    redactor.add(tokens.generated);
    const config = tokens.config;
    const users = new Map(config.users.map((u) => [u.email, u]));
    const slackUsers = createSlackUserCache(slackApi, users);
    const schedules = createScheduleService(store, config, { log, now });
    const zones = createSlackPersonZones(config, slackApi, slackUsers, { now, log });
    const pager = createLadderPager(config, { phoneEnabled: twilio !== null, zones });
    const chains = new Map(config.escalationChains.map((c) => [c.name, c]));
    // Outgoing webhooks hear of every group event, in the transaction that makes it.
    const deps = {
      oncall: schedules,
      users,
      pager,
      events: createOutgoingWebhooks(config, { publicUrl: base }),
      ackTimeoutOf: (chain: string | null) => (chain === null ? null : (chains.get(chain)?.ackTimeout ?? null)),
    };
    const ingest = createIngestService(store, config, deps);
    const actions = createGroupActions(store, deps);
    const heartbeats = createHeartbeatService(store, config, ingest);
    const maintenance = createMaintenanceService(store, config);
    const page = createDirectPageService(store, config, deps);
    const access = createAccessService(config, store, schedules);
    const guarded = createGuardedGroupActions(store, actions, access);
    const principals = createSlackPrincipals(config, slackApi, slackUsers, access.ruleUserGroups);

    const featureContext: FeatureContext = { config, store, slack: slackApi, slackUsers, zones, schedules, actions, access, guarded, principals, ingest, escalation: deps, log, now, metrics, twilio };
    const pagingFeature: Feature = {
      name: "paging",
      http: createTwilioRoutes({ config, store, guarded, userGroupsOf: principals.userGroupsOfEmail, pager, metrics, log, now }),
      // Quiet hours are kept in the person's zone: read from Slack the zones of everyone who set some, so the first page after a start uses them.
      start: async () => {
        void store.read.userSettings
          .emailsWithQuietHours()
          .then((emails) => zones.load(emails))
          .catch((e: unknown) => log(`zones: could not read the time zones of people with quiet hours: ${errorText(e)}`));
      },
      handlers: {
        "paging.ladder": makeLadderTickHandler(store, pager, clock, observed.ladderLate),
        "paging.bundle": makeBundleHandler(store, twilio, config, now),
      },
    };
    const features = [pagingFeature, ...builtInFeatures(featureContext), ...(opts.features?.(featureContext) ?? [])];
    const slackApp = missing.length === 0 ? await createSlackApp(config, { guarded, access, principals, slack: slackApi, schedules, store, maintenance, page, log, now, features }) : null;

    const integrations = createIntegrationRoutes({
      config,
      ingest,
      heartbeats,
      metrics,
      now,
      onRateLimited: (integration, at) => {
        const channel = integration.channel ?? integration.routes.find((r) => r.channel)?.channel;
        log(`integration ${integration.name} is over its limit of ${integration.rateLimitPerMinute} alerts a minute; answering 429`);
        if (!channel) return;
        void store
          .transaction((tx) =>
            requestSlackNotice(
              tx,
              channel,
              `:warning: *${integration.name}* is sending more than ${integration.rateLimitPerMinute} alerts a minute. calpage answers HTTP 429 with Retry-After, so the sender retries later; nothing it already accepted is lost.`,
              at,
            ),
          )
          .catch((e) => onError("slack.notice", e));
      },
    });
    const handlers: TaskHandlers = {
      ...Object.assign({}, ...features.map((f) => f.handlers ?? {})),
      "escalation.step": makeEscalationStepHandler(store, clock, deps, observed.escalationLate),
      "notify.page": makePageHandler({
        store,
        directMessages: createSlackDirectMessages(slackApi, slackUsers, zones.learn),
        twilio,
        config,
        now,
        log,
        callbacks: {
          smsStatus: (id) => `${base}/twilio/sms/status?page=${encodeURIComponent(id)}`,
          callAnswer: (id) => `${base}/twilio/voice/answer?page=${encodeURIComponent(id)}`,
          callStatus: (id) => `${base}/twilio/voice/status?page=${encodeURIComponent(id)}`,
        },
        onCallFailed: async (tx, page, t) => {
          const run = await tx.ladderRuns.get(page.groupId, page.userEmail, { lock: true });
          const key = parseLadderKey(page.ladderKey);
          if (run && key && key.run === run.state.run) await pager.apply(tx, run, { type: "call_result", rung: key.rung, attempt: key.attempt, answered: false }, t);
        },
        onLost: (tx, page, t) => pager.lost(tx, page, t),
        onOutcome: observed.paged,
      }),
      "slack.sync": makeSlackSyncHandler(store, slackApi, config, now, log),
      "slack.storm": makeStormSummaryHandler(store, slackApi, config, now),
      "slack.notice": makeSlackNoticeHandler(store, slackApi, now),
      "heartbeat.check": (payload: Record<string, unknown>) => heartbeats.check(payload, now()),
      "maintenance.end": (payload: Record<string, unknown>) => maintenance.end(payload, now()),
      "notify.user_group": makeUserGroupHandler(store, slackApi, config, pager, now),
      "escalation.webhook": makeEscalationWebhookHandler(store, config.env.publicUrl, now),
      "escalation.ack_timeout": makeAckTimeoutHandler(store, deps.ackTimeoutOf, now),
      "escalation.ack_answer": makeAckAnswerHandler(store, actions, now),
      "slack.ack_check": makeAckCheckHandler(store, slackApi, slackUsers, config, now),
      "webhook.deliver": makeWebhookDeliveryHandler({
        store,
        config: () => live.config,
        now,
        retryDelaysMs: opts.webhookRetryDelaysMs,
        onOutcome: observed.webhookDelivery,
        log,
        // An integration's `templates.webhook_body`, rendered with the group and its latest alerts as they are at the attempt.
        renderBody: async ({ body, integration }) => {
          if (integration.templates?.webhook_body === undefined) return null;
          const group = await store.read.groups.get(body.alert_group.id);
          if (!group) return null;
          const alerts = await store.read.alerts.recent(group.id, 5);
          const extra = { event: body.event, delivery_id: body.delivery_id, occurred_at: body.occurred_at, actor: body.actor };
          return renderWebhookBody(integration.templates, { group, alerts, integrationType: integration.type, extra }, log) ?? null;
        },
      }),
      "audit.prune": makeAuditPruneHandler(store, config.access.auditRetentionSeconds, now, log),
      // Without HEARTBEAT_URL no such job is ever added; one left from an earlier run does nothing.
      "heartbeat.out": async () => heartbeatOut?.handle(),
      sweep: makeSweepHandler(store, now),
    };
    const featureRoutes = features.flatMap((f) => (f.http ? [f.http] : []));
    return { config, tokens, users, slackUsers, schedules, ingest, actions, heartbeats, maintenance, page, access, guarded, features, slackApp, integrations, handlers, featureRoutes };
  };

  let live = await wire(parsedConfig);
  for (const u of live.tokens.urls) log(integrationUrlLogLine(u, env.publicUrl));
  if (live.config.access.admins.emails.length === 0 && live.config.access.admins.userGroups.length === 0) {
    log("access: no admins (access.admins in calpage.yaml): nobody can reopen resolved groups, silence forever, start maintenance, page as important, override other people's shifts or read the audit trail in Slack");
  }
  if (missing.length > 0) log(`Slack is not configured (missing ${missing.join(", ")}): alerts are stored and escalated, and what would be posted is logged.`);

  /** Shutdown began: new requests get 503, readiness is red. */
  let draining = false;
  /** One readiness query at a time (probes during an outage must not pile up queries), answered within READY_TIMEOUT_MS. */
  let readyProbe: Promise<boolean> | null = null;
  const probeDatabase = async (): Promise<boolean> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), READY_TIMEOUT_MS)));
    const query = store.read.groups.count().then(
      () => true,
      () => false,
    );
    try {
      return await Promise.race([query, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };

  // Routes and job handlers look the live wiring up per request / per job: a request that began
  // before a reload finishes with the services it started with.
  // Slack over HTTP (not Socket Mode) is decided by the environment, which a reload keeps.
  const slackOverHttp = Boolean(live.slackApp?.requestListener);
  const server = createHttpServer({
    metrics,
    integrations: (...args) => live.integrations(...args),
    slack: slackOverHttp ? (req, res) => live.slackApp!.requestListener!(req, res) : null,
    slackUnavailableReason: `Slack is not configured: set ${missing.join(", ")}`,
    ready: () => {
      if (draining || !runner.running()) return Promise.resolve(false);
      readyProbe ??= probeDatabase().finally(() => (readyProbe = null));
      return readyProbe;
    },
    draining: () => draining,
    log,
    logger,
    features: [
      async (req, res, path) => {
        for (const route of live.featureRoutes) if (await route(req, res, path)) return true;
        return false;
      },
    ],
    metricsToken: env.metricsToken,
    serveMetrics: env.metricsPort === null,
  });
  const metricsServer = env.metricsPort === null ? null : createMetricsServer(metrics, env.metricsToken);

  const heartbeatOut = env.heartbeatUrl
    ? createOutboundHeartbeat(store, env.heartbeatUrl, { now, log, everyMs: opts.heartbeatEveryMs, onPing: observed.heartbeatPinged })
    : null;
  const handlers: TaskHandlers = observed.timeHandlers(
    logJobs(
      logger,
      Object.fromEntries(
        Object.keys(live.handlers).map((task) => [task, (...args: Parameters<TaskHandler>) => (live.handlers[task as keyof TaskHandlers] as TaskHandler)(...args)]),
      ) as TaskHandlers,
    ),
  );

  const reloads = createConfigReloader({
    store,
    slack: slackApi,
    log,
    now,
    current: () => live.config,
    lookupSlackUser: (email) => live.slackUsers.lookup(email),
    redact: (text) => redactor.redact(text),
    async apply(next) {
      if (draining) throw new Error("calpage is shutting down");
      const built = await wire({ ...next, env });
      // Feeds are read before the swap: a schedule that cannot be loaded refuses the reload.
      try {
        await built.schedules.start();
      } catch (error) {
        await built.schedules.stop();
        throw error;
      }
      await built.heartbeats.start(now());
      const old = live;
      live = built;
      // Swapped: from here on a problem is logged, not a reason to refuse (the new configuration is live).
      const settle = async (what: string, step: () => Promise<void> | void) => {
        try {
          await step();
        } catch (error) {
          log(`config reload: ${what}: ${errorText(error)}`);
        }
      };
      await settle("stopping the previous schedules", () => old.schedules.stop());
      for (const f of old.features) await settle(`stopping ${f.name}`, () => f.stop?.());
      await settle("stopping the previous Slack listeners", () => old.slackApp?.stop());
      for (const f of built.features) await settle(`starting ${f.name}`, () => f.start?.(now()));
      await settle("starting the Slack listeners", () => built.slackApp?.start());
      for (const u of built.tokens.urls) if (!old.tokens.urls.some((o) => o.name === u.name)) log(integrationUrlLogLine(u, env.publicUrl));
      return configSummary(built.config);
    },
  });
  let sweepTimer: NodeJS.Timeout | null = null;

  // The services below are the live ones: after a reload, the new configuration's.
  return {
    store,
    server,
    get config() {
      return live.config;
    },
    get schedules() {
      return live.schedules;
    },
    get ingest() {
      return live.ingest;
    },
    get actions() {
      return live.actions;
    },
    get guarded() {
      return live.guarded;
    },
    get access() {
      return live.access;
    },
    get maintenance() {
      return live.maintenance;
    },
    get page() {
      return live.page;
    },
    /** Each integration's URL (a secret) and whether its token is generated: what `calpage urls` prints. */
    get integrationUrls() {
      return live.tokens.urls;
    },
    /**
     * Applies a configuration read again from disk (SIGHUP, --watch-config) if it is valid, or
     * keeps the running one and says why (log, audit trail, a Slack DM to the admins).
     * Reloads run one at a time. Never rejects.
     */
    reload: reloads.reload,
    /** Loads schedules, starts the job runner, Slack and the HTTP server; resolves with the bound port. */
    async start(port = env.port, host: string | undefined = env.host ?? undefined): Promise<number> {
      const { schedules, config, features, slackApp, heartbeats } = live;
      await schedules.start();
      await runner.start(handlers);
      await heartbeats.start(now());
      await ensureAuditPrune(store, now());
      await heartbeatOut?.start();
      await recordAudit(store, systemPrincipal(), "config", "config loaded", config.path, "done", configSummary(config), now());
      for (const f of features) await f.start?.(now());
      await slackApp?.start();
      const sweepEvery = opts.sweepEveryMs ?? 15_000;
      sweepTimer = setInterval(() => {
        void store
          .transaction((tx) => tx.jobs.add({ task: "sweep", payload: {}, jobKey: "sweep", jobKeyMode: "preserve_run_at", maxAttempts: 1 }))
          .catch((e) => onError("sweep", e));
      }, sweepEvery);
      sweepTimer.unref();
      if (metricsServer) await listen(metricsServer, env.metricsPort!, env.metricsHost);
      await listen(server, port, host);
      return (server.address() as AddressInfo).port;
    },
    /**
     * Graceful stop: new requests get 503 at once (senders retry); requests already started and
     * running jobs get up to `graceMs` to finish; then connections close, job locks are released
     * and the database is closed. What was answered 2xx is committed.
     */
    async stop(graceMs = env.shutdownGraceMs): Promise<void> {
      draining = true;
      await reloads.settled();
      const { schedules, features, slackApp } = live;
      const deadline = Date.now() + graceMs;
      if (sweepTimer) clearInterval(sweepTimer);
      schedules.stop();
      for (const f of features) await f.stop?.();
      const requestsDone = (async () => {
        // Bounded by the deadline; each round sleeps 20 ms.
        while (server.inFlight() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      })();
      await Promise.all([requestsDone, runner.stop(graceMs)]);
      if (server.inFlight() > 0) log(`shutdown: ${server.inFlight()} request(s) still unanswered after ${graceMs} ms; closing their connections (nothing of theirs was answered 2xx)`);
      for (const s of metricsServer ? [server, metricsServer] : [server]) {
        const closed = new Promise<void>((resolve) => s.close(() => resolve()));
        s.closeAllConnections();
        await closed;
      }
      await slackApp?.stop();
      await store.close();
    },
  };
}

export type Calpage = Awaited<ReturnType<typeof createCalpage>>;

/** A debug line when each job is done (the runner's context adds its task and id, handlers the group). */
function logJobs<T extends Record<string, TaskHandler | undefined>>(logger: Logger, handlers: T): T {
  const wrapped: Record<string, TaskHandler | undefined> = {};
  for (const [task, handler] of Object.entries(handlers)) {
    wrapped[task] = handler && (async (payload, ctx) => {
      const started = performance.now();
      await handler(payload, ctx);
      logger.debug(`job ${task} done`, { ms: Math.round(performance.now() - started), attempt: ctx.attempt });
    });
  }
  return wrapped as T;
}

function listen(server: Server, port: number, host: string | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

/** What a loaded configuration holds, for the audit trail (no secrets). */
export function configSummary(config: Config): string {
  const a = config.access;
  const admins = [...a.admins.emails, ...a.admins.userGroups.map((g) => `@${g}`)].join(", ") || "none";
  return `${config.users.length} users, ${config.schedules.length} schedules, ${config.escalationChains.length} chains, ${config.integrations.length} integrations; admins: ${admins}`;
}
