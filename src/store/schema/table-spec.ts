import type { SQL } from "drizzle-orm";

/*
 * A dialect-neutral description of a table, written once in src/store/schema/tables.ts and
 * turned into a drizzle table per dialect by src/store/sqlite/sqlite-table-from.ts and
 * src/store/pg/pg-table-from.ts. It reads like drizzle's own builders (`text("x").notNull()`,
 * `index("i").on(t.a)`) but names a kind of value instead of a database type; what each kind
 * is stored as is decided in exactly those two files:
 *
 *   kind     | SQLite                                 | Postgres
 *   ---------|----------------------------------------|------------------------------------------
 *   text     | text                                   | text
 *   integer  | integer                                | integer (32-bit)
 *   bigint   | integer (64-bit)                       | bigint, read as a JS number
 *   ms       | integer: a time in epoch milliseconds  | bigint, read as a JS number
 *   serial   | integer primary key autoincrement      | bigserial primary key, read as a JS number
 *
 * JSON is `text` on both (the repositories parse it), not jsonb.
 */

export type ColumnKind = "text" | "integer" | "bigint" | "ms" | "serial";

/** What a column of that kind holds in TypeScript, on both dialects. */
export type ColumnData<K extends ColumnKind> = K extends "text" ? string : number;

/**
 * One column: its kind, its database name and its constraints. The type parameters
 * record what drizzle needs to infer precise row types (not null, has a default,
 * primary key), so each dialect's table infers the same select/insert types as a
 * hand-written drizzle table.
 */
export class ColumnSpec<
  K extends ColumnKind = ColumnKind,
  N extends string = string,
  NotNull extends boolean = boolean,
  HasDefault extends boolean = boolean,
  PrimaryKey extends boolean = boolean,
> {
  constructor(
    readonly kind: K,
    readonly name: N,
    readonly isNotNull: NotNull,
    readonly hasDefault: HasDefault,
    readonly isPrimaryKey: PrimaryKey,
    readonly defaultValue?: ColumnData<K>,
  ) {}

  notNull(): ColumnSpec<K, N, true, HasDefault, PrimaryKey> {
    return new ColumnSpec(this.kind, this.name, true, this.hasDefault, this.isPrimaryKey, this.defaultValue);
  }

  /** A constant default (written into the migration, so inserts may leave the column out). */
  default(value: ColumnData<K>): ColumnSpec<K, N, NotNull, true, PrimaryKey> {
    return new ColumnSpec(this.kind, this.name, this.isNotNull, true, this.isPrimaryKey, value);
  }

  /** A single-column primary key (implies not null). For several columns use {@link primaryKey}. */
  primaryKey(): ColumnSpec<K, N, true, HasDefault, true> {
    return new ColumnSpec(this.kind, this.name, true, this.hasDefault, true, this.defaultValue);
  }
}

export type AnyColumnSpec = ColumnSpec;

// The builder type drizzle's own chain gives: the dialect's base builder for the kind, then
// .primaryKey(), .notNull(), .default() as the spec asks (a serial's base is already its key).
type WithPrimaryKey<B, PK> = PK extends true ? (B extends { primaryKey(): infer R } ? R : never) : B;
type WithNotNull<B, NN> = NN extends true ? (B extends { notNull(): infer R } ? R : never) : B;
type WithDefault<B, HD> = HD extends true ? (B extends { default(value: never): infer R } ? R : never) : B;

/** A dialect's builder `Base` for the spec's kind, with the spec's constraints: what {@link constrain} returns. */
export type Constrained<Base, S> =
  S extends ColumnSpec<infer K, string, infer NN, infer HD, infer PK>
    ? K extends "serial"
      ? Base
      : WithDefault<WithNotNull<WithPrimaryKey<Base, PK>, NN>, HD>
    : never;

/** A drizzle column builder, seen loosely enough to apply constraints in either dialect. */
export interface Constrainable<Self> {
  primaryKey(): Self;
  notNull(): Self;
  default(value: unknown): Self;
}

