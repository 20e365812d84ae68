import { createHash } from "node:crypto";
import { bodySha256 } from "../shared/body-sha256.js";
import { finalSchedule } from "./final-schedule.js";
import { parseCalendar } from "./parse-calendar.js";
import type { ParsedCalendar, ScheduleProblem, ScheduleUser, Shift, SlackOverride } from "./schedule-types.js";
import { packShifts, type PackedShifts } from "./shift-table.js";

/** What {@link ScheduleComputer} is asked: a schedule's stored feed bodies and Slack overrides, and a window. */
export interface ComputeRequest {
  /** Schedule name: the key of the parse cache. */
  schedule: string;
  /** The schedule's zone (floating and all-day times without X-WR-TIMEZONE). */
  timezone: string;
  /** Feed bodies; null when there is no copy. */
  primary: string | null;
  overrides: string | null;
  slackOverrides: SlackOverride[];
  users: ScheduleUser[];
  /** Window of the final schedule, epoch ms. */
  from: number;
  to: number;
  /** Also compute the schedule without Slack overrides (the calendar alone) over this window. */
  feedOnly?: { from: number; to: number } | null;
}

/** The answer: the final schedule, and whether each feed body could be read at all. */
export interface ComputeResult {
  /** The final schedule over [from, to), packed (see {@link ShiftTable}). */
  shifts: PackedShifts;
  problems: ScheduleProblem[];
  /** The calendar alone over `feedOnly`; null when not asked. */
  feedOnlyShifts: Shift[] | null;
  /** Why a feed body is unusable (not iCalendar, truncated); null when it parsed. */
  primaryError: string | null;
  overridesError: string | null;
  /** Hash of both bodies: changes exactly when a feed's content does. */
  feedsHash: string;
  /** sha256 (hex) of each body given; null when none was (what the feeds table stores as `body_sha256`). */
  primarySha256: string | null;
  overridesSha256: string | null;
}

interface CachedFeed {
  body: string;
  timezone: string;
  parsed: ParsedCalendar;
  hash: string;
}

const unparseable = (cal: ParsedCalendar) => cal.problems.find((p) => p.kind === "unparseable")?.message ?? null;

/**
 * Parses feeds (remembering the last parse of each schedule's feeds, so an unchanged body costs
 * nothing) and computes the final schedule. Runs in the schedule worker thread, so a big feed
 * never blocks the event loop; also usable inline (the CLI, fallbacks). Deterministic: no clock.
 */
export function createScheduleComputer() {
  const cache = new Map<string, CachedFeed>();

  function feed(schedule: string, kind: string, body: string | null, timezone: string): CachedFeed | null {
    if (body === null) return null;
    const key = `${schedule}\u0000${kind}`;
    const hit = cache.get(key);
    if (hit && hit.body === body && hit.timezone === timezone) return hit;
    const parsed = parseCalendar(body, { defaultZone: timezone });
    const entry = { body, timezone, parsed, hash: bodySha256(body) };
    cache.set(key, entry);
    return entry;
  }

  return function compute(req: ComputeRequest): ComputeResult {
    const primary = feed(req.schedule, "primary", req.primary, req.timezone);
    const overrides = feed(req.schedule, "overrides", req.overrides, req.timezone);
    const primaryError = primary ? unparseable(primary.parsed) : null;
    const overridesError = overrides ? unparseable(overrides.parsed) : null;
    const feedsHash = createHash("sha256")
      .update(primary?.hash ?? "-")
      .update("\u0000")
      .update(overrides?.hash ?? "-")
      .digest("hex")
      .slice(0, 32);
    const hashes = { primarySha256: primary?.hash ?? null, overridesSha256: overrides?.hash ?? null };
    if (!primary || primaryError) return { shifts: packShifts([]), problems: primary?.parsed.problems ?? [], feedOnlyShifts: req.feedOnly ? [] : null, primaryError, overridesError, feedsHash, ...hashes };
    const overridesCal = overrides && !overridesError ? overrides.parsed : null;
    const base = { primary: primary.parsed, overrides: overridesCal, users: req.users };
    const { shifts, problems } = finalSchedule({ ...base, slackOverrides: req.slackOverrides, from: new Date(req.from), to: new Date(req.to) });
    let feedOnlyShifts: Shift[] | null = null;
    if (req.feedOnly) {
      feedOnlyShifts =
        req.slackOverrides.length === 0 && req.feedOnly.from >= req.from && req.feedOnly.to <= req.to
          ? clip(shifts, req.feedOnly.from, req.feedOnly.to)
          : finalSchedule({ ...base, slackOverrides: [], from: new Date(req.feedOnly.from), to: new Date(req.feedOnly.to) }).shifts;
    }
    return { shifts: packShifts(shifts), problems, feedOnlyShifts, primaryError, overridesError, feedsHash, ...hashes };
  };
}

export type ScheduleComputer = ReturnType<typeof createScheduleComputer>;

/** Shifts cut to [from, to). */
export function clip(shifts: Shift[], from: number, to: number): Shift[] {
  const out: Shift[] = [];
  for (const s of shifts) {
    const start = Math.max(s.start.getTime(), from);
    const end = Math.min(s.end.getTime(), to);
    if (end > start) out.push({ ...s, start: new Date(start), end: new Date(end) });
  }
  return out;
}
