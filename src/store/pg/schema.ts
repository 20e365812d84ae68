import { sql } from "drizzle-orm";
import { bigint, bigserial, index, integer, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";

// Mirrors src/store/sqlite/schema.ts column for column (times: epoch ms, JSON: text),
// so the shared repositories run unchanged on both backends.
const ms = (name: string) => bigint(name, { mode: "number" });

export const alertGroups = pgTable(
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
  ],
);

export const alerts = pgTable(
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
    receivedAt: ms("received_at").notNull(),
  },
  (t) => [index("alerts_group").on(t.groupId, t.receivedAt)],
);

export const logEntries = pgTable(
  "log_entries",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    groupId: text("group_id").notNull(),
    at: ms("at").notNull(),
    kind: text("kind").notNull(),
    text: text("text").notNull(),
    slackTs: text("slack_ts"),
  },
  (t) => [index("log_entries_group").on(t.groupId, t.id)],
);

export const pages = pgTable(
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
    createdAt: ms("created_at").notNull(),
    updatedAt: ms("updated_at").notNull(),
  },
  (t) => [uniqueIndex("pages_dedupe").on(t.dedupeKey), index("pages_group").on(t.groupId)],
);

export const feeds = pgTable(
  "feeds",
  {
    schedule: text("schedule").notNull(),
    kind: text("kind").notNull(),
    source: text("source").notNull(),
    body: text("body"),
    etag: text("etag"),
    lastModified: text("last_modified"),
    fetchedAt: ms("fetched_at"),
    checkedAt: ms("checked_at"),
    error: text("error"),
    errorSince: ms("error_since"),
  },
  (t) => [primaryKey({ columns: [t.schedule, t.kind] })],
);

export const counters = pgTable("counters", {
  name: text("name").primaryKey(),
  value: ms("value").notNull(),
});

/** Liveness of Graphile Worker workers, so jobs locked by a killed process are released in seconds, not hours. */
export const workerHeartbeats = pgTable("worker_heartbeats", {
  workerId: text("worker_id").primaryKey(),
  process: text("process").notNull(),
  heartbeatAt: ms("heartbeat_at").notNull(),
});

/** Shared pacing for rate-limited outbound calls (e.g. one Slack post per second per channel), across processes. */
export const rateSlots = pgTable("rate_slots", {
  key: text("key").primaryKey(),
  nextAt: ms("next_at").notNull(),
});

/** Last heartbeat per integration that expects them. */
export const heartbeats = pgTable("heartbeats", {
  integration: text("integration").primaryKey(),
  lastSeenAt: ms("last_seen_at"),
  startedAt: ms("started_at").notNull(),
});

/** Maintenance windows: alerts are stored and shown but not escalated until `until`. */
export const maintenance = pgTable("maintenance", {
  integration: text("integration").primaryKey(),
  until: ms("until").notNull(),
  startedBy: text("started_by").notNull(),
  startedAt: ms("started_at").notNull(),
});
