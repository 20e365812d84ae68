import type { ScheduleConfig } from "../config/config-types.js";
import { createScheduleComputer } from "./compute-schedule.js";
import { fetchFeed, type FetchResult } from "./fetch-feed.js";
import { buildScheduleReport, type ScheduleReport } from "./schedule-report.js";
import type { ScheduleUser } from "./schedule-types.js";
import { ShiftTable } from "./shift-table.js";

/** How far ahead a check looks for gaps: the same 14 days as the channel's report. */
export const CHECK_AHEAD_MS = 14 * 86_400_000;

/** One feed of a schedule as a refresh would find it. */
export interface FeedCheck {
  kind: "primary" | "overrides";
  source: string;
  /** Why it cannot be used (not fetched, not iCalendar, truncated); null when it was read. */
  error: string | null;
}

/** What a refresh of one schedule would report, from a fresh fetch of its feeds (Slack overrides not included). */
export interface ScheduleCheck {
  schedule: string;
  feeds: FeedCheck[];
  /** Null when the primary feed could not be used. */
  report: ScheduleReport | null;
}

/**
 * Fetches every feed of every schedule once and reports what a refresh would: unreadable feeds,
 * events that could not be read, names that match nobody, and gaps in [now, now + 14 days).
 * Stores nothing.
 */
export async function checkFeeds(
  schedules: ScheduleConfig[],
  users: ScheduleUser[],
  opts: { now: Date; fetch?: (source: string) => Promise<FetchResult> },
): Promise<ScheduleCheck[]> {
  const get = opts.fetch ?? ((source: string) => fetchFeed(source));
  const compute = createScheduleComputer();
  const from = opts.now.getTime();
  const to = from + CHECK_AHEAD_MS;
  const out: ScheduleCheck[] = [];
  for (const s of schedules) {
    const sources = [{ kind: "primary" as const, source: s.feed }, ...(s.overridesFeed ? [{ kind: "overrides" as const, source: s.overridesFeed }] : [])];
    const bodies: Record<string, string | null> = { primary: null, overrides: null };
    const feeds: FeedCheck[] = [];
    for (const { kind, source } of sources) {
      const r = await get(source);
      if (r.status === "ok") bodies[kind] = r.body;
      feeds.push({ kind, source, error: r.status === "ok" ? null : r.status === "error" ? r.message : "the server answered 304 Not Modified to a plain request" });
    }
    const r = compute({ schedule: s.name, timezone: s.timezone, primary: bodies.primary ?? null, overrides: bodies.overrides ?? null, slackOverrides: [], users, from, to });
    for (const f of feeds) {
      const error = f.kind === "primary" ? r.primaryError : r.overridesError;
      if (f.error === null && error) f.error = error;
    }
    const primaryOk = feeds[0]!.error === null;
    out.push({ schedule: s.name, feeds, report: primaryOk ? buildScheduleReport(r.problems, new ShiftTable(r.shifts).range(from, to), from, to) : null });
  }
  return out;
}
