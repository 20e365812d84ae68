import { sql } from "drizzle-orm";
import type { Db } from "../db.js";
import { num, numOrNull } from "../db.js";
import { parseJson, setClause } from "./columns.js";

/** One shift as remembered in a snapshot (epoch ms, sorted emails). */
export interface SnapshotShift {
  start: number;
  end: number;
  users: string[];
}

/** The calendar-only schedule seen at the last refresh, to spot swaps made in the calendar. */
export interface ShiftsSnapshot {
  /** Hash of the feed bodies it was computed from. */
  feedsHash: string;
  /** Window the shifts cover. */
  from: number;
  to: number;
  shifts: SnapshotShift[];
}

/** What was last written to the schedule's Slack user group. */
export interface UserGroupState {
  /** Slack ids last written (or found) in the group. */
  members: string[];
  /** The warning last posted about the group (`empty`, `missing`), so it is posted once; null when none is pending. */
  warned: string | null;
}

/** What each person was last told of their turns (see src/schedule/diff-people-turns.ts). */
export interface PeopleSnapshot {
  from: number;
  to: number;
  people: Record<string, { from: number; to: number; turns: { start: number; end: number }[]; pendingSince: number | null }>;
}

/** What calpage last announced / synced / reported for one schedule, so it says things once. */
export interface ScheduleStateRecord {
  schedule: string;
  /** Emails whose turn was last handled (announced when the schedule announces). */
  announcedUsers: string[] | null;
  announcedAt: number | null;
  userGroup: UserGroupState | null;
  shiftsSnapshot: ShiftsSnapshot | null;
  /** Each person's turns over the next 14 days as last told to them (shift change DMs). */
  peopleSnapshot: PeopleSnapshot | null;
  feedHealth: "ok" | "failing" | null;
  lastReportAt: number | null;
  lastReportHash: string | null;
  updatedAt: number;
}

export type ScheduleStatePatch = Partial<Omit<ScheduleStateRecord, "schedule">>;

/** A feed's stored copy without its body: enough to tell whether another process stored a new one. */
export interface FeedVersion {
  schedule: string;
  kind: "primary" | "overrides";
  source: string;
  fetchedAt: number | null;
  checkedAt: number | null;
  error: string | null;
}

/** A stored feed's conditional-GET validators and health, without its body (cheap to read on every refresh). */
export interface FeedMeta extends FeedVersion {
  etag: string | null;
  lastModified: string | null;
  errorSince: number | null;
  hasBody: boolean;
  /** sha256 of the stored body; null when none is stored, or it was stored before calpage kept hashes. */
  bodySha256: string | null;
}

type Row = Record<string, unknown>;

function toRecord(r: Row): ScheduleStateRecord {
  const group = parseJson<UserGroupState | string[] | null>(r.user_group_members, null);
  return {
    schedule: String(r.schedule),
    announcedUsers: parseJson<string[] | null>(r.announced_users, null),
    announcedAt: numOrNull(r.announced_at),
    userGroup: Array.isArray(group) ? { members: group, warned: null } : group,
    shiftsSnapshot: parseJson<ShiftsSnapshot | null>(r.shifts_snapshot, null),
    peopleSnapshot: parseJson<PeopleSnapshot | null>(r.people_snapshot, null),
    feedHealth: r.feed_health === "ok" || r.feed_health === "failing" ? r.feed_health : null,
    lastReportAt: numOrNull(r.last_report_at),
    lastReportHash: (r.last_report_hash as string | null) ?? null,
    updatedAt: num(r.updated_at),
  };
}

/** Column values for a patch: JSON fields serialised, `userGroup` stored in `user_group_members`. */
function columns(patch: ScheduleStatePatch): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    if (k === "announcedUsers" || k === "shiftsSnapshot" || k === "peopleSnapshot") out[k] = v === null ? null : JSON.stringify(v);
    else if (k === "userGroup") out.userGroupMembers = v === null ? null : JSON.stringify({ members: (v as UserGroupState).members, warned: (v as UserGroupState).warned });
    else out[k] = v;
  }
  return out;
}

