import type { RequestListener } from "node:http";
import { App, HTTPReceiver, LogLevel } from "@slack/bolt";
import type { GroupActions } from "../alerts/group-actions.js";
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
  deps: Omit<CommandDeps, "config" | "act"> & { actions: GroupActions; log: (line: string) => void; features?: Feature[] },
): Promise<SlackApp> {
  const s = config.env.slack;
  const clientOptions = s.apiUrl ? { slackApiUrl: s.apiUrl } : {};
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
    app = new App({ token: s.botToken!, appToken: s.appToken, socketMode: true, clientOptions, logger, deferInitialization: true });
  } else {
    receiver = new HTTPReceiver({ signingSecret: s.signingSecret!, endpoints: "/slack/events", logger });
    app = new App({ token: s.botToken!, receiver, clientOptions, logger, deferInitialization: true });
  }
  app.error(async (error) => deps.log(`slack listener error: ${error.message}`));
  registerActions(app, deps.actions);
  const featureCommands = Object.assign({}, ...(deps.features ?? []).map((f) => f.commands ?? {})) as NonNullable<Feature["commands"]>;
  registerCommands(app, { ...deps, config, act: deps.actions, featureCommands });
  for (const f of deps.features ?? []) f.registerSlack?.(app);
  registerEvents(app, config, deps.schedules);
  await app.init();
  return {
    requestListener: receiver ? receiver.requestListener : null,
    async start() {
      if (s.appToken) await app.start();
    },
    async stop() {
      if (s.appToken) await app.stop();
    },
  };
}
