import { getTableName, is, Table } from "drizzle-orm";
import { describe, expect, expectTypeOf, it } from "vitest";
import * as pgSchema from "../pg/schema.js";
import * as sqliteSchema from "../sqlite/schema.js";
import * as tables from "./tables.js";

type Shared = keyof typeof tables;

// Row types per shared table on each dialect; the repositories rely on them being the same.
type SqliteRows = { [K in Shared]: [(typeof sqliteSchema)[K]["$inferSelect"], (typeof sqliteSchema)[K]["$inferInsert"]] };
type PgRows = { [K in Shared]: [(typeof pgSchema)[K]["$inferSelect"], (typeof pgSchema)[K]["$inferInsert"]] };

function tableNames(schema: Record<string, unknown>): Map<string, string> {
  return new Map(Object.entries(schema).flatMap(([field, v]) => (is(v, Table) ? [[field, getTableName(v)] as const] : [])));
}

describe("the shared tables (src/store/schema/tables.ts)", () => {
  it("are each exported by both dialects' schemas, under the same name and as the same table", () => {
    const sqlite = tableNames(sqliteSchema);
    const pg = tableNames(pgSchema);
    const shared = Object.entries(tables).map(([field, spec]) => [field, spec.name] as const);
    expect(shared.length).toBeGreaterThan(0);
    for (const [field, name] of shared) {
      expect({ field, sqlite: sqlite.get(field), pg: pg.get(field) }).toStrictEqual({ field, sqlite: name, pg: name });
    }
  });

  it("leave to one dialect only the tables that are genuinely its own", () => {
    const only = (mine: Map<string, string>, theirs: Map<string, string>) => [...mine.keys()].filter((f) => !theirs.has(f)).sort();
    expect(only(tableNames(sqliteSchema), tableNames(pgSchema))).toStrictEqual(["jobs"]);
    expect(only(tableNames(pgSchema), tableNames(sqliteSchema))).toStrictEqual(["workerHeartbeats"]);
  });

  it("have the same precise row types on both dialects (checked by npm run typecheck)", () => {
    expectTypeOf<SqliteRows>().toEqualTypeOf<PgRows>();
    expectTypeOf<SqliteRows["stormSummaries"][0]>().toEqualTypeOf<{
      id: string;
      channel: string;
      startedAt: number;
      endedAt: number | null;
      slackChannelId: string | null;
      slackTs: string | null;
    }>();
    expectTypeOf<PgRows["logEntries"][1]>().toEqualTypeOf<{
      id?: number;
      groupId: string;
      at: number;
      kind: string;
      text: string;
      slackTs?: string | null;
    }>();
    expectTypeOf<PgRows["alerts"][1]["alertKey"]>().toEqualTypeOf<string | undefined>();
  });
});