export function scheduleStateRepository(db: Db) {
  const lock = db.dialect === "pg" ? sql` for update` : sql``;
  return {
    /** The schedule's row, created empty when missing. `lock` holds it (Postgres) until the transaction ends. */
    async get(schedule: string, now: number, opts: { lock?: boolean } = {}): Promise<ScheduleStateRecord> {
      await db.write(sql`insert into schedule_state (schedule, updated_at) values (${schedule}, ${now}) on conflict (schedule) do nothing`);
      const rows = await db.all<Row>(sql`select * from schedule_state where schedule = ${schedule}${opts.lock ? lock : sql``}`);
      return toRecord(rows[0]!);
    },
    /** The row if it exists; never creates one. */
    async find(schedule: string): Promise<ScheduleStateRecord | null> {
      const rows = await db.all<Row>(sql`select * from schedule_state where schedule = ${schedule}`);
      return rows[0] ? toRecord(rows[0]) : null;
    },
    async update(schedule: string, patch: ScheduleStatePatch, now: number): Promise<void> {
      await db.write(sql`update schedule_state set ${setClause({ ...columns(patch), updatedAt: now }, [])} where schedule = ${schedule}`);
    },
    /**
     * Records `users` as the on-call set handled, only if the stored one is still `expected`
     * (null = never handled). True for exactly one of several processes handling the same change.
     */
    async claimAnnouncement(schedule: string, expected: string[] | null, users: string[], now: number): Promise<boolean> {
      const was = expected === null ? sql`announced_users is null` : sql`announced_users = ${JSON.stringify(expected)}`;
      return (
        (await db.run(sql`update schedule_state set announced_users = ${JSON.stringify(users)}, announced_at = ${now}, updated_at = ${now}
          where schedule = ${schedule} and ${was}`)) > 0
      );
    },
    /** Replaces the user group state only if it is still `expected`; true when this call changed it. */
    async claimUserGroup(schedule: string, expected: UserGroupState | null, next: UserGroupState, now: number): Promise<boolean> {
      // Always written as {members, warned} by this repository, so the JSON text compares exactly.
      const was = expected === null ? sql`user_group_members is null` : sql`user_group_members = ${JSON.stringify({ members: expected.members, warned: expected.warned })}`;
      return (
        (await db.run(sql`update schedule_state set user_group_members = ${JSON.stringify({ members: next.members, warned: next.warned })}, updated_at = ${now}
          where schedule = ${schedule} and ${was}`)) > 0
      );
    },
    /** One stored feed copy's metadata, without its body; null when none is stored. */
    async feedMeta(schedule: string, kind: "primary" | "overrides"): Promise<FeedMeta | null> {
      // body_sha256 is stored before the body: reading it does not read the body.
      const rows = await db.all<Row>(sql`select f.source, f.etag, f.last_modified, f.fetched_at, f.checked_at, f.error, f.error_since, b.schedule is not null as has_body, b.body_sha256
        from feeds f left join feed_bodies b on b.schedule = f.schedule and b.kind = f.kind where f.schedule = ${schedule} and f.kind = ${kind}`);
      const r = rows[0];
      if (!r) return null;
      return {
        schedule,
        kind,
        source: String(r.source),
        etag: (r.etag as string | null) ?? null,
        lastModified: (r.last_modified as string | null) ?? null,
        fetchedAt: numOrNull(r.fetched_at),
        checkedAt: numOrNull(r.checked_at),
        error: (r.error as string | null) ?? null,
        errorSince: numOrNull(r.error_since),
        hasBody: r.has_body === true || num(r.has_body) === 1,
        bodySha256: (r.body_sha256 as string | null) ?? null,
      };
    },
    /** Records a check of a stored feed that did not bring a new body (304, or a failure); false when no copy is stored. */
    async markFeedChecked(schedule: string, kind: "primary" | "overrides", checkedAt: number, error: string | null, errorSince: number | null): Promise<boolean> {
      return (await db.run(sql`update feeds set checked_at = ${checkedAt}, error = ${error}, error_since = ${errorSince} where schedule = ${schedule} and kind = ${kind}`)) > 0;
    },
    /** Every stored feed copy, without bodies. */
    async feedVersions(): Promise<FeedVersion[]> {
      const rows = await db.all<Row>(sql`select schedule, kind, source, fetched_at, checked_at, error from feeds order by schedule, kind`);
      return rows.map((r) => ({
        schedule: String(r.schedule),
        kind: r.kind === "overrides" ? "overrides" : "primary",
        source: String(r.source),
        fetchedAt: numOrNull(r.fetched_at),
        checkedAt: numOrNull(r.checked_at),
        error: (r.error as string | null) ?? null,
      }));
    },
  };
}
