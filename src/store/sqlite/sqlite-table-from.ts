import { index, integer, primaryKey, sqliteTable, text, uniqueIndex, type SQLiteColumn, type SQLiteColumnBuilderBase, type SQLiteTableWithColumns } from "drizzle-orm/sqlite-core";
import type { BuildColumns } from "drizzle-orm";
import { fieldOf, PrimaryKeySpec, type AnyColumnSpec, type ColumnSpec, type ColumnSpecs, type ExtraSpec, type TableSpec } from "../schema/table-spec.js";

/**
 * How each column kind of src/store/schema/table-spec.ts is stored in SQLite: every number
 * is a 64-bit `integer` (times too, as epoch milliseconds), and `serial` is an
 * autoincrementing integer primary key (a rowid alias).
 */
const kinds = {
  text: <N extends string>(name: N) => text(name),
  integer: <N extends string>(name: N) => integer(name),
  bigint: <N extends string>(name: N) => integer(name),
  ms: <N extends string>(name: N) => integer(name),
  serial: <N extends string>(name: N) => integer(name).primaryKey({ autoIncrement: true }),
};

interface KindBuilders<N extends string> {
  text: ReturnType<typeof kinds.text<N>>;
  integer: ReturnType<typeof kinds.integer<N>>;
  bigint: ReturnType<typeof kinds.bigint<N>>;
  ms: ReturnType<typeof kinds.ms<N>>;
  serial: ReturnType<typeof kinds.serial<N>>;
}

// The builder drizzle's own chain would give: base, then .primaryKey(), .notNull(), .default().
type WithPrimaryKey<B, PK> = PK extends true ? (B extends { primaryKey(): infer R } ? R : never) : B;
type WithNotNull<B, NN> = NN extends true ? (B extends { notNull(): infer R } ? R : never) : B;
type WithDefault<B, HD> = HD extends true ? (B extends { default(value: never): infer R } ? R : never) : B;

/** The drizzle SQLite column builder for a column spec, typed as precisely as a hand-written one. */
export type SqliteColumnBuilder<S> =
  S extends ColumnSpec<infer K, infer N, infer NN, infer HD, infer PK>
    ? K extends "serial"
      ? KindBuilders<N>["serial"]
      : WithDefault<WithNotNull<WithPrimaryKey<KindBuilders<N>[K], PK>, NN>, HD>
    : never;

export type SqliteColumnBuilders<C extends ColumnSpecs> = { [F in keyof C]: SqliteColumnBuilder<C[F]> };

export type SqliteTableFrom<N extends string, C extends ColumnSpecs> = SQLiteTableWithColumns<{
  name: N;
  schema: undefined;
  columns: BuildColumns<N, SqliteColumnBuilders<C>, "sqlite">;
  dialect: "sqlite";
}>;

/** Loose view of a builder for the runtime chain below (the types above say what it yields). */
interface Chain extends SQLiteColumnBuilderBase {
  primaryKey(): Chain;
  notNull(): Chain;
  default(value: unknown): Chain;
}

function column(spec: AnyColumnSpec): SQLiteColumnBuilderBase {
  if (spec.kind === "serial") return kinds.serial(spec.name);
  let b: Chain = kinds[spec.kind](spec.name);
  if (spec.isPrimaryKey) b = b.primaryKey();
  if (spec.isNotNull) b = b.notNull();
  if (spec.hasDefault) b = b.default(spec.defaultValue);
  return b;
}

function extra(spec: Pick<TableSpec, "name" | "columns">, e: ExtraSpec, t: Record<string, SQLiteColumn>) {
  const [first, ...rest] = e.columns.map((c) => t[fieldOf(spec, c)] as SQLiteColumn);
  if (first === undefined) throw new Error(`table ${spec.name}: an index or key without columns`);
  if (e instanceof PrimaryKeySpec) return primaryKey({ columns: [first, ...rest] });
  const built = (e.unique ? uniqueIndex : index)(e.name).on(first, ...rest);
  return e.condition ? built.where(e.condition) : built;
}

/** The SQLite table for a shared table spec (src/store/schema/tables.ts). */
export function sqliteTableFrom<N extends string, C extends ColumnSpecs>(spec: TableSpec<N, C>): SqliteTableFrom<N, C> {
  const columns = Object.fromEntries(Object.entries(spec.columns).map(([field, c]) => [field, column(c)]));
  const built = sqliteTable(spec.name, columns, (t) => spec.extras.map((e) => extra(spec, e, t)));
  return built as unknown as SqliteTableFrom<N, C>;
}
