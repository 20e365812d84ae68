import { fail, ok, type Result } from "../shared/result.js";
import type { Matcher, MatcherOp } from "./config-types.js";

/**
 * Alertmanager label matchers (`severity="critical"`, `team=~"db|infra"`), parsed the way
 * Alertmanager's classic parser does, so route configs copied from Alertmanager behave the same.
 */

const EXAMPLE = 'severity="critical"';
// The name part is loose on purpose so a bad label name gets its own message.
const MATCHER_RE = /^\s*([^=!~\s]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$/s;
const LABEL_NAME_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const GO_FLAGS_RE = /^\(\?([is]+)\)/;

/**
 * Parses one matcher: `name="value"`, `name=value`, `name!="v"`, `name=~"regex"`, `name!~"regex"`.
 * Quoted values understand `\"`, `\\` and `\n`; any other backslash is kept (so `"db\d+"` is the regex `db\d+`).
 * Regex values must compile as a fully anchored JS RegExp (see {@link matcherRegExp}).
 */
export function parseMatcher(text: string): Result<Matcher, string> {
  const shown = `'${text.trim()}'`;
  const m = MATCHER_RE.exec(text);
  if (!m) {
    return fail(`invalid matcher ${shown}: expected a label name, an operator (=, !=, =~ or !~) and a value, like ${EXAMPLE}`);
  }
  const name = m[1] ?? "";
  const op = m[2] as MatcherOp;
  const raw = m[3] ?? "";
  if (name === "") return fail(`invalid matcher ${shown}: missing the label name before ${op}, like ${EXAMPLE}`);
  if (!LABEL_NAME_RE.test(name)) {
    return fail(`invalid matcher ${shown}: label name "${name}" may only contain letters, digits and _ (and not start with a digit)`);
  }
  const value = unescapeValue(raw);
  if (typeof value !== "string") return fail(`invalid matcher ${shown}: ${value.error}`);
  if (op === "=~" || op === "!~") {
    const error = regexError(value);
    if (error !== null) return fail(`invalid matcher ${shown}: invalid regular expression: ${error}`);
  }
  return ok({ name, op, value });
}

/**
 * Parses Alertmanager's list form: `{a="1", b=~"x|y"}` or `a="1", b=~"x|y"` (braces optional).
 * Commas inside quoted values do not separate matchers; a trailing comma is allowed; `{}` is an empty list.
 * Every bad matcher in the list is reported.
 */
export function parseMatcherList(text: string): Result<Matcher[], string> {
  let body = text.trim();
  const opens = body.startsWith("{");
  const closes = body.endsWith("}");
  if (opens !== closes) {
    return fail(`invalid matcher list '${body}': ${opens ? "missing the closing }" : "missing the opening {"}, like {${EXAMPLE}, team="db"}`);
  }
  if (opens) body = body.slice(1, -1);

  const tokens = splitOutsideQuotes(body);
  if (tokens.length > 0 && tokens[tokens.length - 1]!.trim() === "") tokens.pop();
  const matchers: Matcher[] = [];
  const errors: string[] = [];
  for (const token of tokens) {
    if (token.trim() === "") {
      errors.push(`invalid matcher list '${text.trim()}': empty matcher between commas`);
      continue;
    }
    const parsed = parseMatcher(token);
    if (parsed.ok) matchers.push(parsed.value);
    else errors.push(...parsed.errors);
  }
  return errors.length > 0 ? fail(...errors) : ok(matchers);
}

/**
 * The RegExp a `=~` / `!~` matcher value means: fully anchored like Alertmanager's.
 * A leading Go-style `(?i)` / `(?s)` / `(?is)` flag group becomes the JS flags, since JS
 * has no inline flags and such patterns are common in Alertmanager configs.
 * Throws SyntaxError for an invalid pattern (parseMatcher has already rejected those).
 */
export function matcherRegExp(pattern: string): RegExp {
  const flags = GO_FLAGS_RE.exec(pattern);
  const body = flags ? pattern.slice(flags[0].length) : pattern;
  const jsFlags = flags ? [...new Set(flags[1])].join("") : "";
  // The bare pattern must compile on its own: `x)|(a` would otherwise close the anchoring group
  // and compile as `^(?:x)|(a)$`, matching far more than written (Alertmanager rejects it too).
  new RegExp(body, jsFlags);
  return new RegExp(`^(?:${body})$`, jsFlags);
}

function regexError(pattern: string): string | null {
  try {
    matcherRegExp(pattern);
    return null;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // V8 says "Invalid regular expression: /(db/: Unterminated group"; the last part is the useful one.
    return message.slice(message.lastIndexOf(": ") + 2) || message;
  }
}

/** Alertmanager's unescaping: strips one pair of quotes, resolves \" \\ \n, keeps other backslashes. */
function unescapeValue(raw: string): string | { error: string } {
  let s = raw;
  let expectClosingQuote = false;
  if (s.startsWith('"')) {
    s = s.slice(1);
    expectClosingQuote = true;
  }
  let out = "";
  let escaped = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (escaped) {
      escaped = false;
      if (ch === "n") out += "\n";
      else if (ch === '"' || ch === "\\") out += ch;
      else out += `\\${ch}`;
      continue;
    }
    if (ch === "\\") {
      if (i < s.length - 1) escaped = true;
      else out += ch;
      continue;
    }
    if (ch === '"') {
      if (!expectClosingQuote || i < s.length - 1) {
        return { error: 'the value contains an unescaped " (write \\" inside a quoted value)' };
      }
      expectClosingQuote = false;
      continue;
    }
    out += ch;
  }
  if (expectClosingQuote) return { error: 'the value is missing its closing "' };
  return out;
}

function splitOutsideQuotes(text: string): string[] {
  const tokens: string[] = [];
  let current = "";
  let insideQuotes = false;
  let escaped = false;
  for (const ch of text) {
    if (ch === "," && !insideQuotes) {
      tokens.push(current);
      current = "";
      escaped = false;
      continue;
    }
    if (ch === '"') {
      if (!escaped) insideQuotes = !insideQuotes;
      escaped = false;
    } else if (ch === "\\") {
      escaped = !escaped;
    } else {
      escaped = false;
    }
    current += ch;
  }
  tokens.push(current);
  return tokens;
}
