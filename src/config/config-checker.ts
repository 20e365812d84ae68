import { IANAZone } from "luxon";
import { formatDuration, parseDuration } from "../shared/duration.js";
import { CHANNEL_EXPECTATION, CHANNEL_RE, NAME_EXPECTATION, NAME_RE, TOKEN_MIN_LENGTH, TOKEN_RE } from "./config-shape.js";
import type { ConfigProblem } from "./config-types.js";

/**
 * Problem collection and small typed readers over the plain JS tree of `calpage.yaml`,
 * shared by the section validators. Each reader reports what is wrong (with an example)
 * and returns null, so a validator can go on and find every other problem too.
 */

export function joinKey(parent: string, key: string): string {
  return parent === "" ? key : `${parent}.${key}`;
}

export function parentPath(p: string): string {
  const m = /^(.*)(\[\d+\]|\.[^.[\]]*)$/s.exec(p);
  return m ? m[1]! : "";
}

export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
export const isEmpty = (v: unknown): v is null | undefined => v === null || v === undefined;

export class Checker {
  readonly problems: ConfigProblem[] = [];
  /** Things that work but likely not as meant; they do not stop calpage (see {@link warn}). */
  readonly warnings: ConfigProblem[] = [];

  constructor(
    private readonly lines: ReadonlyMap<string, number>,
    private readonly commentedOut: ReadonlyMap<string, string>,
    /** Values whose ${VAR} substitution failed: already reported, so their validation would only repeat it. */
    private readonly unsubstituted: ReadonlySet<string>,
  ) {}

  lineOf(p: string): number | null {
    for (let cur = p; ; cur = parentPath(cur)) {
      const line = this.lines.get(cur);
      if (line !== undefined) return line;
      if (cur === "") return null;
    }
  }

  report(p: string, message: string, always = false): void {
    if (this.unsubstituted.has(p) && !always) return;
    this.problems.push({ path: p, message, line: p.startsWith("env.") ? null : this.lineOf(p) });
  }

  /** A problem at a line other than the key's (e.g. inside a multi-line template). */
  reportAt(p: string, message: string, line: number | null): void {
    if (this.unsubstituted.has(p)) return;
    this.problems.push({ path: p, message, line: line ?? this.lineOf(p) });
  }

  /** Whether the value's ${VAR} substitution failed (already reported). */
  isUnsubstituted(p: string): boolean {
    return this.unsubstituted.has(p);
  }

  /** A warning: the value is valid and used, but it will not do all it says (e.g. a ladder the paging limits cut). */
  warn(p: string, message: string): void {
    this.warnings.push({ path: p, message, line: this.lineOf(p) });
  }

  /** Reports a missing (or empty) required value; notices a value YAML swallowed as a comment. */
  missing(p: string, expectation: string): void {
    const comment = this.commentedOut.get(p);
    if (comment !== undefined) this.report(p, `"${comment}" was read as a YAML comment; quote it: "${comment}"`);
    else this.report(p, `missing; expected ${expectation}`);
  }

  /** A mapping; reports keys outside `keys` (with a did-you-mean). */
  object(v: unknown, p: string, keys: readonly string[], expectation: string): Obj | null {
    if (!isObj(v)) {
      if (isEmpty(v)) this.missing(p, expectation);
      else this.report(p, `expected ${expectation}, found ${describe(v)}`);
      return null;
    }
    for (const key of Object.keys(v)) {
      if (!keys.includes(key)) this.report(joinKey(p, key), unknownKeyMessage(key, keys), true);
    }
    return v;
  }

  /** A list; absent/null gives [] unless required. */
  list(v: unknown, p: string, required: boolean, expectation: string): unknown[] | null {
    if (Array.isArray(v)) return v;
    if (isEmpty(v)) {
      if (!required) return [];
      this.missing(p, expectation);
      return null;
    }
    this.report(p, `expected ${expectation}, found ${describe(v)}`);
    return null;
  }

  /** A non-empty (trimmed) string; null when absent or bad (bad and required-but-absent are reported). */
  text(v: unknown, p: string, required: boolean, expectation: string): string | null {
    if (isEmpty(v)) {
      if (required) this.missing(p, expectation);
      else if (this.commentedOut.has(p)) this.missing(p, expectation);
      return null;
    }
    if (typeof v !== "string") {
      const hint = typeof v === "number" || typeof v === "boolean" ? ` (quote it if you meant the text "${String(v)}")` : "";
      this.report(p, `expected ${expectation}, found ${describe(v)}${hint}`);
      return null;
    }
    const s = v.trim();
    if (s === "") {
      if (required) this.report(p, `expected ${expectation}, found an empty value`);
      return null;
    }
    return s;
  }

