import type { IncomingMessage, ServerResponse } from "node:http";
import { App, HTTPReceiver, LogLevel, type Authorize } from "@slack/bolt";
import type { Feature } from "../app/feature.js";
import type { Config } from "../config/config-types.js";
import { registerActions } from "./listeners/register-actions.js";
import { registerAddResponder } from "./listeners/register-add-responder.js";
import { registerCommands, type CommandDeps } from "./listeners/register-commands.js";
import { registerEvents } from "./listeners/register-events.js";
import { guardSlackRequests } from "./slack-request-guard.js";

export interface SlackApp {
  /** Listener for POST /slack/events in HTTP mode (behind {@link guardSlackRequests}); null in Socket Mode. */
  requestListener: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | null;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Names of the environment variables calpage still needs for Slack; empty when Slack is fully configured. */
export function missingSlackSettings(config: Config): string[] {
  const s = config.env.slack;
  const missing: string[] = [];
  if (!s.botToken) missing.push("SLACK_BOT_TOKEN");
  if (!s.signingSecret && !s.appToken) missing.push("SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode)");
  return missing;
}

/**
 * The Bolt app: HTTP mode at /slack/events (headers, size and signature checked by
 * {@link guardSlackRequests}, then by Bolt), or Socket Mode when SLACK_APP_TOKEN is set.
 * Listeners are registered from one file per kind.
 */
export async function createSlackApp(
  config: Config,
  deps: Omit<CommandDeps, "config"> & { log: (line: string) => void; features?: Feature[] },
): Promise<SlackApp> {
  const s = config.env.slack;
  // Listener calls (views.open, ephemeral answers) fail fast rather than retry for minutes.
  const clientOptions = { ...(s.apiUrl ? { slackApiUrl: s.apiUrl } : {}), retryConfig: { retries: 2, maxTimeout: 2000 }, rejectRateLimitedCalls: true };
  const logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (...m: unknown[]) => deps.log(`slack: ${m.join(" ")}`),
    error: (...m: unknown[]) => deps.log(`slack: ${m.join(" ")}`),
    setLevel: () => undefined,
    getLevel: () => LogLevel.WARN,
    setName: () => undefined,
  };
  // Given only a token, Bolt calls auth.test before every request it dispatches (and, by default, at
  // start): a slow or down Slack would then delay every ack past Slack's 3 seconds and lose the
  // click. The bot token is all the listeners need; calpage listens to no message events, so Bolt's
  // ignoreSelf needs no bot user id. A bad token shows up in the first Slack call's error.
  const botToken = s.botToken!;
  const authorize: Authorize<boolean> = async () => ({ botToken });
  let app: App;
  let receiver: HTTPReceiver | null = null;
  if (s.appToken) {
    app = new App({ authorize, appToken: s.appToken, socketMode: true, clientOptions, logger, deferInitialization: true });
  } else {
    receiver = new HTTPReceiver({ signingSecret: s.signingSecret!, endpoints: "/slack/events", logger });
    app = new App({ authorize, receiver, clientOptions, logger, deferInitialization: true });
  }
  app.error(async (error) => deps.log(`slack listener error: ${error.message}`));
  const refreshHome = async (client: App["client"], userId: string) => {
    for (const f of deps.features ?? []) await f.refreshHome?.(client, userId);
  };
  registerActions(app, { guarded: deps.guarded, principals: deps.principals, refreshHome, ...(deps.now ? { now: deps.now } : {}) });
  registerAddResponder(app, { config, store: deps.store, guarded: deps.guarded, principals: deps.principals, log: deps.log, ...(deps.now ? { now: deps.now } : {}) });
  const featureCommands = Object.assign({}, ...(deps.features ?? []).map((f) => f.commands ?? {})) as NonNullable<Feature["commands"]>;
  registerCommands(app, { ...deps, config, featureCommands });
  for (const f of deps.features ?? []) f.registerSlack?.(app);
  registerEvents(app, config, deps.schedules);
  await app.init();
  let stopped = false;
  let retry: NodeJS.Timeout | null = null;
  const connect = () => {
    app.start().then(
      () => deps.log("slack: Socket Mode connected"),
      (error: unknown) => {
        if (stopped) return;
        deps.log(`slack: Socket Mode could not connect (${error instanceof Error ? error.message : String(error)}); trying again in 30 s`);
        retry = setTimeout(connect, 30_000);
        retry.unref();
      },
    );
  };
  return {
    requestListener: receiver ? guardSlackRequests(receiver.requestListener, { signingSecret: s.signingSecret! }) : null,
    async start() {
      // In the background: a Slack outage at start must not keep calpage from taking alerts and paging by phone.
      if (s.appToken) connect();
    },
    async stop() {
      stopped = true;
      if (retry) clearTimeout(retry);
      if (s.appToken) await app.stop().catch(() => undefined);
    },
  };
}
