import { pgSequence } from "drizzle-orm/pg-core";
import { ms, table, text } from "../schema/table-spec.js";
import * as tables from "../schema/tables.js";
import { pgTableFrom } from "./pg-table-from.js";

// The Postgres schema drizzle-kit reads (drizzle.pg.config.ts). Tables both backends have
// are defined once in src/store/schema/tables.ts; only Postgres's own objects are
// written here (with the same column kinds, src/store/schema/table-spec.ts).

export const alertGroups = pgTableFrom(tables.alertGroups);
export const alerts = pgTableFrom(tables.alerts);
export const logEntries = pgTableFrom(tables.logEntries);
export const pages = pgTableFrom(tables.pages);
export const feeds = pgTableFrom(tables.feeds);
export const feedBodies = pgTableFrom(tables.feedBodies);
export const scheduleTables = pgTableFrom(tables.scheduleTables);
export const counters = pgTableFrom(tables.counters);
export const rateSlots = pgTableFrom(tables.rateSlots);
export const heartbeats = pgTableFrom(tables.heartbeats);
export const maintenance = pgTableFrom(tables.maintenance);
export const slackOverrides = pgTableFrom(tables.slackOverrides);
export const coverRequests = pgTableFrom(tables.coverRequests);
export const scheduleState = pgTableFrom(tables.scheduleState);
export const exportedShifts = pgTableFrom(tables.exportedShifts);
export const shiftMessages = pgTableFrom(tables.shiftMessages);
export const userSettings = pgTableFrom(tables.userSettings);
export const ladderRuns = pgTableFrom(tables.ladderRuns);
export const smsAnswers = pgTableFrom(tables.smsAnswers);
export const auditLog = pgTableFrom(tables.auditLog);
export const generatedSecrets = pgTableFrom(tables.generatedSecrets);
export const stormSummaries = pgTableFrom(tables.stormSummaries);

/** Liveness of Graphile Worker workers, so jobs locked by a killed process are released in seconds, not hours. */
export const workerHeartbeats = pgTableFrom(
  table("worker_heartbeats", {
    workerId: text("worker_id").primaryKey(),
    process: text("process").notNull(),
    heartbeatAt: ms("heartbeat_at").notNull(),
  }),
);

/** Alert group numbers on Postgres: a sequence, so concurrent new groups never wait on a counter row lock. */
export const alertGroupNumberSeq = pgSequence("alert_group_number_seq", { startWith: 1 });
