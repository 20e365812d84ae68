import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  generateDrizzleJson,
  generateMigration,
  generateSQLiteDrizzleJson,
  generateSQLiteMigration,
  type DrizzleSnapshotJSON,
  type DrizzleSQLiteSnapshotJSON,
} from "drizzle-kit/api";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../shared/package-root.js";
import { pgTableFrom } from "../pg/pg-table-from.js";
import * as pgSchema from "../pg/schema.js";
import * as sqliteSchema from "../sqlite/schema.js";
import { sqliteTableFrom } from "../sqlite/sqlite-table-from.js";
import { table, text } from "./table-spec.js";
import * as tables from "./tables.js";

// What `npm run db:generate` does, without writing files: the schema as drizzle-kit reads it,
// compared with the snapshot the newest migration left.

function newestSnapshot<T>(dialect: "sqlite" | "pg"): T {
  const meta = join(packageRoot(), "migrations", dialect, "meta");
  const journal = JSON.parse(readFileSync(join(meta, "_journal.json"), "utf8")) as { entries: { idx: number }[] };
  const newest = journal.entries.at(-1);
  if (!newest) throw new Error(`migrations/${dialect}: the journal lists no migration`);
  return JSON.parse(readFileSync(join(meta, `${String(newest.idx).padStart(4, "0")}_snapshot.json`), "utf8")) as T;
}

async function sqliteChanges(schema: Record<string, unknown>): Promise<string[]> {
  return generateSQLiteMigration(newestSnapshot<DrizzleSQLiteSnapshotJSON>("sqlite"), await generateSQLiteDrizzleJson(schema));
}

async function pgChanges(schema: Record<string, unknown>): Promise<string[]> {
  return generateMigration(newestSnapshot<DrizzleSnapshotJSON>("pg"), generateDrizzleJson(schema));
}

/** alert_groups as in tables.ts plus one column, written once. */
const alertGroupsPlusColumn = table(tables.alertGroups.name, { ...tables.alertGroups.columns, escalatedTo: text("escalated_to") }, () => [
  ...tables.alertGroups.extras,
]);

describe("the drizzle schemas and the migrations", () => {
  it("SQLite: the schema is what the migrations build, so db:generate writes nothing", async () => {
    expect(await sqliteChanges(sqliteSchema)).toStrictEqual([]);
  });

  it("Postgres: the schema is what the migrations build, so db:generate writes nothing", async () => {
    expect(await pgChanges(pgSchema)).toStrictEqual([]);
  });

  it("a column added once to a shared table reaches both dialects' migrations", async () => {
    expect(await sqliteChanges({ ...sqliteSchema, alertGroups: sqliteTableFrom(alertGroupsPlusColumn) })).toStrictEqual([
      "ALTER TABLE `alert_groups` ADD `escalated_to` text;",
    ]);
    expect(await pgChanges({ ...pgSchema, alertGroups: pgTableFrom(alertGroupsPlusColumn) })).toStrictEqual([
      'ALTER TABLE "alert_groups" ADD COLUMN "escalated_to" text;',
    ]);
  });
});
