import type { GroupEventName } from "../alerts/group-events.js";
import type { MessageTemplates } from "../templates/template-surfaces.js";

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
  /** Personal ladders; null = the team-wide `notification_rules`. */
  notificationRules: NotificationRules | null;
  /** Secret for GET /ical/users/<email>.ics?token=…; null = no personal export. */
  exportToken: string | null;
  /**
   * The person's own IANA zone: quiet hours, night shifts and times shown to them (wins over their Slack
   * profile's), and nights and weekends in the fairness report. Absent/null = Slack's (fairness: the
   * top-level `timezone`), else the top-level `timezone`.
   */
  timezone?: string | null;
}

/** One rung of a personal notification ladder. */
export type LadderStep =
  | { type: "slack_dm" }
  | { type: "sms" }
  | { type: "call" }
  /** Call, and while the group stays unacknowledged and the call is not answered, call again every `everySeconds`, at most `times` calls. */
  | { type: "call_until_answered"; everySeconds: number; times: number }
  | { type: "wait"; seconds: number };

export interface NotificationRules {
  default: LadderStep[];
  important: LadderStep[];
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
  /** Secret for GET /ical/schedules/<name>.ics?token=…; null = no export. */
  exportToken: string | null;
  /** Slack user group handle (without @) kept equal to who is on call; null = none. */
  userGroup: string | null;
  /** Post "now on call / next" announcements in `channel` (default true when a channel is set). */
  announce: boolean;
  /** Report people's hours on call between 00:00 and 06:00 in their own zone with the calendar check; absent = false. */
  nightWarnings?: boolean;
  /** DM each person this long before each of their shifts (seconds, longest first; [] = off). Default 1 day and 1 hour. */
  reminders: number[];
  /** The handoff summary at the end of a shift: DM outgoing and incoming ("dm"), also the channel, or off. */
  handoff: "dm" | "channel" | "off";
}

export type Weekday = "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";

export type EscalationStep =
  | { type: "wait"; seconds: number }
  | { type: "notify_schedule"; schedule: string; important: boolean }
  | { type: "notify_users"; users: string[]; important: boolean }
  /** One user per alert group, rotating across groups. */
  | { type: "notify_round_robin"; users: string[]; important: boolean }
  /** The members of a Slack user group (handle without @, or an S… id). */
  | { type: "notify_user_group"; group: string; important: boolean }
  /** An @here / @channel mention in the alert's channel. */
  | { type: "notify_channel"; mention: "here" | "channel" }
  | { type: "webhook"; url: string; timeoutSeconds: number; retries: number }
  | { type: "resolve" }
  | { type: "repeat"; times: number }
  /** Continue only inside the window (local wall time in `timezone`, `from` < `to` or overnight when `from` > `to`); otherwise wait for its next start. */
  | { type: "if_time"; from: string; to: string; days: Weekday[]; timezone: string }
  /** Continue only if the group received more than `count` alerts in the last `withinSeconds`. */
  | { type: "if_alerts"; count: number; withinSeconds: number };

export interface EscalationChainConfig {
  name: string;
  steps: EscalationStep[];
  /**
   * `ack_timeout`: a group acknowledged and still firing after `afterSeconds` asks the acknowledger
   * "still on it?"; no answer within `answerWithinSeconds` unacknowledges it (the chain starts again).
   * Left out: acknowledgements last until resolved.
   */
  ackTimeout?: AckTimeout | null;
}

export interface AckTimeout {
  afterSeconds: number;
  answerWithinSeconds: number;
}

export type MatcherOp = "=" | "!=" | "=~" | "!~";
export interface Matcher {
  name: string;
  op: MatcherOp;
  value: string;
}

/** People named in `access:` and `responders:` lists: calpage users (by email) and Slack user groups. */
export interface PeopleRef {
  /** Emails of users in calpage.yaml (names and aliases are resolved to emails when the config is read). */
  emails: string[];
  /** Slack user groups: handles without @ (`sre-leads`) or ids (`S0123ABCD`). */
  userGroups: string[];
}

/** Who may do what (see README "Access control"). */
export interface AccessConfig {
  /** May do everything: unresolve, silence forever, maintenance, important pages, others' overrides, the audit trail. */
  admins: PeopleRef;
  /** Act on alert groups (ack, resolve, silence up to `maxSilenceSeconds`…); null = every user in calpage.yaml. */
  responders: PeopleRef | null;
  /** The longest silence a non-admin may set (default 24h); "forever" and longer are for admins. */
  maxSilenceSeconds: number;
  /** The longest maintenance window anyone may start (default 7d). */
  maxMaintenanceSeconds: number;
  /** How long audit entries are kept (default 400 days). */
  auditRetentionSeconds: number;
}

/** What an API token may do: `read` answers GET requests; `write` also acknowledges, resolves and silences. */
export type ApiScope = "read" | "write";

/** One token of the HTTP API (`api.tokens[]`, README "API"). */
export interface ApiTokenConfig {
  /** Names the token in the audit trail and the log (never the secret itself). */
  name: string;
  /** The bearer secret (at least 24 characters). */
  token: string;
  scope: ApiScope;
  /** Email of the calpage user whose rights the token's write actions use; required for `write`, null for a read token without one. */
  as: string | null;
}

/** The HTTP API under /api/v1. */
export interface ApiConfig {
  tokens: ApiTokenConfig[];
}

/** `outgoing_webhooks[]` on an integration or a route: POSTs of group events, signed with `secret`. */
export interface OutgoingWebhookConfig {
  url: string;
  /** The group events sent (default: all of them). */
  events: GroupEventName[];
  /** Signs each request (HMAC-SHA256); never sent, never logged. */
  secret: string;
  timeoutSeconds: number;
  /** Further attempts after the first fails (network error, timeout, 5xx, 408, 429). */
  retries: number;
  /** Extra static request headers; never the X-Calpage-* or content-type ones. */
  headers: Record<string, string>;
}

