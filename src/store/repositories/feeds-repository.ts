import { sql } from "drizzle-orm";
import { bodySha256 } from "../../shared/body-sha256.js";
import type { Db } from "../db.js";
import { numOrNull } from "../db.js";
import { setClause } from "./columns.js";

/** The last good copy of a schedule's feed, and how its latest refresh went. */
export interface FeedRecord {
  schedule: string;
  kind: "primary" | "overrides";
  source: string;
  body: string | null;
  etag: string | null;
  lastModified: string | null;
  fetchedAt: number | null;
  checkedAt: number | null;
  error: string | null;
  errorSince: number | null;
}

type Row = Record<string, unknown>;

export function feedsRepository(db: Db) {
  return {
    async get(schedule: string, kind: FeedRecord["kind"]): Promise<FeedRecord | null> {
      const rows = await db.all<Row>(sql`select f.*, b.body from feeds f left join feed_bodies b on b.schedule = f.schedule and b.kind = f.kind
        where f.schedule = ${schedule} and f.kind = ${kind}`);
      const r = rows[0];
      if (!r) return null;
      return {
        schedule: String(r.schedule),
        kind: r.kind as FeedRecord["kind"],
        source: String(r.source),
        body: (r.body as string | null) ?? null,
        etag: (r.etag as string | null) ?? null,
        lastModified: (r.last_modified as string | null) ?? null,
        fetchedAt: numOrNull(r.fetched_at),
        checkedAt: numOrNull(r.checked_at),
        error: (r.error as string | null) ?? null,
        errorSince: numOrNull(r.error_since),
      };
    },
    /** Every feed's refresh times and error, without bodies (one row per schedule and kind). */
    async freshness(): Promise<Pick<FeedRecord, "schedule" | "kind" | "fetchedAt" | "checkedAt" | "error" | "errorSince">[]> {
      const rows = await db.all<Row>(sql`select schedule, kind, fetched_at, checked_at, error, error_since from feeds order by schedule, kind limit 10000`);
      return rows.map((r) => ({
        schedule: String(r.schedule),
        kind: r.kind as FeedRecord["kind"],
        fetchedAt: numOrNull(r.fetched_at),
        checkedAt: numOrNull(r.checked_at),
        error: (r.error as string | null) ?? null,
        errorSince: numOrNull(r.error_since),
      }));
    },
    /**
     * Stores the refresh state, and the body (in feed_bodies, with its sha256) when given; a null
     * body removes the stored one. An unchanged body is not rewritten.
     */
    async upsert(f: FeedRecord): Promise<void> {
      const { schedule, kind, body, ...rest } = f;
      await db.write(sql`insert into feeds (schedule, kind, source, etag, last_modified, fetched_at, checked_at, error, error_since)
        values (${schedule}, ${kind}, ${f.source}, ${f.etag}, ${f.lastModified}, ${f.fetchedAt}, ${f.checkedAt}, ${f.error}, ${f.errorSince})
        on conflict (schedule, kind) do update set ${setClause(rest, [])}`);
      if (body === null) {
        await db.write(sql`delete from feed_bodies where schedule = ${schedule} and kind = ${kind}`);
        return;
      }
      await db.write(sql`insert into feed_bodies (schedule, kind, body_sha256, body) values (${schedule}, ${kind}, ${bodySha256(body)}, ${body})
        on conflict (schedule, kind) do update set body_sha256 = excluded.body_sha256, body = excluded.body
        where feed_bodies.body_sha256 is distinct from excluded.body_sha256`);
    },
  };
}
