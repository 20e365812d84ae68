import type { BuildColumns } from "drizzle-orm";
import {
  bigint,
  bigserial,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  type ExtraConfigColumn,
  type PgColumnBuilderBase,
  type PgTableWithColumns,
} from "drizzle-orm/pg-core";
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
 * How each column kind of src/store/schema/table-spec.ts is stored in Postgres: `integer`
 * is 32-bit; `bigint` and `ms` (epoch-millisecond times) are `bigint` read as JS numbers
 * (mode "number": exact up to 2^53, which epoch ms stay far below), so rows have the same
 * TypeScript types as on SQLite; `serial` is a `bigserial` primary key.
 */
const kinds = {
  text: <N extends string>(name: N) => text(name),
  integer: <N extends string>(name: N) => integer(name),
  bigint: <N extends string>(name: N) => bigint(name, { mode: "number" }),
  ms: <N extends string>(name: N) => bigint(name, { mode: "number" }),
  serial: <N extends string>(name: N) => bigserial(name, { mode: "number" }).primaryKey(),
};

interface KindBuilders<N extends string> {
  text: ReturnType<typeof kinds.text<N>>;
  integer: ReturnType<typeof kinds.integer<N>>;
  bigint: ReturnType<typeof kinds.bigint<N>>;
  ms: ReturnType<typeof kinds.ms<N>>;
  serial: ReturnType<typeof kinds.serial<N>>;
}

/** The drizzle column builder for a column spec, typed exactly as the hand-written chain would be. */
export type PgColumnBuilder<S> = S extends ColumnSpec<infer K, infer N> ? Constrained<KindBuilders<N>[K], S> : never;

export type PgColumnBuilders<C extends ColumnSpecs> = { [F in keyof C]: PgColumnBuilder<C[F]> };

export type PgTableFrom<N extends string, C extends ColumnSpecs> = PgTableWithColumns<{
  name: N;
  schema: undefined;
  columns: BuildColumns<N, PgColumnBuilders<C>, "pg">;
  dialect: "pg";
}>;

interface Builder extends PgColumnBuilderBase, Constrainable<Builder> {}

function column(spec: AnyColumnSpec): PgColumnBuilderBase {
  return constrain<Builder>(spec, kinds[spec.kind](spec.name));
}

function extra(spec: Pick<TableSpec, "name" | "columns">, e: ExtraSpec, t: Record<string, ExtraConfigColumn>) {
  const [first, ...rest] = e.columns.map((c) => t[fieldOf(spec, c)] as ExtraConfigColumn);
  if (first === undefined) throw new Error(`table ${spec.name}: an index or key without columns`);
  if (e instanceof PrimaryKeySpec) return primaryKey({ columns: [first, ...rest] });
  const built = (e.unique ? uniqueIndex : index)(e.name).on(first, ...rest);
  return e.condition ? built.where(e.condition) : built;
}

/** The Postgres table for a shared table spec (src/store/schema/tables.ts). */
export function pgTableFrom<N extends string, C extends ColumnSpecs>(spec: TableSpec<N, C>): PgTableFrom<N, C> {
  const columns = Object.fromEntries(Object.entries(spec.columns).map(([field, c]) => [field, column(c)]));
  const built = pgTable(spec.name, columns, (t) => spec.extras.map((e) => extra(spec, e, t)));
  return built as unknown as PgTableFrom<N, C>;
}