export interface RouteConfig {
  /** All must match (AND). An empty list matches everything. */
  matchers: Matcher[];
  /** Who acts on this route's alert groups; null = the integration's, else `access.responders`. */
  responders: PeopleRef | null;
  chain: string | null;
  channel: string | null;
  /** False: alert groups of this route are stored and escalated but not posted in a channel. */
  postToSlack: boolean;
  /** Told of this route's groups' events, besides the integration's own hooks. */
  outgoingWebhooks: OutgoingWebhookConfig[];
}

/** Where a webhook integration finds things in arbitrary JSON (dotted paths like `data.alert.name`). */
export interface WebhookMappingConfig {
  title?: string;
  message?: string;
  groupingKey?: string;
  severity?: string;
  resolveWhen?: { path: string; equals: string };
}

/**
 * `formatted_webhook` and `grafana` are Grafana OnCall's URL kinds of the same names (senders moved from
 * Grafana OnCall keep their URLs); `pagerduty` takes PagerDuty Events API v2 events.
 */
export type IntegrationType = "alertmanager" | "grafana_alerting" | "webhook" | "formatted_webhook" | "grafana" | "pagerduty";

export interface IntegrationConfig {
  name: string;
  type: IntegrationType;
  /** The secret in the URL; null in a freshly parsed config when calpage.yaml leaves it out (generated at start, see resolve-integration-tokens.ts). */
  token: string | null;
  /** Checked in order; first match wins. The integration's own chain/channel is the default route, always last. */
  routes: RouteConfig[];
  chain: string | null;
  channel: string | null;
  postToSlack: boolean;
  /** Webhook integrations only; null = defaults (title, message, alert_uid, …). */
  mapping: WebhookMappingConfig | null;
  /** Expected heartbeat interval; null = no heartbeat monitoring. */
  heartbeatSeconds: number | null;
  /** Accepted alerts per minute before answering 429 (default 6000). */
  rateLimitPerMinute: number;
  /** Who acts on this integration's alert groups (routes may narrow it); null = `access.responders`. */
  responders: PeopleRef | null;
  /** Told of the events of every group of this integration, whatever its route. */
  outgoingWebhooks: OutgoingWebhookConfig[];
  /**
   * Liquid templates by surface (`slack_title`, `slack_body`, `sms`, `voice`, `webhook_body`), each
   * checked when the config is read (see src/templates); a surface left out keeps the default text.
   * Left out when the integration has none.
   */
  templates?: MessageTemplates;
}

export interface PagingLimits {
  /** Per phone number, within `windowSeconds`; the rest is bundled into one "N more alerts" message. */
  smsPerWindow: number;
  callsPerWindow: number;
  windowSeconds: number;
}

/**
 * A storm into one channel: from `threshold` new alert groups within `windowSeconds` in one
 * channel, the channel gets one storm summary message, kept up to date, listing its new groups
 * (see src/slack/storm-handler.ts).
 */
export interface StormSettings {
  threshold: number;
  windowSeconds: number;
}

export interface TwilioEnv {
  accountSid: string | null;
  authToken: string | null;
  fromNumber: string | null;
  apiUrl: string | null;
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
  /** Team-wide ladders for users without their own. */
  notificationRules: NotificationRules;
  paging: PagingLimits;
  /** Storm summaries per channel; null = off (`storm: off`). */
  storm: StormSettings | null;
  access: AccessConfig;
  /** `api:`; no tokens = every /api/v1 request but the OpenAPI document is refused. */
  api: ApiConfig;
  /**
   * Problems that do not stop calpage (printed by `calpage validate` and at start), e.g. a ladder
   * the paging limits would cut. Left out = none.
   */
  warnings?: ConfigProblem[];
  /** Environment-derived settings. */
  env: {
    databaseUrl: string | null;
    /** SQLite file used when databaseUrl is null. */
    sqlitePath: string;
    /** SHUTDOWN_GRACE: how long SIGTERM waits for requests and jobs in progress (ms). */
    shutdownGraceMs: number;
    port: number;
    /** Address the HTTP server binds to (HOST); null = every interface. */
    host: string | null;
    /** METRICS_TOKEN: when set, /metrics needs `Authorization: Bearer <it>`. */
    metricsToken: string | null;
    /** METRICS_PORT: when set, /metrics is served only there (bound to metricsHost), not on `port`. */
    metricsPort: number | null;
    /** METRICS_HOST: bind address of the metrics port (default 127.0.0.1). */
    metricsHost: string;
    /** HEARTBEAT_URL: pinged (GET) every minute while the job runner is healthy; null = no outbound heartbeat. May hold a secret. */
    heartbeatUrl: string | null;
    /** LOG_LEVEL: the least important lines `calpage start` writes (default info). */
    logLevel: "debug" | "info" | "warn" | "error";
    /** LOG_FORMAT: json or pretty; null = pretty on a terminal, JSON otherwise. */
    logFormat: "json" | "pretty" | null;
    publicUrl: string;
    /** PUBLIC_URL was set (publicUrl is not the localhost default): links to calpage's pages go into Slack messages. */
    publicUrlSet: boolean;
    /** WEB_LINK_TTL: how long a `/oncall web` link and the session it opens last (default 12 h). */
    webLinkTtlSeconds: number;
    /** SLACK_CLIENT_ID and SLACK_CLIENT_SECRET: "Sign in with Slack" (OpenID Connect) on the web view; null = links only. */
    slackSignIn: { clientId: string; clientSecret: string } | null;
    slack: SlackEnv;
    twilio: TwilioEnv;
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
