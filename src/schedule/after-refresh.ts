import { diffShifts, type ShiftChange, type ShiftLike } from "./diff-shifts.js";
import { EMPTY_REPORT_HASH, type ScheduleReport } from "./schedule-report.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** How far ahead calendar swaps are announced. */
export const SWAP_HORIZON_MS = 7 * DAY;
/** How often an unchanged, non-empty report is posted again. */
export const REPORT_EVERY_MS = 7 * DAY;
/** An unchanged calendar's snapshot is re-stored this often, so its window keeps up with time. */
const SNAPSHOT_ROLL_MS = HOUR;

/** The stored state {@link afterRefresh} reads (a slice of `schedule_state`). */
export interface AfterRefreshState {
  feedHealth: "ok" | "failing" | null;
  lastReportAt: number | null;
  lastReportHash: string | null;
  snapshot: { feedsHash: string; from: number; to: number; shifts: ShiftLike[] } | null;
}

/** What a refresh found. */
export interface AfterRefreshInput {
  /** Feeds that could not be fetched or read this time (empty: all fine). */
  failures: { kind: "primary" | "overrides"; message: string }[];
  /** When the copy now serving was fetched (null: there is none). */
  lastGoodAt: number | null;
  /** Null when the schedule has no usable copy at all (nothing to report on or compare). */
  schedule: {
    feedsHash: string;
    /** The calendar alone (no Slack overrides) over [now, coveredTo). */
    feedOnly: ShiftLike[];
    /** How far `feedOnly` is known (at most now + SWAP_HORIZON_MS). */
    coveredTo: number;
    report: ScheduleReport;
  } | null;
  now: number;
}

/** Something to tell the schedule's channel. */
export type ScheduleNotice =
  | { kind: "feed_failing"; failures: AfterRefreshInput["failures"]; lastGoodAt: number | null }
  | { kind: "feed_recovered" }
  | { kind: "report"; report: ScheduleReport; weekly: boolean }
  | { kind: "report_cleared" }
  | { kind: "calendar_change"; changes: ShiftChange[] };

export interface AfterRefreshDecision {
  patch: Partial<AfterRefreshState>;
  notices: ScheduleNotice[];
  /** The calendar's content differs from the last refresh (or this is the first). */
  feedChanged: boolean;
}

/**
 * What a refresh means for the channel, decided once per refresh under the schedule's state row lock,
 * so replicas and restarts say each thing once:
 * - Feed health: one warning when it starts failing (any feed), one message when it works again.
 * - Calendar swaps: when the calendar's content changed, the shifts of the next 7 days are compared
 *   with the last snapshot (over the part of the window both cover) and changed stretches announced.
 *   The first snapshot is taken silently.
 * - Report (unmatched names, gaps in the next 14 days, broken events): posted when the calendar
 *   changed and the report differs from the last one posted (or clears), and again weekly while it
 *   is not empty.
 */
export function afterRefresh(state: AfterRefreshState, input: AfterRefreshInput): AfterRefreshDecision {
  const { now } = input;
  const patch: Partial<AfterRefreshState> = {};
  const notices: ScheduleNotice[] = [];

  const failing = input.failures.length > 0;
  if (failing && state.feedHealth !== "failing") {
    patch.feedHealth = "failing";
    notices.push({ kind: "feed_failing", failures: input.failures, lastGoodAt: input.lastGoodAt });
  } else if (!failing && state.feedHealth !== "ok") {
    patch.feedHealth = "ok";
    if (state.feedHealth === "failing") notices.push({ kind: "feed_recovered" });
  }

  const s = input.schedule;
  if (!s) return { patch, notices, feedChanged: false };

  const snap = state.snapshot;
  const feedChanged = !snap || snap.feedsHash !== s.feedsHash;
  const coveredTo = Math.min(s.coveredTo, now + SWAP_HORIZON_MS);
  if (feedChanged || now - snap.from >= SNAPSHOT_ROLL_MS) {
    patch.snapshot = { feedsHash: s.feedsHash, from: now, to: coveredTo, shifts: s.feedOnly };
  }
  if (snap && feedChanged) {
    const changes = diffShifts(snap.shifts, s.feedOnly, Math.max(now, snap.from), Math.min(snap.to, coveredTo));
    if (changes.length > 0) notices.push({ kind: "calendar_change", changes });
  }

  const r = s.report;
  const lastHash = state.lastReportHash;
  if (feedChanged && r.hash !== (lastHash ?? EMPTY_REPORT_HASH)) {
    if (!r.empty) notices.push({ kind: "report", report: r, weekly: false });
    else notices.push({ kind: "report_cleared" });
    patch.lastReportHash = r.hash;
    patch.lastReportAt = now;
  } else if (!r.empty && (state.lastReportAt === null || now - state.lastReportAt >= REPORT_EVERY_MS)) {
    notices.push({ kind: "report", report: r, weekly: state.lastReportAt !== null });
    patch.lastReportHash = r.hash;
    patch.lastReportAt = now;
  }
  return { patch, notices, feedChanged };
}
