import { fail, ok, type Result } from "../shared/result.js";

/** An ISO time option (`--at 2026-11-21T09:00:00Z`); missing = `fallback`. */
export function parseTimeOption(name: string, value: string | undefined, fallback: Date): Result<Date> {
  if (value === undefined) return ok(fallback);
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? fail(`${name} ${value}: expected an ISO time like 2026-11-21T09:00:00Z`) : ok(d);
}