  /** A string matching `re` (or failing with `expectation`). */
  pattern(v: unknown, p: string, required: boolean, re: RegExp, expectation: string): string | null {
    const s = this.text(v, p, required, expectation);
    if (s === null) return null;
    if (!re.test(s)) {
      this.report(p, `expected ${expectation}, found ${describe(s)}`);
      return null;
    }
    return s;
  }

  /** A duration like `5m`, in seconds. */
  duration(v: unknown, p: string, required: boolean): number | null {
    const expectation = "a duration like 5m";
    if (typeof v === "number") {
      this.report(p, `expected ${expectation}, found the number ${v} (add a unit: s, m, h, d or w)`);
      return null;
    }
    const s = this.text(v, p, required, expectation);
    if (s === null) return null;
    const seconds = parseDuration(s);
    if (seconds === null) {
      this.report(p, `expected ${expectation}, found ${describe(s)}`);
      return null;
    }
    return seconds;
  }

  /** A unique name following NAME_RE; `seen` maps names to the path that first used them. */
  name(v: unknown, p: string, kind: string, seen: Map<string, string>): string | null {
    const s = this.pattern(v, p, true, NAME_RE, NAME_EXPECTATION);
    if (s === null) return null;
    const first = seen.get(s);
    if (first !== undefined) {
      this.report(p, `duplicate ${kind} name "${s}" (also ${parentPath(first)}); names must be unique`);
      return null;
    }
    seen.set(s, p);
    return s;
  }

  channel(v: unknown, p: string): string | null {
    return this.pattern(v, p, false, CHANNEL_RE, CHANNEL_EXPECTATION);
  }

  /** true or false; `fallback` when absent or bad (bad is reported). */
  bool(v: unknown, p: string, fallback: boolean): boolean {
    if (typeof v === "boolean") return v;
    if (!isEmpty(v)) this.report(p, `expected true or false, found ${describe(v)}`);
    return fallback;
  }

  /**
   * A whole number in [min, max]; `fallback` when absent, null when bad (reported).
   * `what` names the unit for the message, e.g. "calls" -> "expected a whole number of calls from 1 to 20 like 5".
   */
  integer(v: unknown, p: string, range: { min: number; max?: number; example: number; what: string }, fallback: number | null): number | null {
    if (isEmpty(v)) {
      if (fallback === null) this.missing(p, integerExpectation(range));
      return fallback;
    }
    if (typeof v !== "number" || !Number.isInteger(v) || v < range.min || (range.max !== undefined && v > range.max)) {
      const hint = typeof v === "string" && /^\s*\d+\s*$/.test(v) ? " (leave out the quotes)" : "";
      this.report(p, `expected ${integerExpectation(range)}, found ${describe(v)}${hint}`);
      return null;
    }
    return v;
  }

  /**
   * A duration of at least `min` (and at most `max`) seconds; `what` names it in the message
   * ("timeout must be from 1s to 1m, found 1m30s"). `min` 1 means "longer than 0s".
   */
  boundedDuration(v: unknown, p: string, required: boolean, what: string, min: number, max?: number): number | null {
    const seconds = this.duration(v, p, required);
    if (seconds === null) return null;
    if (seconds >= min && (max === undefined || seconds <= max)) return seconds;
    if (min === 1 && max === undefined) this.report(p, `${what} must be longer than 0s; expected a duration like 5m`);
    else if (max === undefined) this.report(p, `${what} must be at least ${formatDuration(min)}, found ${formatDuration(seconds)}`);
    else this.report(p, `${what} must be from ${formatDuration(min)} to ${formatDuration(max)}, found ${formatDuration(seconds)}`);
    return null;
  }

  /** An IANA time zone name. */
  zone(v: unknown, p: string): string | null {
    const s = this.text(v, p, false, "an IANA time zone like Europe/Berlin");
    if (s === null) return null;
    if (!IANAZone.isValidZone(s)) {
      this.report(p, unknownZoneMessage(s));
      return null;
    }
    return s;
  }

  /** An absolute http:// or https:// URL (trailing slashes kept). */
  httpUrl(v: unknown, p: string, required: boolean, example: string): string | null {
    const expectation = `an http:// or https:// URL like ${example}`;
    const s = this.text(v, p, required, expectation);
    if (s === null) return null;
    if (!isHttpUrl(s)) {
      this.report(p, `expected ${expectation}, found ${describe(s)}`);
      return null;
    }
    return s;
  }

