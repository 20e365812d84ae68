import { parseDuration } from "../../shared/duration.js";
import { LATEST_SILENCE_END_MS } from "../../alerts/latest-silence-end.js";
import { ApiError, badParameter } from "./api-error.js";

/** RFC 3339 / ISO 8601 date-time with a zone: `2026-11-21T09:00:00Z`, `2026-11-21T10:00+01:00`. */
const ISO_TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;
export const ISO_EXAMPLE = "2026-11-21T09:00:00Z";

/**
 * The query of one API request: only the parameters an endpoint knows, each at most once, so a typo
 * (`?sate=open`) is a 400 naming it rather than a filter silently left out.
 */
export class ApiQuery {
  private constructor(private readonly params: URLSearchParams) {}

  static parse(url: string, allowed: readonly string[]): ApiQuery {
    const params = new URL(url, "http://calpage.invalid").searchParams;
    for (const key of new Set(params.keys())) {
      if (!allowed.includes(key)) {
        const known = allowed.length ? `; this endpoint takes ${allowed.join(", ")}` : "; this endpoint takes none";
        throw badParameter(key, `unknown query parameter${known}`);
      }
      if (params.getAll(key).length > 1) throw badParameter(key, "given more than once; give it once");
    }
    return new ApiQuery(params);
  }

  /** The parameter's value; undefined when absent. An empty value is a 400 (`?at=` is a mistake, not "now"). */
  text(name: string): string | undefined {
    const v = this.params.get(name);
    if (v === null) return undefined;
    if (v.trim() === "") throw badParameter(name, "is empty; leave it out or give a value");
    return v.trim();
  }

  time(name: string): Date | undefined {
    const v = this.text(name);
    // An unencoded `+01:00` in a URL arrives as ` 01:00` (a + in a query is a space).
    return v === undefined ? undefined : parseIsoTime(name, v.replace(/(T[\d:.]+) (\d{2}:?\d{2})$/, "$1+$2"));
  }

  integer(name: string, min: number, max: number): number | undefined {
    const v = this.text(name);
    if (v === undefined) return undefined;
    const n = /^\d+$/.test(v) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) throw badParameter(name, `expected a whole number from ${min} to ${max}, found "${v}"`);
    return n;
  }
}

/** An ISO 8601 time with its zone (query parameter or body key `field`). */
export function parseIsoTime(field: string, value: string): Date {
  const d = ISO_TIME_RE.test(value) && realDay(value) ? new Date(value) : new Date(NaN);
  if (Number.isNaN(d.getTime())) throw badParameter(field, `expected an ISO 8601 time with a zone like ${ISO_EXAMPLE}, found "${value}"`);
  return d;
}

/** `2026-02-30` is not a day (Date would roll it over to March 2). */
function realDay(value: string): boolean {
  const [y, m, d] = value.slice(0, 10).split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDate() === d;
}

/** A group number in a path (`/alert-groups/42`). */
export function parseGroupNumber(text: string): number {
  const n = /^\d{1,15}$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0) throw new ApiError(400, "invalid_parameter", `number: expected an alert group number like 42, found "${text}"`, "number");
  return n;
}

/** Cursors are opaque to clients: `g` and the last group number of the page before, base64url. */
export function encodeCursor(lastNumber: number): string {
  return Buffer.from(`g${lastNumber}`).toString("base64url");
}

export function decodeCursor(cursor: string): number {
  const m = /^g(\d{1,15})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  const n = m ? Number(m[1]) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0) throw badParameter("cursor", "not a cursor calpage gave out; pass nextCursor from the previous page as it is");
  return n;
}


/**
 * The body of `POST …/silence`: `{"duration": "2h"}`, `{"duration": "forever"}` or `{"until": "<ISO time>"}`.
 * Seconds from `now`, or null for forever.
 */
export function parseSilenceBody(body: unknown, now: number): number | null {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw badParameter("body", 'expected a JSON object like {"duration": "2h"} or {"until": "2026-11-21T09:00:00Z"}');
  const b = body as Record<string, unknown>;
  for (const key of Object.keys(b)) if (key !== "duration" && key !== "until") throw badParameter(key, "unknown key; a silence takes duration or until");
  if (b.duration !== undefined && b.until !== undefined) throw badParameter("until", "give duration or until, not both");
  if (b.duration !== undefined) {
    if (typeof b.duration !== "string") throw badParameter("duration", 'expected a duration like "30m", "2h" or "forever"');
    if (b.duration.trim().toLowerCase() === "forever") return null;
    const seconds = parseDuration(b.duration);
    if (seconds === null || seconds <= 0) throw badParameter("duration", `expected a duration like "30m", "2h" or "forever", found "${b.duration}"`);
    // The end must be a time calpage can store, schedule and show (an `until` cannot be later either).
    if (now + seconds * 1000 > LATEST_SILENCE_END_MS) throw badParameter("duration", `"${b.duration}" ends after 9999-12-31; give a shorter duration, or "forever"`);
    return seconds;
  }
  if (b.until !== undefined) {
    if (typeof b.until !== "string") throw badParameter("until", `expected an ISO 8601 time with a zone like ${ISO_EXAMPLE}`);
    const until = parseIsoTime("until", b.until).getTime();
    if (until <= now) throw badParameter("until", "is not in the future");
    return Math.ceil((until - now) / 1000);
  }
  throw badParameter("duration", 'missing; a silence needs {"duration": "2h"} (or "forever") or {"until": "<ISO time>"}');
}
