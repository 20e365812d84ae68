import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

// Times are epoch milliseconds and JSON is text in both backends, so one set of
// repository queries (src/store/repositories) serves SQLite and Postgres alike.

export const alertGroups = sqliteTable(
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
    alertCount: integer("alert_count").notNull(),
    firstAlertAt: integer("first_alert_at").notNull(),
    lastAlertAt: integer("last_alert_at").notNull(),
    acknowledgedBy: text("acknowledged_by"),
    acknowledgedAt: integer("acknowledged_at"),
    resolvedBy: text("resolved_by"),
    resolvedAt: integer("resolved_at"),
    silencedBy: text("silenced_by"),
    silencedUntil: integer("silenced_until"),
    slackChannelId: text("slack_channel_id"),
    slackTs: text("slack_ts"),
    escalation: text("escalation").notNull(),
    /** escalation.nextAt while the escalation is active, for the reconcile sweep. */
    escalationDueAt: integer("escalation_due_at"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("alert_groups_number").on(t.number),
    uniqueIndex("alert_groups_open_key").on(t.integration, t.groupingKey).where(sql`state <> 'resolved'`),
    index("alert_groups_state").on(t.state),
    index("alert_groups_escalation_due").on(t.escalationDueAt),
  ],
);

export const alerts = sqliteTable(
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
    receivedAt: integer("received_at").notNull(),
  },
  (t) => [index("alerts_group").on(t.groupId, t.receivedAt)],
);

export const logEntries = sqliteTable(
  "log_entries",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    groupId: text("group_id").notNull(),
    at: integer("at").notNull(),
    kind: text("kind").notNull(),
    text: text("text").notNull(),
    slackTs: text("slack_ts"),
  },
  (t) => [index("log_entries_group").on(t.groupId, t.id)],
);

export const pages = sqliteTable(
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
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("pages_dedupe").on(t.dedupeKey), index("pages_group").on(t.groupId)],
);

export const feeds = sqliteTable(
  "feeds",
  {
    schedule: text("schedule").notNull(),
    kind: text("kind").notNull(),
    source: text("source").notNull(),
    body: text("body"),
    etag: text("etag"),
    lastModified: text("last_modified"),
    fetchedAt: integer("fetched_at"),
    checkedAt: integer("checked_at"),
    error: text("error"),
    errorSince: integer("error_since"),
  },
  (t) => [primaryKey({ columns: [t.schedule, t.kind] })],
);

export const counters = sqliteTable("counters", {
  name: text("name").primaryKey(),
  value: integer("value").notNull(),
});

/** Timers for the SQLite backend (Postgres uses Graphile Worker's own tables). */
export const jobs = sqliteTable(
  "jobs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    task: text("task").notNull(),
    payload: text("payload").notNull(),
    runAt: integer("run_at").notNull(),
    jobKey: text("job_key"),
    queue: text("queue"),
    attempts: integer("attempts").notNull(),
    maxAttempts: integer("max_attempts").notNull(),
    lockedAt: integer("locked_at"),
    lockedBy: text("locked_by"),
    lastError: text("last_error"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("jobs_key").on(t.jobKey), index("jobs_due").on(t.runAt)],
);

/** Shared pacing for rate-limited outbound calls (e.g. one Slack post per second per channel), across processes. */
export const rateSlots = sqliteTable("rate_slots", {
  key: text("key").primaryKey(),
  nextAt: integer("next_at").notNull(),
});

/** Last heartbeat per integration that expects them. */
export const heartbeats = sqliteTable("heartbeats", {
  integration: text("integration").primaryKey(),
  lastSeenAt: integer("last_seen_at"),
  startedAt: integer("started_at").notNull(),
});

/** Maintenance windows: alerts are stored and shown but not escalated until `until`. */
export const maintenance = sqliteTable("maintenance", {
  integration: text("integration").primaryKey(),
  until: integer("until").notNull(),
  startedBy: text("started_by").notNull(),
  startedAt: integer("started_at").notNull(),
});
