/**
 * The validated, typed shape of `calpage.yaml` (plus environment). Every other
 * module receives these types; only `src/config` reads YAML or `process.env`.
 */

export interface UserConfig {
  /** Primary identifier; also how Slack users are found (users.lookupByEmail). */
  email: string;
  name: string;
  aliases: string[];
  /** E.164, e.g. +15551230001; null when not given. */
  phone: string | null;
  /** Slack member id (U…) if known up front; otherwise looked up by email. */
  slackId: string | null;
  /** Slack handle without @ (matched in calendar event summaries). */
  slackHandle: string | null;
}

export interface ScheduleConfig {
  name: string;
  /** IANA zone used for floating and all-day times when the feed does not say. */
  timezone: string;
  /** https://, webcal:// URL or local file path (relative paths resolve against the config file's folder). */
  feed: string;
  overridesFeed: string | null;
  /** Slack channel (id or #name) for announcements and warnings; null = none. */
  channel: string | null;
  refreshSeconds: number;
}

export type EscalationStep =
  | { type: "wait"; seconds: number }
  | { type: "notify_schedule"; schedule: string; important: boolean }
  | { type: "notify_users"; users: string[]; important: boolean }
  | { type: "repeat"; times: number };

export interface EscalationChainConfig {
  name: string;
  steps: EscalationStep[];
}

export type MatcherOp = "=" | "!=" | "=~" | "!~";
export interface Matcher {
  name: string;
  op: MatcherOp;
  value: string;
}

export interface RouteConfig {
  /** All must match (AND). An empty list matches everything. */
  matchers: Matcher[];
  chain: string | null;
  channel: string | null;
}

export type IntegrationType = "alertmanager" | "grafana_alerting" | "webhook";

export interface IntegrationConfig {
  name: string;
  type: IntegrationType;
  token: string;
  /** Checked in order; first match wins. The integration's own chain/channel is the default route, always last. */
  routes: RouteConfig[];
  chain: string | null;
  channel: string | null;
}

export interface SlackEnv {
  botToken: string | null;
  signingSecret: string | null;
  appToken: string | null;
  apiUrl: string | null;
}

export interface Config {
  /** Absolute path of the YAML file this came from. */
  path: string;
  timezone: string;
  users: UserConfig[];
  schedules: ScheduleConfig[];
  escalationChains: EscalationChainConfig[];
  integrations: IntegrationConfig[];
  /** Environment-derived settings. */
  env: {
    databaseUrl: string | null;
    /** SQLite file used when databaseUrl is null. */
    sqlitePath: string;
    port: number;
    publicUrl: string;
    slack: SlackEnv;
  };
}

/** One problem in the config, located by its path and (when known) its line. */
export interface ConfigProblem {
  /** e.g. `escalation_chains[1].steps[2].wait` */
  path: string;
  message: string;
  /** 1-based line in the YAML file, when the node exists. */
  line: number | null;
}
