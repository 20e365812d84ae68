import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteDatabase } from "../../src/store/sqlite-driver.js";
import { sql } from "drizzle-orm";
import { drizzle as drizzleSqlite } from "drizzle-orm/better-sqlite3";
import { migrate as migrateSqlite } from "drizzle-orm/better-sqlite3/migrator";
import { drizzle as drizzlePg } from "drizzle-orm/postgres-js";
import { migrate as migratePg } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { graphileJobQueue } from "../../src/jobs/graphile-job-queue.js";
import { sqliteJobQueue } from "../../src/jobs/sqlite-job-queue.js";
import { createPgStore } from "../../src/store/pg-store.js";
import { createSqliteStore } from "../../src/store/sqlite-store.js";
import type { Store } from "../../src/store/store.js";
import { createTestDatabase } from "../support/postgres.js";
import { backendWanted, type BackendName } from "./backends.js";

/**
 * A database made by the migrations before `alert_identity` (one alert row per
 * delivery) upgrades to one row per alert, and its groups count what is really in them.
 */

const root = join(import.meta.dirname, "..", "..");
const T0 = 1_767_225_600_000;
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** A copy of `migrations/<dialect>` whose journal stops before `alert_identity`. */
async function earlierMigrations(dialect: "sqlite" | "pg"): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "calpage-migrations-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await cp(join(root, "migrations", dialect), dir, { recursive: true });
  const journalPath = join(dir, "meta", "_journal.json");
  const journal = JSON.parse(await readFile(journalPath, "utf8")) as { entries: { tag: string }[] };
  const cut = journal.entries.findIndex((e) => e.tag.endsWith("_alert_identity"));
  expect(cut).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, cut);
  await writeFile(journalPath, JSON.stringify(journal));
  return dir;
}

interface Case {
  name: BackendName;
  /** Storage migrated up to (not including) alert_identity, and a store on it (not migrated yet). */
  open(): Promise<Store>;
}

const cases: Case[] = [
  {
    name: "sqlite",
    async open() {
      const dir = await mkdtemp(join(tmpdir(), "calpage-upgrade-"));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      const path = join(dir, "calpage.db");
      const db = openSqliteDatabase(path);
      migrateSqlite(drizzleSqlite(db), { migrationsFolder: await earlierMigrations("sqlite") });
      db.close();
      const store = createSqliteStore(path, (d, added) => sqliteJobQueue(d, added));
      cleanups.push(() => store.close());
      return store;
    },
  },
  {
    name: "postgres",
    async open() {
      const database = await createTestDatabase("upgrade");
      cleanups.push(() => database.drop());
      const client = postgres(database.url, { max: 1, onnotice: () => undefined });
      await migratePg(drizzlePg(client), { migrationsFolder: await earlierMigrations("pg") });
      await client.end();
      const store = createPgStore(database.url, (d, added) => graphileJobQueue(d, added));
      cleanups.push(() => store.close());
      return store;
    },
  },
];

describe.each(cases.filter((c) => backendWanted(c.name)))("migration alert_identity on an existing database (%s)", (c) => {
  it("keeps one row per alert (latest status, first arrival) and recounts the groups", async () => {
    const store = await c.open();
    const group = (id: string, n: number, alertCount: number) =>
      sql`insert into alert_groups (id, number, integration, grouping_key, state, title, labels, links, chain_steps, alert_count, first_alert_at, last_alert_at, escalation, created_at, updated_at)
          values (${id}, ${n}, 'am', ${`key-${n}`}, 'firing', 'DiskFull', '{}', '[]', '[]', ${alertCount}, ${T0}, ${T0}, '{"status":"idle","seq":0,"stepIndex":0,"repeatsDone":0,"nextAt":null}', ${T0}, ${T0})`;
    const alert = (id: string, groupId: string, fingerprint: string | null, status: string, at: number) =>
      sql`insert into alerts (id, group_id, status, labels, annotations, fingerprint, received_at) values (${id}, ${groupId}, ${status}, '{}', '{}', ${fingerprint}, ${at})`;
    await store.transaction(async (tx) => {
      // Group 1: alert a sent three times (resolved the third time), alert b twice: shown as "5 alerts".
      await tx.db.run(group("g1", 1, 5));
      await tx.db.run(alert("r1", "g1", "a", "firing", T0));
      await tx.db.run(alert("r2", "g1", "b", "firing", T0));
      await tx.db.run(alert("r3", "g1", "a", "firing", T0 + 60_000));
      await tx.db.run(alert("r4", "g1", "b", "firing", T0 + 60_000));
      await tx.db.run(alert("r5", "g1", "a", "resolved", T0 + 120_000));
      // Group 2: the same fingerprint as group 1 (a different group) and two alerts without one.
      await tx.db.run(group("g2", 2, 3));
      await tx.db.run(alert("r6", "g2", "a", "firing", T0));
      await tx.db.run(alert("r7", "g2", null, "firing", T0));
      await tx.db.run(alert("r8", "g2", null, "firing", T0 + 1));
      // Group 3: a direct page stored no alert rows; its count stays.
      await tx.db.run(group("g3", 3, 1));
    });

    await store.migrate();

    const g1 = await store.read.alerts.recent("g1", 10);
    expect(g1.map((a) => [a.key, a.status, a.receivedAt, a.changedAt])).toEqual([
      ["a", "resolved", T0, T0 + 120_000],
      ["b", "firing", T0, T0 + 60_000],
    ]);
    expect(await store.read.alerts.countForGroup("g2")).toBe(3);
    expect(await store.read.groups.get("g1")).toMatchObject({ alertCount: 2, firingCount: 1, truncatedAlerts: 0 });
    expect(await store.read.groups.get("g2")).toMatchObject({ alertCount: 3, firingCount: 3 });
    expect(await store.read.groups.get("g3")).toMatchObject({ alertCount: 1, firingCount: 0 });
    // The unique index now holds: a second row for alert b of group 1 is refused.
    await expect(
      store.transaction((tx) =>
        tx.db.run(sql`insert into alerts (id, group_id, status, labels, annotations, fingerprint, alert_key, received_at) values ('r9', 'g1', 'firing', '{}', '{}', 'b', 'b', ${T0})`),
      ),
    ).rejects.toThrow();
  });
});
