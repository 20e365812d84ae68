import { GROUP_EVENTS } from "../alerts/group-events.js";
import { parseDuration } from "../shared/duration.js";
import type { EscalationStep, IntegrationType, LadderStep } from "./config-types.js";

/**
 * The shape of `calpage.yaml` in one declarative place: for each section its keys (in the order
 * messages list them), each key's kind, required-ness, a one-line description and its default.
 *
 * Two readers use it:
 * - the validator (parse-config.ts, validate-*.ts): the keys a mapping may have (unknown keys and
 *   their did-you-mean come from here), which keys are required, enum values (integration types,
 *   step types, ladder rungs), integer bounds and defaults;
 * - the JSON Schema generator (config-schema.ts, `npm run schema` -> calpage.schema.json), so editors
 *   complete and check keys.
 *
 * The validator stays the authority: it checks what a schema cannot (references between sections,
 * time zones, token reuse, duration bounds…) with its `file:line: path: message` errors.
 * The schema only ever accepts more than the validator, never less.
 *
 * Adding a key is one line in the section's `object({...})`, e.g. in INTEGRATION:
 *   templates: optional(anything(), "Liquid templates for this integration's messages"),
 * and then `npm run schema`. Validate the value in the section's validator as before.
 */

/** One value's kind. */
export type Shape =
  /**
   * Text. `pattern` (anchored) is checked after trimming; `${VAR}` references are always accepted.
   * `expectation` completes "expected …" when the pattern fails (the validator's words where it has them).
   */
  | { kind: "string"; pattern?: RegExp; expectation?: string; examples?: readonly string[] }
  /** A duration like 5m or 1h30m (text). `min`/`max` are checked by the validator and named in the description. */
  | { kind: "duration"; min?: string; max?: string }
  | { kind: "integer"; min: number; max?: number }
  /** Any YAML number. */
  | { kind: "number" }
  | { kind: "boolean" }
  /** Exactly one of `values` (text); each with a one-line description. */
  | { kind: "enum"; values: Readonly<Record<string, string>> }
  /** Exactly this YAML value (like `storm: off`). */
  | { kind: "const"; value: string | boolean }
  /** No value: `- slack_dm:` with nothing after the colon. */
  | { kind: "null" }
  /** A list; with `single`, one item may stand for a one-item list (`aliases: ali`). */
  | { kind: "list"; items: Shape; minItems?: number; single?: boolean }
  | { kind: "object"; keys: Readonly<Record<string, Field>> }
  /** Any of these forms (a short string form and a long mapping form, …). */
  | { kind: "anyOf"; options: readonly Shape[] }
  /** A step: a mapping with exactly one of `variants` as its key (plus `important` where allowed), or a bare name. */
  | { kind: "oneKey"; variants: Readonly<Record<string, Variant>> }
  /** Anything: checked only by its validator. */
  | { kind: "anything" };

export type ObjectShape = Extract<Shape, { kind: "object" }>;

export interface Field {
  shape: Shape;
  description: string;
  required: boolean;
  /** The value used when the key is left out, as written in YAML. */
  default?: string | number | boolean;
}

