import { index, integer, ms, serial, table, text, uniqueIndex } from "../schema/table-spec.js";
import * as tables from "../schema/tables.js";
import { sqliteTableFrom } from "./sqlite-table-from.js";

// The SQLite schema drizzle-kit reads (drizzle.sqlite.config.ts). Tables both backends have
// are defined once in src/store/schema/tables.ts; only SQLite's own tables are
// written here (with the same column kinds, src/store/schema/table-spec.ts).

export const alertGroups = sqliteTableFrom(tables.alertGroups);
export const alerts = sqliteTableFrom(tables.alerts);
export const logEntries = sqliteTableFrom(tables.logEntries);
export const pages = sqliteTableFrom(tables.pages);
export const feeds = sqliteTableFrom(tables.feeds);
export const feedBodies = sqliteTableFrom(tables.feedBodies);
export const scheduleTables = sqliteTableFrom(tables.scheduleTables);
export const counters = sqliteTableFrom(tables.counters);
export const rateSlots = sqliteTableFrom(tables.rateSlots);
export const heartbeats = sqliteTableFrom(tables.heartbeats);
export const maintenance = sqliteTableFrom(tables.maintenance);
export const slackOverrides = sqliteTableFrom(tables.slackOverrides);
export const coverRequests = sqliteTableFrom(tables.coverRequests);
export const scheduleState = sqliteTableFrom(tables.scheduleState);
export const exportedShifts = sqliteTableFrom(tables.exportedShifts);
export const shiftMessages = sqliteTableFrom(tables.shiftMessages);
export const userSettings = sqliteTableFrom(tables.userSettings);
export const ladderRuns = sqliteTableFrom(tables.ladderRuns);
export const smsAnswers = sqliteTableFrom(tables.smsAnswers);
export const auditLog = sqliteTableFrom(tables.auditLog);
export const generatedSecrets = sqliteTableFrom(tables.generatedSecrets);
export const stormSummaries = sqliteTableFrom(tables.stormSummaries);

/** Timers for the SQLite backend (Postgres uses Graphile Worker's own tables). */
export const jobs = sqliteTableFrom(
  table(
    "jobs",
    {
      id: serial("id"),
      task: text("task").notNull(),
      payload: text("payload").notNull(),
      runAt: ms("run_at").notNull(),
      jobKey: text("job_key"),
      queue: text("queue"),
      attempts: integer("attempts").notNull(),
      maxAttempts: integer("max_attempts").notNull(),
      lockedAt: ms("locked_at"),
      lockedBy: text("locked_by"),
      lastError: text("last_error"),
      createdAt: ms("created_at").notNull(),
    },
    (t) => [uniqueIndex("jobs_key").on(t.jobKey), index("jobs_due").on(t.runAt)],
  ),
);
