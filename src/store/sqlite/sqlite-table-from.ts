import type { BuildColumns } from "drizzle-orm";
import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
  type SQLiteColumn,
  type SQLiteColumnBuilderBase,
  type SQLiteTableWithColumns,
} from "drizzle-orm/sqlite-core";
import {
  constrain,
  fieldOf,
  PrimaryKeySpec,
  type AnyColumnSpec,
  type ColumnSpec,
  type ColumnSpecs,
  type Constrainable,
  type Constrained,
  type ExtraSpec,
  type TableSpec,
} from "../schema/table-spec.js";

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

/** The drizzle column builder for a column spec, typed exactly as the hand-written chain would be. */
export type SqliteColumnBuilder<S> = S extends ColumnSpec<infer K, infer N> ? Constrained<KindBuilders<N>[K], S> : never;

export type SqliteColumnBuilders<C extends ColumnSpecs> = { [F in keyof C]: SqliteColumnBuilder<C[F]> };

export type SqliteTableFrom<N extends string, C extends ColumnSpecs> = SQLiteTableWithColumns<{
  name: N;
  schema: undefined;
  columns: BuildColumns<N, SqliteColumnBuilders<C>, "sqlite">;
  dialect: "sqlite";
}>;

interface Builder extends SQLiteColumnBuilderBase, Constrainable<Builder> {}

function column(spec: AnyColumnSpec): SQLiteColumnBuilderBase {
  return constrain<Builder>(spec, kinds[spec.kind](spec.name));
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