export interface Variant {
  /** The value after the key. */
  value: Shape;
  description: string;
  /** The value may be left out: `- resolve:` (or `- resolve` when `bare`). */
  valueOptional?: boolean;
  /** May be written as a bare word in the list: `- resolve`. */
  bare?: boolean;
  /** Takes `important: true`. */
  important?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Builders

export const required = (shape: Shape, description: string): Field => ({ shape, description, required: true });
export const optional = (shape: Shape, description: string, dflt?: string | number | boolean): Field =>
  dflt === undefined ? { shape, description, required: false } : { shape, description, required: false, default: dflt };
export const object = (keys: Record<string, Field>): ObjectShape => ({ kind: "object", keys });
export const text = (pattern?: RegExp, options: { expectation?: string; examples?: readonly string[] } = {}): Shape => ({
  kind: "string",
  ...(pattern ? { pattern } : {}),
  ...options,
});
export const duration = (min?: string, max?: string): Shape => ({ kind: "duration", ...(min ? { min } : {}), ...(max ? { max } : {}) });
export const integer = (min: number, max?: number): Shape => (max === undefined ? { kind: "integer", min } : { kind: "integer", min, max });
export const bool = (): Shape => ({ kind: "boolean" });
export const list = (items: Shape, options: { minItems?: number; single?: boolean } = {}): Shape => ({ kind: "list", items, ...options });
export const anyOf = (...options: Shape[]): Shape => ({ kind: "anyOf", options });
export const anything = (): Shape => ({ kind: "anything" });
/** The variants of a step kind that may be written as a bare word, as an enum. */
export const bareWords = (shape: { variants: Readonly<Record<string, Variant>> }): Shape => ({
  kind: "enum",
  values: Object.fromEntries(Object.entries(shape.variants).filter(([, v]) => v.bare === true).map(([name, v]) => [name, v.description])),
});

// ---------------------------------------------------------------------------------------------
// Value kinds shared by several sections (patterns the validator uses too)

export const NAME_RE = /^[a-z0-9][a-z0-9_-]*$/;
export const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const SLACK_ID_RE = /^[UW][A-Z0-9]+$/;
export const CHANNEL_RE = /^(?:[CG][A-Z0-9]{2,}|#[^\s#,A-Z]{1,80})$/;
/** Secrets in URLs (integration and export tokens); the validator also needs 16 characters and refuses example values. */
export const TOKEN_RE = /^[A-Za-z0-9_-]+$/;
export const TOKEN_MIN_LENGTH = 16;
export const NAME_EXPECTATION = "a lower-case name like primary (letters a-z, digits, - and _)";
export const CHANNEL_EXPECTATION = 'a Slack channel like "#oncall" (quoted; lower-case) or a channel id like C0123ABCD';
export const FEED_EXPECTATION = "a calendar feed: an https:// or webcal:// URL, or a file path like ./oncall.ics";

/** Unanchored: any text that is not blank. */
const NONBLANK_RE = /\S/;
const NONBLANK = text(NONBLANK_RE, { expectation: "a non-empty text" });
const NAME = text(NAME_RE, { expectation: NAME_EXPECTATION, examples: ["primary"] });
const ZONE = text(undefined, { examples: ["Europe/Berlin", "America/New_York", "UTC"] });
const CHANNEL = text(CHANNEL_RE, { expectation: CHANNEL_EXPECTATION, examples: ["#oncall"] });
const SECRET = text(new RegExp(`^[A-Za-z0-9_-]{${TOKEN_MIN_LENGTH},}$`), {
  expectation: `a secret of at least ${TOKEN_MIN_LENGTH} characters of A-Z, a-z, 0-9, _ and -, like \${AM_TOKEN}`,
});
/** What the validator keeps after dropping spaces, dashes and brackets: + and 8 to 15 digits. */
const PHONE = text(/^[\s().-]*\+(?:[\s().-]*\d){8,15}[\s().-]*$/, {
  expectation: 'a phone number in E.164 form like "+4915112345678" (a + and 8 to 15 digits; quote it)',
  examples: ["+4915112345678"],
});
/** https://, http://, webcal://, file:// URLs or a path without a scheme. */
const FEED = text(/^(?:(?:[Hh][Tt][Tt][Pp][Ss]?|[Ww][Ee][Bb][Cc][Aa][Ll]|[Ff][Ii][Ll][Ee]):\/\/.+|(?![A-Za-z][A-Za-z0-9+.-]*:\/\/).+)$/, {
  expectation: FEED_EXPECTATION,
  examples: ["./oncall.ics"],
});
const HTTP_URL = text(/^[Hh][Tt][Tt][Pp][Ss]?:\/\/[^/\s].*$/, {
  expectation: "an http:// or https:// URL like https://hooks.example.com/page",
  examples: ["https://hooks.example.com/page"],
});
const USER_GROUP = text(/^@?[A-Za-z0-9][A-Za-z0-9._-]*$/, {
  expectation: "a Slack user group handle like oncall-db (letters, digits, ., _ and -) or a user group id like S0123ABCD",
  examples: ["oncall-db"],
});
const JSON_PATH = text(undefined, { examples: ["data.alert.name"] });
/** Users of calpage.yaml (email, name or alias) and Slack user groups (@handle or S… id). */
const PEOPLE = anyOf(NONBLANK, list(NONBLANK));
const MATCHERS = anyOf(text(), list(text()));

// ---------------------------------------------------------------------------------------------
// Sections

/** `call_until_answered: {every, times}` bounds, shared with `/oncall me rules`. */
export const CALL_UNTIL_ANSWERED = object({
  every: optional(duration("5s"), "pause after an unanswered call before the next one (at least 5s)", "2m"),
  times: optional(integer(1, 20), "at most this many calls (1 to 20)", 5),
});

const noValue: Shape = { kind: "null" };

/** The rungs of a personal notification ladder. */
export const LADDER_STEP: { kind: "oneKey"; variants: Readonly<Record<LadderStep["type"], Variant>> } = {
  kind: "oneKey",
  variants: {
    slack_dm: { value: noValue, valueOptional: true, bare: true, description: "a direct message in Slack" },
    sms: { value: noValue, valueOptional: true, bare: true, description: "a text message (needs the person's phone and Twilio)" },
    call: { value: noValue, valueOptional: true, bare: true, description: "a phone call; the next rung runs at once" },
    call_until_answered: {
      value: CALL_UNTIL_ANSWERED,
      valueOptional: true,
      bare: true,
      description: "call until a key of the call's menu is pressed; empty: every 2m, 5 times",
    },
    wait: { value: duration("1s"), description: "pause before the next rung, like 2m" },
  },
};

/** A ladder: a list of rungs, or one bare rung. */
const LADDER = anyOf(bareWords(LADDER_STEP), list(LADDER_STEP, { minItems: 1 }));

export const NOTIFICATION_RULES = object({
  default: optional(LADDER, "the ladder for ordinary notify steps, like [slack_dm, {wait: 2m}, call]", "slack_dm"),
  important: optional(LADDER, "the ladder for notify steps with important: true", "slack_dm"),
});

export const USER = object({
  email: required(text(EMAIL_RE, { expectation: "an email address like alice@example.com", examples: ["alice@example.com"] }), "the person's email; also how calpage finds them in Slack"),
  name: required(NONBLANK, "the person's name, shown in Slack messages"),
  aliases: optional(list(NONBLANK, { single: true }), "other ways the name is written in calendars, like [ali, alice]"),
  phone: optional(PHONE, 'E.164 number for SMS and calls; quote it: "+4915112345678"'),
  slack_id: optional(text(SLACK_ID_RE, { expectation: "a Slack member id like U012AB3CD", examples: ["U012AB3CD"] }), "Slack member id like U012AB3CD (skips the lookup by email)"),
  slack_handle: optional(text(/^@?[^\s@]+$/, { expectation: "a Slack handle like alice" }), "Slack handle like alice (a leading @ is dropped)"),
  notification_rules: optional(NOTIFICATION_RULES, "the person's own ladders; a ladder left out is the team-wide one"),
  export_token: optional(SECRET, "secret of the personal calendar export URL (at least 16 of A-Z a-z 0-9 _ -)"),
  timezone: optional(ZONE, "IANA time zone for quiet hours, night-shift warnings, the fairness report's nights and weekends, and times shown to the person (default for quiet hours and times shown: their Slack profile's; else the top-level timezone)"),
});

export const SCHEDULE = object({
  name: required(NAME, "unique lower-case name (a-z, 0-9, - and _); escalation steps refer to it"),
  feed: required(FEED, "an https:// or webcal:// URL of an iCal feed, or a file path relative to this file"),
  overrides_feed: optional(FEED, "a second feed whose events win over the feed's (same forms as feed)"),
  timezone: optional(ZONE, "IANA time zone for floating and all-day times (default: the top-level timezone)"),
  channel: optional(CHANNEL, 'Slack channel for announcements and warnings: "#name" (quoted) or an id like C0123ABCD'),
  refresh: optional(duration("30s"), "how often the feed is read again (at least 30s)", "5m"),
  export_token: optional(SECRET, "secret of the schedule's calendar export URL (at least 16 of A-Z a-z 0-9 _ -)"),
  user_group: optional(USER_GROUP, "Slack user group handle kept equal to who is on call"),
  announce: optional(bool(), 'post "now on call / next" in the channel (default: true when a channel is set; needs one)'),
  night_warnings: optional(bool(), "add to the calendar check (at change and weekly) each person's hours on call between 00:00 and 06:00 in their own time zone over the next 14 days (default: true when the schedule has a channel; false turns it off)"),
  reminders: optional(
    anyOf(list(duration("1m", "14d"), { single: true }), { kind: "const", value: "off" }, { kind: "const", value: false }),
    "DM each person this long before their shift, like [1d, 1h] (the default), or off; people may choose their own with /oncall me reminders",
  ),
  handoff: optional(
    { kind: "enum", values: { dm: "DM the outgoing and the incoming person", channel: "DM them and post it in the schedule's channel", off: "no handoff summary" } },
    "the summary at the end of each shift (groups, pages, what is still open)",
    "dm",
  ),
});

export const WEBHOOK_STEP = object({
  url: required(HTTP_URL, "http:// or https:// URL the alert group is POSTed to as JSON"),
  timeout: optional(duration("1s", "1m"), "how long one try may take (1s to 1m)", "10s"),
  retries: optional(integer(0, 10), "tries after the first fails (0 to 10)", 3),
});

const TIME_OF_DAY = text(/^\d{1,2}:\d{2}$/, { expectation: 'a time of day from 00:00 to 24:00 like "09:00" (quoted)', examples: ["09:00"] });
export const IF_TIME_WINDOW = object({
  from: required(TIME_OF_DAY, 'start, a quoted time of day like "09:00"'),
  to: required(TIME_OF_DAY, 'end, a quoted time of day like "17:00" (before from: overnight)'),
  days: optional(anyOf(text(), list(text(), { minItems: 1 })), "days like [mon, tue] or mon-fri (default: every day)"),
  timezone: optional(ZONE, "IANA time zone (default: the top-level timezone)"),
});

export const IF_ALERTS = object({
  count: required(integer(0), "more than this many new alerts…"),
  within: required(duration("1s"), "…within this time span, like 10m"),
});

/** The steps of an escalation chain. */
export const ESCALATION_STEP: { kind: "oneKey"; variants: Readonly<Record<EscalationStep["type"], Variant>> } = {
  kind: "oneKey",
  variants: {
    wait: { value: duration("1s"), description: "pause before the next step, like 5m" },
    notify_schedule: { value: NONBLANK, important: true, description: "page whoever is on call in this schedule (its name)" },
    notify_users: { value: anyOf(NONBLANK, list(NONBLANK, { minItems: 1 })), important: true, description: "page these users (email, name or alias)" },
    notify_round_robin: {
      value: anyOf(NONBLANK, list(NONBLANK, { minItems: 1 })),
      important: true,
      description: "page one of these users per alert group, taking turns",
    },
    notify_user_group: { value: USER_GROUP, important: true, description: "page the members of a Slack user group (handle or S… id)" },
    notify_channel: { value: text(/^@?(?:[Hh][Ee][Rr][Ee]|[Cc][Hh][Aa][Nn][Nn][Ee][Ll])$/, { expectation: "here or channel", examples: ["here", "channel"] }), description: "@here or @channel in the alert's channel" },
    webhook: { value: anyOf(HTTP_URL, WEBHOOK_STEP), description: "POST the alert group as JSON to a URL, or {url, timeout: 10s, retries: 3}" },
    resolve: { value: { kind: "const", value: true }, valueOptional: true, bare: true, description: "resolve the alert group; must be the last step" },
    repeat: { value: integer(1), valueOptional: true, bare: true, description: "start over from the first step, this many times (empty: 3); must be the last step" },
    if_time: {
      value: anyOf(text(/^.*\d{1,2}\s*:\s*\d{2}.*$/, { expectation: 'a time window like "09:00-17:00 mon-fri Europe/Berlin"', examples: ["09:00-17:00 mon-fri"] }), IF_TIME_WINDOW),
      description: 'continue only inside a time window like "09:00-17:00 mon-fri Europe/Berlin"',
    },
    if_alerts: {
      value: anyOf(text(/^\S+\s+(?:[Aa][Ll][Ee][Rr][Tt][Ss]?\s+)?[Ii][Nn]\s+.+$/, { expectation: 'an alert count like "5 in 10m"', examples: ["5 in 10m"] }), IF_ALERTS),
      description: 'continue only if more than N new alerts came within a time span: "5 in 10m" or {count: 5, within: 10m}',
    },
  },
};

export const ACK_TIMEOUT = object({
  after: required(duration("1s", "7d"), "how long after an acknowledgement calpage asks \"still on it?\" while the group fires"),
  answer_within: optional(duration("1s", "1d"), "no answer within this unacknowledges the group (the chain starts again)", "5m"),
});

export const ESCALATION_CHAIN = object({
  name: required(NAME, "unique lower-case name; integrations and routes refer to it"),
  steps: required(list(ESCALATION_STEP, { minItems: 1 }), "the steps, run top to bottom until someone acknowledges"),
  ack_timeout: optional(anyOf(duration("1s", "7d"), ACK_TIMEOUT), 'ask the acknowledger "still on it?" after this long (30m, or {after: 30m, answer_within: 5m}); off unless set'),
});

export const INTEGRATION_TYPES: Readonly<Record<IntegrationType, string>> = {
  alertmanager: "Prometheus Alertmanager webhook_configs",
  grafana_alerting: "Grafana Alerting webhook contact point",
  webhook: "any JSON body (see mapping)",
  formatted_webhook: "Grafana OnCall's formatted webhook (title, message, alert_uid, state)",
  grafana: "what Grafana OnCall's grafana URL took (Grafana Alerting or legacy alerting)",
  pagerduty: "PagerDuty Events API v2 events",
};

export const RESOLVE_WHEN = object({
  path: required(JSON_PATH, "JSON path of the field to compare"),
  equals: required(anyOf(NONBLANK, { kind: "number" }, bool()), "the value that means resolved, like resolved"),
});

export const MAPPING = object({
  title: optional(JSON_PATH, "JSON path of the alert's title, like data.alert.name"),
  message: optional(JSON_PATH, "JSON path of the alert's message"),
  grouping_key: optional(JSON_PATH, "JSON path of the value that groups alerts (same value, one group)"),
  severity: optional(JSON_PATH, "JSON path of the alert's severity"),
  resolve_when: optional(RESOLVE_WHEN, "when an alert is resolved, like {path: data.state, equals: resolved}"),
});

export const OUTGOING_WEBHOOK = object({
  url: required(text(/^https?:\/\/\S+$/, { expectation: "an http:// or https:// URL like https://tickets.example.com/calpage" }), "where group events are POSTed"),
  events: optional(list({ kind: "enum", values: Object.fromEntries(GROUP_EVENTS.map((e) => [e, `alert group ${e}`])) }), "the events sent (default: all)"),
  secret: required(text(/^\S{16,}$/, { expectation: "a secret of at least 16 characters (usually ${WEBHOOK_SECRET})" }), "signs each request (HMAC-SHA256)"),
  timeout: optional(duration("1s", "30s"), "how long to wait for an answer", "10s"),
  retries: optional(integer(0, 10), "further attempts after a failure (network error, timeout, 5xx, 408, 429)", 5),
  headers: optional(anything(), "extra static request headers: {Name: value}"),
});
const OUTGOING_WEBHOOKS = list(OUTGOING_WEBHOOK);

/** `templates:` of an integration; the keys are TEMPLATE_SURFACES (a test keeps them equal). */
export const TEMPLATES = object({
  slack_title: optional(text(), "Liquid template of the Slack title (plain text, 150 characters)"),
  slack_body: optional(text(), "Liquid template of the Slack message body (mrkdwn; values escaped; 3000 characters)"),
  sms: optional(text(), "Liquid template of an SMS page's text (cut to fit one SMS)"),
  voice: optional(text(), "Liquid template of what a call says (500 characters)"),
  webhook_body: optional(text(), "Liquid template of the outgoing webhooks' JSON body (must render valid JSON)"),
});

export const ROUTE = object({
  matchers: optional(MATCHERS, `Alertmanager matchers, all must match: ['severity="critical"', 'team=~"db|infra"']`),
  chain: optional(text(), "escalation chain for this route (default: the integration's)"),
  channel: optional(CHANNEL, "Slack channel for this route (default: the integration's)"),
  post_to_slack: optional(bool(), "false: escalate but do not post in a channel (default: the integration's)"),
  responders: optional(PEOPLE, "who acts on these alert groups (default: the integration's)"),
  outgoing_webhooks: optional(OUTGOING_WEBHOOKS, "POST this route's group events (with the integration's)"),
});

export const INTEGRATION = object({
  name: required(NAME, "unique lower-case name (renaming gives a generated token a new value)"),
  type: required({ kind: "enum", values: INTEGRATION_TYPES }, "what sends to it, which sets its URL and payload format"),
  token: optional(SECRET, "the secret in the URL (at least 16 of A-Z a-z 0-9 _ -); left out or empty: generated"),
  chain: optional(text(), "escalation chain for alerts no route catches"),
  channel: optional(CHANNEL, "Slack channel the alert messages go to"),
  routes: optional(list(ROUTE), "checked top to bottom; the first route whose matchers all match wins"),
  post_to_slack: optional(bool(), "false: alert groups are escalated but not posted in a channel", true),
  mapping: optional(MAPPING, "type: webhook only: where title, message, grouping key, severity and resolved are in the JSON"),
  heartbeat: optional(duration("5s"), "expect an alert at least this often; silence for longer is reported"),
  rate_limit: optional(integer(1), "new or changed alerts accepted per minute before answering 429", 6000),
  responders: optional(PEOPLE, "who acts on these alert groups (default: access.responders)"),
  outgoing_webhooks: optional(OUTGOING_WEBHOOKS, "POST group events (opened, acknowledged, resolved…) to ticketing or status pages, signed"),
  templates: optional(TEMPLATES, "Liquid templates for what this integration's alerts say in Slack, SMS, calls and webhook bodies"),
});

export const PAGING = object({
  sms_per_window: optional(integer(1), "texts per phone number within the window", 5),
  calls_per_window: optional(integer(1), "calls per phone number within the window", 3),
  window: optional(duration("10s"), "the window of the limits (at least 10s)", "15m"),
});

export const STORM = object({
  threshold: optional(integer(2, 100_000), "new alert groups within the window in one channel that make a storm", 5),
  window: optional(duration("10s", "1h"), "the window (10s to 1h)", "1m"),
});

export const ACCESS = object({
  admins: optional(PEOPLE, "may do everything: unresolve, silence forever, maintenance, important pages, others' overrides, the audit trail"),
  responders: optional(PEOPLE, "act on alert groups (default: every user)"),
  max_silence: optional(duration("1m"), "the longest silence a non-admin may set", "24h"),
  max_maintenance: optional(duration("1m"), "the longest maintenance window anyone may start", "7d"),
  audit_retention: optional(duration("1d"), "how long audit entries are kept", "400d"),
});

export const API_TOKEN = object({
  name: required(NAME, "unique lower-case name; the audit trail shows it"),
  token: required(text(/^[A-Za-z0-9_-]{24,}$/, { expectation: "at least 24 of A-Z a-z 0-9 _ - (usually ${API_TOKEN})" }), "the bearer secret (at least 24 characters)"),
  scope: required({ kind: "enum", values: { read: "GET requests only", write: "also acknowledge, resolve and silence" } }, "read or write"),
  as: optional(NONBLANK, "the calpage user a write token acts as (email, name or alias); their access rules apply"),
});

export const API = object({
  tokens: optional(list(API_TOKEN), "bearer tokens for /api/v1"),
});

export const CONFIG = object({
  timezone: optional(ZONE, "IANA time zone for schedules without their own and floating calendar times", "UTC"),
  users: required(list(USER), "everyone who can be on call or paged (may be empty: users: [])"),
  schedules: optional(list(SCHEDULE), "who is on call, read from iCal feeds"),
  escalation_chains: optional(list(ESCALATION_CHAIN), "what happens, step by step, until someone acknowledges"),
  integrations: optional(list(INTEGRATION), "where alerts come in; each has its own URL"),
  notification_rules: optional(NOTIFICATION_RULES, "team-wide ladders for people without their own (default: a Slack DM)"),
  paging: optional(PAGING, "limits per phone number so an alert storm does not flood anyone"),
  storm: optional(anyOf(STORM, { kind: "const", value: "off" }, { kind: "const", value: false }), "one summary message per channel when many new alert groups arrive at once, or off"),
  access: optional(ACCESS, "who may do what (README, Access control)"),
  api: optional(API, "tokens for the HTTP API /api/v1 (README, API)"),
});

// ---------------------------------------------------------------------------------------------
// Readers for the validator

/** The keys a mapping may have, in the order messages list them. */
export function keysOf(shape: ObjectShape): string[] {
  return Object.keys(shape.keys);
}

/** Whether `key` of `shape` must be given. */
export function isRequired(shape: ObjectShape, key: string): boolean {
  const field = shape.keys[key];
  if (field === undefined) throw new Error(`config-shape: no key ${key}`);
  return field.required;
}

/** A field's integer bounds and default, for Checker.integer. */
export function integerField(shape: ObjectShape, key: string): { min: number; max?: number; default: number | null } {
  const field = shape.keys[key];
  if (field?.shape.kind !== "integer") throw new Error(`config-shape: ${key} is not an integer`);
  const { min, max } = field.shape;
  const dflt = typeof field.default === "number" ? field.default : null;
  return max === undefined ? { min, default: dflt } : { min, max, default: dflt };
}

/** A duration field's bounds and default, in seconds (null: no default). */
export function durationField(shape: ObjectShape, key: string): { min: number; max?: number; default: number | null } {
  const field = shape.keys[key];
  if (field?.shape.kind !== "duration") throw new Error(`config-shape: ${key} is not a duration`);
  const seconds = (text: string | undefined): number | null => (text === undefined ? null : parseDuration(text));
  const min = seconds(field.shape.min) ?? 0;
  const max = seconds(field.shape.max);
  const dflt = typeof field.default === "string" ? seconds(field.default) : null;
  return max === null ? { min, default: dflt } : { min, max, default: dflt };
}

/** A field's default, which it must have. */
export function defaultOf<T extends { default: number | null }>(field: T): number {
  if (field.default === null) throw new Error("config-shape: the field has no default");
  return field.default;
}

/** The names of a step kind's variants, in order; `which` picks those that may be bare or take important. */
export function variantNames<T extends string>(shape: { variants: Readonly<Record<T, Variant>> }, which?: "bare" | "important"): T[] {
  const names = Object.keys(shape.variants) as T[];
  return which === undefined ? names : names.filter((name) => shape.variants[name][which] === true);
}
