import { sql, type SQL } from "drizzle-orm";

/** `a_b` column name for a camelCase field. */
export function column(field: string): string {
  return field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** `SET col1 = v1, col2 = v2` from a patch object; `json` fields are serialised. */
export function setClause(patch: Record<string, unknown>, json: readonly string[]): SQL {
  const parts = Object.entries(patch)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => sql`${sql.identifier(column(k))} = ${json.includes(k) ? JSON.stringify(v) : v}`);
  return sql.join(parts, sql`, `);
}

/** `(c1, c2) VALUES (v1, v2)` for an insert. */
export function insertClause(row: Record<string, unknown>, json: readonly string[]): SQL {
  const keys = Object.keys(row).filter((k) => row[k] !== undefined);
  const cols = sql.join(keys.map((k) => sql.identifier(column(k))), sql`, `);
  const vals = sql.join(keys.map((k) => sql`${json.includes(k) ? JSON.stringify(row[k]) : row[k]}`), sql`, `);
  return sql`(${cols}) values (${vals})`;
}

export function parseJson<T>(v: unknown, fallback: T): T {
  if (typeof v !== "string") return (v as T) ?? fallback;
  try {
    return JSON.parse(v) as T;
  } catch {
    return fallback;
  }
}
