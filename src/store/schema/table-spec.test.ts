import { sql } from "drizzle-orm";
import * as pg from "drizzle-orm/pg-core";
import * as sqlite from "drizzle-orm/sqlite-core";
import { generateDrizzleJson, generateSQLiteDrizzleJson } from "drizzle-kit/api";
import { describe, expect, expectTypeOf, it } from "vitest";
import { pgTableFrom } from "../pg/pg-table-from.js";
import { sqliteTableFrom } from "../sqlite/sqlite-table-from.js";
import { bigint, index, integer, ms, primaryKey, serial, table, text, uniqueIndex } from "./table-spec.js";

// One spec using every column kind, modifier and extra, and the tables one would write by
// hand in each dialect: the built tables must be the same to drizzle-kit (migrations) and to
// TypeScript (row types; these expectTypeOf lines are checked by `npm run typecheck`).

const spec = table(
  "every_kind",
  {
    id: serial("id"),
    name: text("name").notNull(),
    note: text("note"),
    count: integer("count").notNull().default(0),
    total: bigint("total").notNull(),
    at: ms("at").notNull(),
    endedAt: ms("ended_at"),
    key: text("key").notNull().default(""),
  },
  (t) => [
    uniqueIndex("every_kind_name").on(t.name),
    uniqueIndex("every_kind_open").on(t.name, t.key).where(sql`ended_at is null`),
    index("every_kind_at").on(t.at, t.id),
  ],
);

const bySqliteHand = sqlite.sqliteTable(
  "every_kind",
  {
    id: sqlite.integer("id").primaryKey({ autoIncrement: true }),
    name: sqlite.text("name").notNull(),
    note: sqlite.text("note"),
    count: sqlite.integer("count").notNull().default(0),
    total: sqlite.integer("total").notNull(),
    at: sqlite.integer("at").notNull(),
    endedAt: sqlite.integer("ended_at"),
    key: sqlite.text("key").notNull().default(""),
  },
  (t) => [
    sqlite.uniqueIndex("every_kind_name").on(t.name),
    sqlite.uniqueIndex("every_kind_open").on(t.name, t.key).where(sql`ended_at is null`),
    sqlite.index("every_kind_at").on(t.at, t.id),
  ],
);

const byPgHand = pg.pgTable(
  "every_kind",
  {
    id: pg.bigserial("id", { mode: "number" }).primaryKey(),
    name: pg.text("name").notNull(),
    note: pg.text("note"),
    count: pg.integer("count").notNull().default(0),
    total: pg.bigint("total", { mode: "number" }).notNull(),
    at: pg.bigint("at", { mode: "number" }).notNull(),
    endedAt: pg.bigint("ended_at", { mode: "number" }),
    key: pg.text("key").notNull().default(""),
  },
  (t) => [
    pg.uniqueIndex("every_kind_name").on(t.name),
    pg.uniqueIndex("every_kind_open").on(t.name, t.key).where(sql`ended_at is null`),
    pg.index("every_kind_at").on(t.at, t.id),
  ],
);

const keyedSpec = table(
  "pairs",
  { left: text("left").notNull(), right: text("right").notNull(), since: ms("since").primaryKey() },
  (t) => [primaryKey({ columns: [t.left, t.right] })],
);
const keyedSqliteHand = sqlite.sqliteTable(
  "pairs",
  { left: sqlite.text("left").notNull(), right: sqlite.text("right").notNull(), since: sqlite.integer("since").primaryKey() },
  (t) => [sqlite.primaryKey({ columns: [t.left, t.right] })],
);
const keyedPgHand = pg.pgTable(
  "pairs",
  { left: pg.text("left").notNull(), right: pg.text("right").notNull(), since: pg.bigint("since", { mode: "number" }).primaryKey() },
  (t) => [pg.primaryKey({ columns: [t.left, t.right] })],
);

/** The snapshot drizzle-kit writes for these tables, without its random id. */
async function sqliteSnapshot(schema: Record<string, unknown>) {
  const { id: _id, ...rest } = await generateSQLiteDrizzleJson(schema);
  return rest;
}

function pgSnapshot(schema: Record<string, unknown>) {
  const { id: _id, ...rest } = generateDrizzleJson(schema);
  return rest;
}

describe("sqliteTableFrom", () => {
  it("builds the table one would write with drizzle's SQLite builders: same columns, defaults, keys and indexes", async () => {
    const built = await sqliteSnapshot({ t: sqliteTableFrom(spec), k: sqliteTableFrom(keyedSpec) });
    expect(built).toStrictEqual(await sqliteSnapshot({ t: bySqliteHand, k: keyedSqliteHand }));
    // What the spec says, as drizzle-kit will write it.
    const columns = built.tables["every_kind"]?.columns;
    expect(columns?.["id"]).toMatchObject({ type: "integer", primaryKey: true, autoincrement: true });
    expect(columns?.["at"]).toMatchObject({ type: "integer", notNull: true });
    expect(columns?.["count"]).toMatchObject({ type: "integer", notNull: true, default: 0 });
    expect(built.tables["every_kind"]?.indexes["every_kind_open"]).toMatchObject({ columns: ["name", "key"], isUnique: true, where: "ended_at is null" });
  });

  it("infers the same row types as the hand-written table", () => {
    const built = sqliteTableFrom(spec);
    expectTypeOf(built).toEqualTypeOf(bySqliteHand);
    expectTypeOf(built.$inferSelect).toEqualTypeOf<{
      id: number;
      name: string;
      note: string | null;
      count: number;
      total: number;
      at: number;
      endedAt: number | null;
      key: string;
    }>();
    expectTypeOf(built.$inferInsert).toEqualTypeOf<{
      id?: number;
      name: string;
      note?: string | null;
      count?: number;
      total: number;
      at: number;
      endedAt?: number | null;
      key?: string;
    }>();
    expectTypeOf(sqliteTableFrom(keyedSpec)).toEqualTypeOf(keyedSqliteHand);
  });
});

describe("pgTableFrom", () => {
  it("builds the table one would write with drizzle's Postgres builders: bigint times, bigserial ids", () => {
    const built = pgSnapshot({ t: pgTableFrom(spec), k: pgTableFrom(keyedSpec) });
    expect(built).toStrictEqual(pgSnapshot({ t: byPgHand, k: keyedPgHand }));
    const columns = built.tables["public.every_kind"]?.columns;
    expect(columns?.["id"]).toMatchObject({ type: "bigserial", primaryKey: true });
    expect(columns?.["at"]).toMatchObject({ type: "bigint", notNull: true });
    expect(columns?.["count"]).toMatchObject({ type: "integer", notNull: true, default: 0 });
  });

  it("infers the same row types as the hand-written table, and as SQLite's", () => {
    const built = pgTableFrom(spec);
    expectTypeOf(built).toEqualTypeOf(byPgHand);
    expectTypeOf(built.$inferSelect).toEqualTypeOf(sqliteTableFrom(spec).$inferSelect);
    expectTypeOf(built.$inferInsert).toEqualTypeOf(sqliteTableFrom(spec).$inferInsert);
    expectTypeOf(pgTableFrom(keyedSpec)).toEqualTypeOf(keyedPgHand);
  });
});

describe("table", () => {
  it("refuses, when defined, an index over a column that is not the table's, naming both", () => {
    const other = text("other_id");
    expect(() => table("wrong", { id: text("id").primaryKey() }, () => [index("wrong_other").on(other)])).toThrow(
      "table wrong: an index or key names column other_id, which is not one of its columns",
    );
  });
});
