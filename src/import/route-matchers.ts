import { parseMatcher } from "../config/parse-matcher.js";
import { fail, ok, type Result } from "../shared/result.js";
import type { OncallRoute } from "./grafana-oncall-types.js";

/**
 * A Grafana OnCall route's condition as calpage matchers (`severity="critical"`), where it can be
 * said that way. OnCall searches a `regex` route anywhere in the alert's JSON text, and evaluates a
 * `jinja2` route as a template; calpage matches labels (Alertmanager, Grafana) or top-level fields
 * (webhooks). The forms carried over are the ones that name one label or field:
 * - regex `"severity": "critical"` (`\s*` or spaces around the colon), and
 *   `"severity": "(critical|warning)"`;
 * - jinja2 `{{ payload.commonLabels.severity == "critical" }}` (also `labels`, `groupLabels`,
 *   a top-level `payload.x`, `!=`, and several joined by `and`).
 * Anything else fails with the reason, for the report.
 */
export function routeMatchers(route: OncallRoute): Result<string[], string> {
  const type = route.routing_type ?? "regex";
  const term = route.routing_regex ?? "";
  if (type === "labels") {
    return fail("a label route: the public API does not give its labels; write its matchers by hand");
  }
  if (type === "jinja2") return jinjaMatchers(term);
  if (type !== "regex") return fail(`unknown routing type ${JSON.stringify(type)}`);
  return regexMatchers(term);
}

const NAME = "[A-Za-z_][A-Za-z0-9_]*";
const Q = String.raw`(?:\\?")`;
/** Around the colon: spaces, or regex `\s*` / `\s+` / `\s?`. */
const SEP = String.raw`(?:\s|\\s[*+?]?)*:(?:\s|\\s[*+?]?)*`;
const LITERAL_RE = /^[A-Za-z0-9_.:/ -]+$/;

function regexMatchers(term: string): Result<string[], string> {
  const why = `the regex ${JSON.stringify(term)} is searched in the alert's whole JSON text by Grafana OnCall; only "label": "value" regexes become matchers`;
  const m = new RegExp(String.raw`^${Q}(${NAME})${Q}${SEP}${Q}(.*?)${Q}$`).exec(term.trim());
  if (!m) return fail(why);
  const name = m[1]!;
  const value = m[2]!;
  const group = /^\(([^()\\[\]{}*+?^$]+)\)$/.exec(value);
  if (group && group[1]!.split("|").every((v) => LITERAL_RE.test(v))) return checked([matcher(name, "=~", group[1]!)]);
  // A `.` in OnCall's regex is any character: kept as a regex so the route matches what it matched.
  if (LITERAL_RE.test(value)) return checked([matcher(name, value.includes(".") ? "=~" : "=", value)]);
  return fail(why);
}

function jinjaMatchers(term: string): Result<string[], string> {
  const why = `the template ${JSON.stringify(term)} is not a comparison of labels with text`;
  const body = /^\{\{-?\s*(.*?)\s*-?\}\}$/s.exec(term.trim());
  if (!body) return fail(why);
  const out: string[] = [];
  for (const part of body[1]!.split(/\s+and\s+/)) {
    const m = new RegExp(String.raw`^\(?\s*payload(?:\.(?:commonLabels|groupLabels|labels))?(?:\.(${NAME})|\[["'](${NAME})["']\])\s*(==|!=)\s*(?:"([^"]*)"|'([^']*)')\s*\)?$`).exec(part.trim());
    if (!m) return fail(why);
    out.push(matcher((m[1] ?? m[2])!, m[3] === "==" ? "=" : "!=", (m[4] ?? m[5])!));
  }
  return checked(out);
}

function matcher(name: string, op: string, value: string): string {
  return `${name}${op}"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** Every matcher written must read back as calpage reads it. */
function checked(matchers: string[]): Result<string[], string> {
  for (const m of matchers) {
    const parsed = parseMatcher(m);
    if (!parsed.ok) return fail(parsed.errors.join("; "));
  }
  return ok(matchers);
}
