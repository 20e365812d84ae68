import postgres from "postgres";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createTestDatabase, resolvePgAdminUrl, type PgAdminServer } from "./postgres.js";

describe("test Postgres discovery", () => {
  it("the run's server answers and hands out fresh databases that drop cleanly", async () => {
    console.log(`[postgres.test] run server: ${inject("pgAdminSource")}`);
    const db = await createTestDatabase("support_selftest");
    const sql = postgres(db.url, { max: 1, onnotice: () => {} });
    try {
      const [row] = await sql<{ db: string }[]>`select current_database() as db`;
      expect(row?.db).toBe(db.name);
      await sql`create table t (id int primary key)`;
    } finally {
      await sql.end({ timeout: 2 });
    }
    // drop() must win against an open session (WITH (FORCE)); leave one open on purpose.
    const lingering = postgres(db.url, { max: 1, onnotice: () => {} });
    await lingering`select 1`;
    await db.drop();
    await db.drop();
    await lingering.end({ timeout: 1 }).catch(() => undefined);
    const admin = postgres(inject("pgAdminUrl"), { max: 1, onnotice: () => {} });
    try {
      const rows = await admin`select 1 from pg_database where datname = ${db.name}`;
      expect(rows).toHaveLength(0);
    } finally {
      await admin.end({ timeout: 2 });
    }
  });

  describe("when no candidate answers", () => {
    let server: PgAdminServer | undefined;
    afterAll(async () => {
      await server?.stop();
    });

    it("starts an embedded server that answers select 1", { timeout: 120_000 }, async () => {
      server = await resolvePgAdminUrl({
        candidates: ["postgres://postgres@127.0.0.1:1/postgres"],
        log: (line) => console.log(`[postgres.test] ${line}`),
      });
      console.log(`[postgres.test] discovery with a dead candidate used: ${server.description}`);
      expect(server.kind).toBe("embedded");
      const sql = postgres(server.url, { max: 1, onnotice: () => {} });
      try {
        const [row] = await sql<{ one: number }[]>`select 1 as one`;
        expect(row?.one).toBe(1);
      } finally {
        await sql.end({ timeout: 2 });
      }
      const db = await createTestDatabase("support_embedded", { adminUrl: server.url });
      const inDb = postgres(db.url, { max: 1, onnotice: () => {} });
      try {
        const [row] = await inDb<{ db: string }[]>`select current_database() as db`;
        expect(row?.db).toBe(db.name);
      } finally {
        await inDb.end({ timeout: 2 });
      }
      await db.drop();
    });
  });
});
