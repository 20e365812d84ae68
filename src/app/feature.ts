import type { IncomingMessage, ServerResponse } from "node:http";
import type { App } from "@slack/bolt";
import type { Principal } from "../access/principal.js";
import type { FeatureTaskName, TaskHandler } from "../jobs/job-queue.js";

/** Context a feature's `/oncall` subcommand gets: who asked, where, and how to answer. */
export interface CommandContext {
  userId: string;
  channelId: string;
  triggerId: string;
  /** Who asked, for the access rules (looked up on first use). */
  who(): Promise<Principal>;
  /** Ephemeral answer to the person who asked. */
  respond(text: string): Promise<void>;
  client: App["client"];
}

/**
 * A self-contained capability (schedules, phone paging, …) that plugs into the
 * composition root: its jobs, HTTP routes, Slack listeners and `/oncall` subcommands.
 */
export interface Feature {
  name: string;
  handlers?: Partial<Record<FeatureTaskName, TaskHandler>>;
  /** Handles the request and returns true, or returns false to let other routes try. */
  http?: (req: IncomingMessage, res: ServerResponse, path: string) => Promise<boolean>;
  registerSlack?: (app: App) => void;
  /** Shows `userId` their Home tab as it is now: after an alert button clicked there changed a group. */
  refreshHome?: (client: App["client"], userId: string) => Promise<void>;
  /** `/oncall <sub> …` subcommands this feature answers. */
  commands?: Record<string, { usage: string; run(args: string[], ctx: CommandContext): Promise<void> }>;
  start?(now: number): Promise<void>;
  stop?(): Promise<void>;
}
