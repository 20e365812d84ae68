import { sql } from "drizzle-orm";
import { bigint, index, integer, ms, primaryKey, serial, table, text, uniqueIndex } from "./table-spec.js";

/*
 * Every table both backends have, written once. src/store/sqlite/schema.ts and
 * src/store/pg/schema.ts build each into its dialect's drizzle table (one line each), and
 * `npm run db:generate` writes the migrations from those. Times are epoch milliseconds and
 * JSON is text on both, so one set of repository queries (src/store/repositories) serves
 * SQLite and Postgres alike; what each column kind becomes per dialect is in table-spec.ts.
 *
 * Adding a table: define it here with `table(...)`, add
 * `export const x = sqliteTableFrom(tables.x)` / `pgTableFrom(tables.x)` to both schema files
 * (src/store/schema/tables.test.ts fails until both have it), run `npm run db:generate`.
 */

export const alertGroups = table(
  "alert_groups",
  {
    id: text("id").primaryKey(),
    number: integer("number").notNull(),
    integration: text("integration").notNull(),
    groupingKey: text("grouping_key").notNull(),
    state: text("state").notNull(),
    title: text("title").notNull(),
    message: text("message"),
    severity: text("severity"),
    labels: text("labels").notNull(),
    links: text("links").notNull(),
    silenceUrl: text("silence_url"),
    chain: text("chain"),
    chainSteps: text("chain_steps").notNull(),
    channel: text("channel"),
    /** Distinct alerts in the group (by identity, see src/alerts/alert-identity.ts), firing or resolved. */
    alertCount: integer("alert_count").notNull(),
    /** Of those, how many are firing. */
    firingCount: integer("firing_count").notNull().default(0),
    /** Alerts the source said it left out of its latest delivery (Alertmanager truncatedAlerts) plus any over calpage's own cap. */
    truncatedAlerts: integer("truncated_alerts").notNull().default(0),
    firstAlertAt: ms("first_alert_at").notNull(),
    lastAlertAt: ms("last_alert_at").notNull(),
    acknowledgedBy: text("acknowledged_by"),
    acknowledgedAt: ms("acknowledged_at"),
    resolvedBy: text("resolved_by"),
    resolvedAt: ms("resolved_at"),
    silencedBy: text("silenced_by"),
    silencedUntil: ms("silenced_until"),
    slackChannelId: text("slack_channel_id"),
    slackTs: text("slack_ts"),
    escalation: text("escalation").notNull(),
    /** escalation.nextAt while the escalation is active, for the reconcile sweep. */
    escalationDueAt: ms("escalation_due_at"),
    createdAt: ms("created_at").notNull(),
    updatedAt: ms("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("alert_groups_number").on(t.number),
    uniqueIndex("alert_groups_open_key").on(t.integration, t.groupingKey).where(sql`state <> 'resolved'`),
    index("alert_groups_state").on(t.state),
    index("alert_groups_escalation_due").on(t.escalationDueAt),
    /** New groups a minute per channel: what starts a storm summary. */
    index("alert_groups_channel_created").on(t.channel, t.createdAt),
  ],
);

export const alerts = table(
  "alerts",
  {
    id: text("id").primaryKey(),
    groupId: text("group_id").notNull(),
    status: text("status").notNull(),
    labels: text("labels").notNull(),
    annotations: text("annotations").notNull(),
    startsAt: text("starts_at"),
    endsAt: text("ends_at"),
    generatorUrl: text("generator_url"),
    fingerprint: text("fingerprint"),
    /** The alert's identity inside its group: one row per alert however often the source re-sends it. */
    alertKey: text("alert_key").notNull().default(""),
    /** When the alert first arrived in the group (what `if_alerts` counts). */
    receivedAt: ms("received_at").notNull(),
    /** When it arrived or last changed between firing and resolved (newest first in Slack). */
    changedAt: ms("changed_at").notNull().default(0),
  },
  (t) => [index("alerts_group").on(t.groupId, t.receivedAt), uniqueIndex("alerts_group_key").on(t.groupId, t.alertKey)],
);

export const logEntries = table(
  "log_entries",
  {
    id: serial("id"),
    groupId: text("group_id").notNull(),
    at: ms("at").notNull(),
    kind: text("kind").notNull(),
    text: text("text").notNull(),
    slackTs: text("slack_ts"),
  },
  (t) => [index("log_entries_group").on(t.groupId, t.id)],
);

export const pages = table(
  "pages",
  {
    id: text("id").primaryKey(),
    groupId: text("group_id").notNull(),
    dedupeKey: text("dedupe_key").notNull(),
    userEmail: text("user_email").notNull(),
    channel: text("channel").notNull(),
    important: integer("important").notNull(),
    state: text("state").notNull(),
    attempts: integer("attempts").notNull(),
    error: text("error"),
    externalRef: text("external_ref"),
    /** For SMS and calls: the number it went to. */
    phone: text("phone"),
    sentAt: ms("sent_at"),
    /** Which ladder rung/attempt produced it (for call results). */
    ladderKey: text("ladder_key"),
    createdAt: ms("created_at").notNull(),
    updatedAt: ms("updated_at").notNull(),
  },
  (t) => [uniqueIndex("pages_dedupe").on(t.dedupeKey), index("pages_group").on(t.groupId), index("pages_phone").on(t.phone, t.channel, t.sentAt)],
);

export const feeds = table(
  "feeds",
  {
    schedule: text("schedule").notNull(),
    kind: text("kind").notNull(),
    source: text("source").notNull(),
    etag: text("etag"),
    lastModified: text("last_modified"),
    fetchedAt: ms("fetched_at"),
    checkedAt: ms("checked_at"),
    error: text("error"),
    errorSince: ms("error_since"),
  },
  (t) => [primaryKey({ columns: [t.schedule, t.kind] })],
);

/**
 * The last good copy of a feed, apart from its refresh state (feeds): a feed is checked every few
 * minutes, and SQLite rewrites a whole row, 20 MB body included, on every update of it.
 */
export const feedBodies = table(
  "feed_bodies",
  {
    schedule: text("schedule").notNull(),
    kind: text("kind").notNull(),
    /** sha256 (hex) of `body`: which copy a stored shift table was computed from, without reading the body; null for copies stored before calpage kept it. */
    bodySha256: text("body_sha256"),
    /** Last, so SQLite reads the columns before it without walking the body's overflow pages. */
    body: text("body").notNull(),
  },
  (t) => [primaryKey({ columns: [t.schedule, t.kind] })],
);

/** The final schedule last computed from the stored feed copies, so `calpage who` answers without parsing them. */
export const scheduleTables = table("schedule_tables", {
  schedule: text("schedule").primaryKey(),
  /** Hash of everything the table depends on (feed hashes, users, zone, Slack overrides, code version); a different key means stale. */
  inputsKey: text("inputs_key").notNull(),
  /** Window the table covers, [window_from, window_to). */
  windowFrom: ms("window_from").notNull(),
  windowTo: ms("window_to").notNull(),
  computedAt: ms("computed_at").notNull(),
  /** The packed shifts (JSON, typed arrays as base64). */
  data: text("data").notNull(),
});

export const counters = table("counters", {
  name: text("name").primaryKey(),
  value: bigint("value").notNull(),
});

/** Shared pacing for rate-limited outbound calls (e.g. one Slack post per second per channel), across processes. */
export const rateSlots = table("rate_slots", {
  key: text("key").primaryKey(),
  nextAt: ms("next_at").notNull(),
});

/** Last heartbeat per integration that expects them. */
export const heartbeats = table("heartbeats", {
  integration: text("integration").primaryKey(),
  lastSeenAt: ms("last_seen_at"),
  startedAt: ms("started_at").notNull(),
});

/** Maintenance windows: alerts are stored and shown but not escalated until `until`. */
export const maintenance = table("maintenance", {
  integration: text("integration").primaryKey(),
  until: ms("until").notNull(),
  startedBy: text("started_by").notNull(),
  startedAt: ms("started_at").notNull(),
});

/** Overrides made in Slack (a taken cover request, /oncall override); they win over every feed. */
export const slackOverrides = table(
  "slack_overrides",
  {
    id: text("id").primaryKey(),
    schedule: text("schedule").notNull(),
    userEmail: text("user_email").notNull(),
    startAt: ms("start_at").notNull(),
    endAt: ms("end_at").notNull(),
    /** The person covered, when it replaces someone; null = takes the whole slot. */
    replacing: text("replacing"),
    source: text("source").notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: ms("created_at").notNull(),
    cancelledAt: ms("cancelled_at"),
  },
  (t) => [index("slack_overrides_schedule").on(t.schedule, t.endAt)],
);

/** Requests for cover posted in a schedule's channel; the first teammate to take one gets an override. */
export const coverRequests = table(
  "cover_requests",
  {
    id: text("id").primaryKey(),
    schedule: text("schedule").notNull(),
    requesterEmail: text("requester_email").notNull(),
    startAt: ms("start_at").notNull(),
    endAt: ms("end_at").notNull(),
    note: text("note"),
    state: text("state").notNull(),
    takenBy: text("taken_by"),
    overrideId: text("override_id"),
    channel: text("channel"),
    slackTs: text("slack_ts"),
    createdAt: ms("created_at").notNull(),
    updatedAt: ms("updated_at").notNull(),
  },
  (t) => [index("cover_requests_schedule").on(t.schedule, t.state)],
);

/** What calpage last announced / synced / reported per schedule, so it says things once. */
export const scheduleState = table("schedule_state", {
  schedule: text("schedule").primaryKey(),
  /** JSON: emails announced as on call. */
  announcedUsers: text("announced_users"),
  announcedAt: ms("announced_at"),
  /** JSON: Slack user ids last written to the schedule's user group. */
  userGroupMembers: text("user_group_members"),
  /** JSON: the shifts seen at the last refresh, to detect swaps made in the calendar. */
  shiftsSnapshot: text("shifts_snapshot"),
  /** Feed health as last announced: "ok" or "failing". */
  feedHealth: text("feed_health"),
  lastReportAt: ms("last_report_at"),
  lastReportHash: text("last_report_hash"),
  /** JSON: each person's turns over the next 14 days as last told to them, to DM what changed. */
  peopleSnapshot: text("people_snapshot"),
  updatedAt: ms("updated_at").notNull(),
});

/**
 * Messages about a person's shift sent by DM (reminders, "shift moved/cancelled", "on call now",
 * handoffs, change summaries), one row each. The row is inserted in the same transaction as the
 * DM's job and the first writer wins, so replicas and restarts send each message once.
 */
export const shiftMessages = table(
  "shift_messages",
  {
    schedule: text("schedule").notNull(),
    email: text("email").notNull(),
    /** reminder, moved, cancelled, start, handoff. */
    kind: text("kind").notNull(),
    /** What makes the message itself (e.g. `<start>|<end>|<offset>` of a reminder). */
    key: text("key").notNull(),
    shiftStart: ms("shift_start").notNull(),
    shiftEnd: ms("shift_end").notNull(),
    sentAt: ms("sent_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.schedule, t.email, t.kind, t.key] }), index("shift_messages_end").on(t.shiftEnd)],
);

/** Shifts already published in the ICS export, so removed ones are kept as CANCELLED with a stable UID. */
export const exportedShifts = table(
  "exported_shifts",
  {
    schedule: text("schedule").notNull(),
    uid: text("uid").notNull(),
    startAt: ms("start_at").notNull(),
    endAt: ms("end_at").notNull(),
    users: text("users").notNull(),
    cancelled: integer("cancelled").notNull(),
    updatedAt: ms("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.schedule, t.uid] })],
);

/** Per-person settings changed in Slack: phone (verified by SMS code), ladders, SMS opt-out, quiet hours. */
export const userSettings = table("user_settings", {
  email: text("email").primaryKey(),
  phone: text("phone"),
  phoneVerifiedAt: ms("phone_verified_at"),
  pendingPhone: text("pending_phone"),
  codeHash: text("code_hash"),
  codeExpiresAt: ms("code_expires_at"),
  codeAttempts: integer("code_attempts").notNull(),
  /** JSON NotificationRules; null = calpage.yaml's. */
  rules: text("rules"),
  smsOptOut: integer("sms_opt_out").notNull(),
  /** Quiet hours `HH:MM` (local time in the person's zone; `to` <= `from` runs overnight); null = none. */
  quietFrom: text("quiet_from"),
  quietTo: text("quiet_to"),
  /** JSON: shift reminders before a shift, in ms ([] = off); null = the schedule's. */
  reminders: text("reminders"),
  updatedAt: ms("updated_at").notNull(),
});

/** One personal ladder run per (group, person): where their default/important ladder stands. */
export const ladderRuns = table(
  "ladder_runs",
  {
    groupId: text("group_id").notNull(),
    userEmail: text("user_email").notNull(),
    important: integer("important").notNull(),
    state: text("state").notNull(),
    steps: text("steps").notNull(),
    updatedAt: ms("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.userEmail] })],
);

/** Passive answers sent to inbound SMS, to bound replies per number (no reply loops). */
export const smsAnswers = table(
  "sms_answers",
  {
    id: text("id").primaryKey(),
    phone: text("phone").notNull(),
    at: ms("at").notNull(),
  },
  (t) => [index("sms_answers_phone").on(t.phone, t.at)],
);

/**
 * The audit trail: every state-changing action from any surface, append-only (a trigger
 * refuses UPDATE; rows leave only through the retention prune).
 */
export const auditLog = table(
  "audit_log",
  {
    id: serial("id"),
    at: ms("at").notNull(),
    /** slack, phone, cli, api, system */
    actorKind: text("actor_kind").notNull(),
    /** Slack user id, the number owner's email, the OS user, the API token's name. */
    actorId: text("actor_id").notNull(),
    actorName: text("actor_name").notNull(),
    /** slack_button, slack_command, slack_form, sms, voice, cli, config, api */
    surface: text("surface").notNull(),
    action: text("action").notNull(),
    target: text("target").notNull(),
    /** done, refused, failed */
    outcome: text("outcome").notNull(),
    reason: text("reason"),
  },
  (t) => [index("audit_log_at").on(t.at), index("audit_log_actor").on(t.actorId, t.at)],
);

/** Secrets calpage made itself (integration tokens left unset in calpage.yaml), kept stable across restarts. */
export const generatedSecrets = table("generated_secrets", {
  name: text("name").primaryKey(),
  value: text("value").notNull(),
  createdAt: ms("created_at").notNull(),
});

/**
 * A storm into one channel (see src/slack/storm-handler.ts): the channel's one summary message
 * for it, listing the channel's groups created from `started_at` minus the storm window. At most
 * one open storm (ended_at null) per channel.
 */
export const stormSummaries = table(
  "storm_summaries",
  {
    id: text("id").primaryKey(),
    channel: text("channel").notNull(),
    startedAt: ms("started_at").notNull(),
    /** From here, groups no longer join it; its message says the storm is over. */
    endedAt: ms("ended_at"),
    slackChannelId: text("slack_channel_id"),
    slackTs: text("slack_ts"),
  },
  (t) => [uniqueIndex("storm_summaries_open").on(t.channel).where(sql`ended_at is null`)],
);