  /**
   * A secret that becomes part of a URL: at least 16 characters of A-Z, a-z, 0-9, _ and -.
   * Messages never repeat the value. `where` says which URL, e.g. "the webhook URL".
   */
  secret(v: unknown, p: string, required: boolean, example: string, where: string, minLength = TOKEN_MIN_LENGTH): string | null {
    const expectation = `a secret like ${example} (at least ${minLength} characters of A-Z, a-z, 0-9, _ and -)`;
    if (typeof v === "number" || typeof v === "boolean") {
      this.report(p, `expected ${expectation}, found a ${typeof v}; quote it`);
      return null;
    }
    const s = this.text(v, p, required, expectation);
    if (s === null) return null;
    if (!TOKEN_RE.test(s)) {
      this.report(p, `the token may only contain A-Z, a-z, 0-9, _ and - (it is part of ${where})`);
      return null;
    }
    if (s.length < minLength) {
      this.report(p, `the token is ${s.length} characters long; use at least ${minLength} (e.g. openssl rand -hex ${Math.max(16, Math.ceil(minLength / 2))})`);
      return null;
    }
    if (s.toLowerCase().startsWith(EXAMPLE_TOKEN_PREFIX) || OLD_EXAMPLE_TOKENS.has(s)) {
      this.report(p, `the token is a published example value (it starts with "${EXAMPLE_TOKEN_PREFIX}"), so anyone could use ${where}; set your own (e.g. openssl rand -hex 16)`);
      return null;
    }
    return s;
  }
}

function integerExpectation(range: { min: number; max?: number; example: number; what: string }): string {
  const bounds = range.max === undefined ? `of at least ${range.min}` : `from ${range.min} to ${range.max}`;
  return `a whole number of ${range.what} ${bounds} like ${range.example}`;
}

export function unknownZoneMessage(zone: string): string {
  return `unknown time zone ${describe(zone)}; expected an IANA time zone like Europe/Berlin or America/New_York`;
}

export function isHttpUrl(s: string): boolean {
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return false;
  }
  return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
}

/** Tokens of published examples (the old calpage.yaml and docker-compose.yml defaults) work for nobody. */
const EXAMPLE_TOKEN_PREFIX = "change-me";
const OLD_EXAMPLE_TOKENS = new Set(["a-long-random-token-for-alertmanager"]);

// ---------------------------------------------------------------------------------------------
// Messages

export function describe(v: unknown): string {
  if (v === null || v === undefined) return "nothing";
  if (typeof v === "string") return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  if (typeof v === "number") return `the number ${v}`;
  if (typeof v === "boolean") return `${v}`;
  if (Array.isArray(v)) return "a list";
  if (isObj(v)) return "a mapping";
  return typeof v;
}

export function unknownKeyMessage(key: string, allowed: readonly string[]): string {
  const suggestion = suggest(key, allowed);
  return suggestion
    ? `unknown key "${key}" (did you mean "${suggestion}"?)`
    : `unknown key "${key}"; expected one of ${allowed.join(", ")}`;
}

export function missingReference(kind: string, name: string, defined: string[]): string {
  const suggestion = suggest(name, defined);
  const hint = suggestion ? ` (did you mean "${suggestion}"?)` : "";
  const known = defined.length > 0 ? `defined: ${defined.join(", ")}` : `no ${kind}s are defined`;
  return `no ${kind} named "${name}"${hint}; ${known}`;
}

/**
 * The closest candidate by edit distance (transpositions count as one edit), if close enough to be a typo;
 * otherwise the shortest candidate that the word (4+ characters) starts, like "grouping" -> "grouping_key".
 */
export function suggest(word: string, candidates: Iterable<string>): string | null {
  const w = word.toLowerCase();
  const limit = Math.max(1, Math.min(3, Math.floor(w.length / 3)));
  let best: string | null = null;
  let bestDistance = Infinity;
  let completion: string | null = null;
  for (const candidate of candidates) {
    if (candidate === word) continue;
    // Case differences count a little, so "primray" suggests "primary" before "Primary".
    const d = editDistance(w, candidate.toLowerCase()) + editDistance(word, candidate) / 100;
    if (d <= limit + 0.99 && d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
    if (w.length >= 4 && candidate.toLowerCase().startsWith(w) && (completion === null || candidate.length < completion.length)) {
      completion = candidate;
    }
  }
  return best ?? completion;
}

function editDistance(a: string, b: string): number {
  // Optimal string alignment distance.
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number) => d[i * cols + j]!;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, at(i - 2, j - 2) + 1);
      d[i * cols + j] = value;
    }
  }
  return at(a.length, b.length);
}