/** Applies the spec's constraints to the dialect's base builder for its kind (see {@link Constrained}). */
export function constrain<B extends Constrainable<B>>(spec: AnyColumnSpec, base: B): B {
  if (spec.kind === "serial") return base;
  let b = base;
  if (spec.isPrimaryKey) b = b.primaryKey();
  if (spec.isNotNull) b = b.notNull();
  if (spec.hasDefault) b = b.default(spec.defaultValue);
  return b;
}

/** Text (also JSON, stored as text on both dialects). */
export function text<N extends string>(name: N): ColumnSpec<"text", N, false, false, false> {
  return new ColumnSpec("text", name, false, false, false);
}

/** A small integer (counts, flags 0/1): 32-bit on Postgres. */
export function integer<N extends string>(name: N): ColumnSpec<"integer", N, false, false, false> {
  return new ColumnSpec("integer", name, false, false, false);
}

/** An integer that may outgrow 32 bits, read as a JS number (safe up to 2^53). */
export function bigint<N extends string>(name: N): ColumnSpec<"bigint", N, false, false, false> {
  return new ColumnSpec("bigint", name, false, false, false);
}

/** A time: epoch milliseconds, read as a JS number on both dialects. */
export function ms<N extends string>(name: N): ColumnSpec<"ms", N, false, false, false> {
  return new ColumnSpec("ms", name, false, false, false);
}

/** An ascending id the database assigns: the table's primary key. */
export function serial<N extends string>(name: N): ColumnSpec<"serial", N, true, true, true> {
  return new ColumnSpec("serial", name, true, true, true);
}

export type ColumnSpecs = Record<string, AnyColumnSpec>;

/** An index or unique index over some of the table's columns, optionally partial. */
export class IndexSpec {
  constructor(
    readonly name: string,
    readonly unique: boolean,
    readonly columns: readonly AnyColumnSpec[],
    readonly condition?: SQL,
  ) {}

  /** Makes it a partial index; the condition is raw SQL both dialects must accept. */
  where(condition: SQL): IndexSpec {
    return new IndexSpec(this.name, this.unique, this.columns, condition);
  }
}

function indexOn(name: string, unique: boolean) {
  return { on: (...columns: [AnyColumnSpec, ...AnyColumnSpec[]]) => new IndexSpec(name, unique, columns) };
}

export function index(name: string): { on(...columns: [AnyColumnSpec, ...AnyColumnSpec[]]): IndexSpec } {
  return indexOn(name, false);
}

export function uniqueIndex(name: string): { on(...columns: [AnyColumnSpec, ...AnyColumnSpec[]]): IndexSpec } {
  return indexOn(name, true);
}

/** A primary key over several columns (drizzle names it `<table>_<col>_<col>_pk`). */
export class PrimaryKeySpec {
  constructor(readonly columns: readonly AnyColumnSpec[]) {}
}

export function primaryKey(config: { columns: [AnyColumnSpec, ...AnyColumnSpec[]] }): PrimaryKeySpec {
  return new PrimaryKeySpec(config.columns);
}

export type ExtraSpec = IndexSpec | PrimaryKeySpec;

export interface TableSpec<N extends string = string, C extends ColumnSpecs = ColumnSpecs> {
  readonly name: N;
  readonly columns: C;
  /** Indexes and composite primary keys over the columns above. */
  readonly extras: readonly ExtraSpec[];
}

/**
 * A table: its columns by field name, and its indexes and keys over them (by object, as
 * in drizzle). Build it per dialect with `sqliteTableFrom` / `pgTableFrom`.
 */
export function table<N extends string, C extends ColumnSpecs>(name: N, columns: C, extras: (t: C) => ExtraSpec[] = () => []): TableSpec<N, C> {
  const spec = { name, columns, extras: extras(columns) };
  for (const e of spec.extras) for (const c of e.columns) fieldOf(spec, c);
  return spec;
}

/** The field name a column spec has in its table (for the dialect builders). */
export function fieldOf(spec: Pick<TableSpec, "name" | "columns">, column: AnyColumnSpec): string {
  const field = Object.keys(spec.columns).find((k) => spec.columns[k] === column);
  if (field === undefined) throw new Error(`table ${spec.name}: an index or key names column ${column.name}, which is not one of its columns`);
  return field;
}
