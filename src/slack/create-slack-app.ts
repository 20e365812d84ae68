import type { RequestListener } from "node:http";
import { App, HTTPReceiver, LogLevel } from "@slack/bolt";
import type { Feature } from "../app/feature.js";
import type { Config } from "../config/config-types.js";
import { registerActions } from "./listeners/register-actions.js";
import { registerCommands, type CommandDeps } from "./listeners/register-commands.js";
import { registerEvents } from "./listeners/register-events.js";

export interface SlackApp {
  /** Listener for POST /slack/events in HTTP mode; null in Socket Mode. */
  requestListener: RequestListener | null;
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
 * The Bolt app: HTTP mode at /slack/events (signatures verified by Bolt), or
 * Socket Mode when SLACK_APP_TOKEN is set. Listeners are registered from one
 * file per kind.
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
  let app: App;
  let receiver: HTTPReceiver | null = null;
  if (s.appToken) {
    app = new App({ token: s.botToken!, appToken: s.appToken, socketMode: true, clientOptions, logger, deferInitialization: true, tokenVerificationEnabled: false });
  } else {
    receiver = new HTTPReceiver({ signingSecret: s.signingSecret!, endpoints: "/slack/events", logger });
    // No auth.test at start (tokenVerificationEnabled: false): calpage must start, take alerts and
    // page by phone while Slack is down; a bad token shows up in the first Slack call's error.
    app = new App({ token: s.botToken!, receiver, clientOptions, logger, deferInitialization: true, tokenVerificationEnabled: false });
  }
  app.error(async (error) => deps.log(`slack listener error: ${error.message}`));
  registerActions(app, { guarded: deps.guarded, principals: deps.principals, ...(deps.now ? { now: deps.now } : {}) });
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
    requestListener: receiver ? receiver.requestListener : null,
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
