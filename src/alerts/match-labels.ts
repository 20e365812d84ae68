/**
 * Alertmanager label matching: a missing label equals the empty string, and
 * regular expressions are fully anchored (`^(?:re)$`), so `service=~"api"`
 * does not match `api-gateway`.
 */
import type { Matcher } from "../config/config-types.js";

/** Compiled regexes by source; null marks a source that does not compile. */
const compiled = new Map<string, RegExp | null>();
/** Matchers come from config, so this is only a guard against unbounded growth. */
const MAX_CACHED = 1000;

/** True when `labels` satisfy `matcher`. A regex that does not compile matches nothing (neither `=~` nor `!~`). */
export function matches(matcher: Matcher, labels: Readonly<Record<string, string>>): boolean {
  const own = Object.hasOwn(labels, matcher.name) ? labels[matcher.name] : undefined;
  const value = typeof own === "string" ? own : "";
  switch (matcher.op) {
    case "=":
      return value === matcher.value;
    case "!=":
      return value !== matcher.value;
    case "=~":
    case "!~": {
      const re = anchoredRegex(matcher.value);
      if (re === null) return false;
      return re.test(value) === (matcher.op === "=~");
    }
  }
}

/** True when every matcher matches (an empty list matches everything). */
export function matchesAll(matchers: readonly Matcher[], labels: Readonly<Record<string, string>>): boolean {
  return matchers.every((matcher) => matches(matcher, labels));
}

/**
 * `^(?:source)$`, compiled once per source. Go/RE2 spellings common in
 * Alertmanager configs are translated: a leading `(?i)`/`(?s)` flag group
 * becomes a JavaScript flag, `(?P<name>` becomes `(?<name>`.
 */
export function anchoredRegex(source: string): RegExp | null {
  const hit = compiled.get(source);
  if (hit !== undefined) return hit;
  const re = compile(source);
  if (compiled.size >= MAX_CACHED) compiled.clear();
  compiled.set(source, re);
  return re;
}

const LEADING_FLAGS = /^\(\?([is]+)\)/;

function compile(source: string): RegExp | null {
  let body = source;
  let flags = "";
  const leading = LEADING_FLAGS.exec(body);
  if (leading !== null) {
    flags = [...new Set(leading[1] ?? "")].join("");
    body = body.slice(leading[0].length);
  }
  body = body.replace(/\(\?P</g, "(?<");
  try {
    // Compile alone first: an unbalanced source such as `a)|(b` would otherwise
    // escape the anchoring group and match unanchored.
    new RegExp(body, flags);
    return new RegExp(`^(?:${body})$`, flags);
  } catch {
    return null;
  }
}
