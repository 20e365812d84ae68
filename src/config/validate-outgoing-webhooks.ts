import { GROUP_EVENTS, type GroupEventName } from "../alerts/group-events.js";
import { type Checker, describe, isEmpty, isObj, joinKey, suggest } from "./config-checker.js";
import type { OutgoingWebhookConfig } from "./config-types.js";
import { keysOf, OUTGOING_WEBHOOK } from "./config-shape.js";

export const OUTGOING_WEBHOOK_KEYS = keysOf(OUTGOING_WEBHOOK);
export const DEFAULT_OUTGOING_TIMEOUT_SECONDS = 10;
export const MAX_OUTGOING_TIMEOUT_SECONDS = 30;
export const DEFAULT_OUTGOING_RETRIES = 5;
export const MAX_OUTGOING_RETRIES = 10;
/** A signing secret shorter than this is too easy to guess. */
export const MIN_SIGNING_SECRET_LENGTH = 16;

const EXAMPLE = "{url: https://tickets.example.com/calpage, secret: ${TICKETS_WEBHOOK_SECRET}}";
const SECRET_EXAMPLE = "${TICKETS_WEBHOOK_SECRET}";
/** RFC 9110 token characters. */
const HEADER_NAME_RE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Headers calpage sets itself (or the HTTP client does): a static header may not replace them. */
const RESERVED_HEADERS = new Set(["content-type", "content-length", "host", "user-agent", "connection", "transfer-encoding"]);

/**
 * `outgoing_webhooks:` of an integration or a route: where group events are POSTed. Every
 * problem is reported at its own path; a secret or header value is never repeated in a message.
 */
export function validateOutgoingWebhooks(c: Checker, v: unknown, p: string): OutgoingWebhookConfig[] {
  const items = c.list(v, p, false, `a list of webhooks like [${EXAMPLE}]`) ?? [];
  const hooks: OutgoingWebhookConfig[] = [];
  const urls = new Map<string, number>();
  items.forEach((item, i) => {
    const hp = `${p}[${i}]`;
    const obj = c.object(item, hp, OUTGOING_WEBHOOK_KEYS, `a webhook like ${EXAMPLE}`);
    if (obj === null) return;
    const url = c.httpUrl(obj.url, joinKey(hp, "url"), true, "https://tickets.example.com/calpage");
    if (url !== null) {
      const other = urls.get(url);
      if (other !== undefined) c.report(joinKey(hp, "url"), `the same URL is already ${p}[${other}]; list it once with every event it should get`);
      else urls.set(url, i);
    }
    const events = validateEvents(c, obj.events, joinKey(hp, "events"));
    const secret = validateSigningSecret(c, obj.secret, joinKey(hp, "secret"));
    const timeoutSeconds = isEmpty(obj.timeout)
      ? DEFAULT_OUTGOING_TIMEOUT_SECONDS
      : c.boundedDuration(obj.timeout, joinKey(hp, "timeout"), true, "timeout", 1, MAX_OUTGOING_TIMEOUT_SECONDS);
    const retries = c.integer(obj.retries, joinKey(hp, "retries"), { min: 0, max: MAX_OUTGOING_RETRIES, example: DEFAULT_OUTGOING_RETRIES, what: "retries" }, DEFAULT_OUTGOING_RETRIES);
    const headers = validateHeaders(c, obj.headers, joinKey(hp, "headers"));
    if (url === null || events === null || secret === null || timeoutSeconds === null || retries === null || headers === null) return;
    hooks.push({ url, events, secret, timeoutSeconds, retries, headers });
  });
  return hooks;
}

function validateEvents(c: Checker, v: unknown, p: string): GroupEventName[] | null {
  const expectation = `a list of events from ${GROUP_EVENTS.join(", ")} (left out: all of them)`;
  if (isEmpty(v)) return [...GROUP_EVENTS];
  const entries = typeof v === "string" ? [v] : c.list(v, p, true, expectation);
  if (entries === null) return null;
  if (entries.length === 0) {
    c.report(p, `expected at least one event (leave events out for all of them); expected ${expectation}`);
    return null;
  }
  const events: GroupEventName[] = [];
  let good = true;
  entries.forEach((entry, k) => {
    const ep = typeof v === "string" ? p : `${p}[${k}]`;
    const name = typeof entry === "string" ? entry.trim() : null;
    const known = GROUP_EVENTS.find((e) => e === name);
    if (known === undefined) {
      const hint = name === null ? null : suggest(name, GROUP_EVENTS);
      c.report(ep, `unknown event ${describe(entry)}${hint ? ` (did you mean "${hint}"?)` : ""}; expected one of ${GROUP_EVENTS.join(", ")}`);
      good = false;
    } else if (!events.includes(known)) events.push(known);
  });
  return good ? events : null;
}

function validateSigningSecret(c: Checker, v: unknown, p: string): string | null {
  const expectation = `a signing secret like ${SECRET_EXAMPLE} (at least ${MIN_SIGNING_SECRET_LENGTH} characters; e.g. openssl rand -hex 32)`;
  if (typeof v === "number" || typeof v === "boolean") {
    // Never echo a secret, even one YAML read as a number.
    c.report(p, `expected ${expectation}, found a ${typeof v}; quote it`);
    return null;
  }
  if (isEmpty(v)) {
    c.report(p, `missing; expected ${expectation} — every request is signed with it, so the receiver can tell it came from calpage`);
    return null;
  }
  if (typeof v !== "string") {
    c.report(p, `expected ${expectation}, found ${describe(v)}`);
    return null;
  }
  const s = v.trim();
  if (s.length < MIN_SIGNING_SECRET_LENGTH) {
    c.report(p, `the secret is ${s.length} characters long; use at least ${MIN_SIGNING_SECRET_LENGTH} (e.g. openssl rand -hex 32)`);
    return null;
  }
  return s;
}

function validateHeaders(c: Checker, v: unknown, p: string): Record<string, string> | null {
  if (isEmpty(v)) return {};
  if (!isObj(v)) {
    c.report(p, `expected a mapping of header names to values like {Authorization: "Bearer \${TICKETS_TOKEN}"}, found ${describe(v)}`);
    return null;
  }
  const headers: Record<string, string> = {};
  let good = true;
  const seen = new Set<string>();
  for (const [name, value] of Object.entries(v)) {
    const hp = joinKey(p, name);
    const lower = name.toLowerCase();
    if (!HEADER_NAME_RE.test(name)) {
      c.report(hp, `"${name}" is not a valid header name (letters, digits and !#$%&'*+.^_\`|~- only)`);
      good = false;
      continue;
    }
    if (lower.startsWith("x-calpage-") || RESERVED_HEADERS.has(lower)) {
      c.report(hp, `calpage sets ${name} itself (the X-Calpage-* signature headers, Content-Type, User-Agent and the HTTP framing); remove it`);
      good = false;
      continue;
    }
    if (seen.has(lower)) {
      c.report(hp, `header ${name} is given twice (header names ignore case)`);
      good = false;
      continue;
    }
    seen.add(lower);
    // Values may be credentials: messages describe them, never repeat them.
    if (typeof value !== "string" && typeof value !== "number") {
      c.report(hp, `expected the header's value as text, found ${Array.isArray(value) ? "a list" : isObj(value) ? "a mapping" : "nothing"}`);
      good = false;
      continue;
    }
    const text = String(value).trim();
    if (text === "" || /[\r\n\0]/.test(text)) {
      c.report(hp, text === "" ? "the header's value is empty" : "the header's value may not contain line breaks");
      good = false;
      continue;
    }
    headers[name] = text;
  }
  return good ? headers : null;
}
