/**
 * Defensive readers shared by the payload parsers. Input is untrusted JSON: every
 * reader checks types, caps sizes and never recurses, and problems are collected
 * as {@link FieldError}s instead of thrown.
 */
import { createHash } from "node:crypto";
import {
  MAX_KEY_CHARS,
  MAX_VALUE_CHARS,
  type AlertLink,
  type FieldError,
  type IncomingAlert,
} from "./incoming-group.js";

export type JsonObject = { [key: string]: unknown };

/** Stop collecting after this many problems: one broken field repeated 1,000 times is one message. */
const MAX_ERRORS = 20;
/** Slack rejects button URLs longer than 3000 chars. */
const MAX_URL_CHARS = 3000;
/** Longest plausible RFC 3339 timestamp (nanoseconds plus offset) with slack. */
const MAX_DATE_CHARS = 64;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Keys that must never be copied: assigning `__proto__` on a plain object replaces its prototype. */
export function isUnsafeKey(key: string): boolean {
  return key === "__proto__";
}

/** An empty record without a prototype, so `labels.constructor` is `undefined`, not `Object`. */
export function emptyRecord(): Record<string, string> {
  return Object.create(null) as Record<string, string>;
}

/** Copies records left to right (later wins) into a fresh null-prototype record. */
export function mergeRecords(...records: Readonly<Record<string, string>>[]): Record<string, string> {
  const out = emptyRecord();
  for (const record of records) {
    for (const key of Object.keys(record)) {
      const value = record[key];
      if (!isUnsafeKey(key) && typeof value === "string") out[key] = value;
    }
  }
  return out;
}

/** Own-property lookup that treats empty strings as absent. */
export function nonEmpty(record: Readonly<Record<string, string>>, key: string): string | null {
  if (!Object.hasOwn(record, key)) return null;
  const value = record[key];
  return typeof value === "string" && value !== "" ? value : null;
}

/** Cuts `text` to at most `max` UTF-16 units, ending in "…", without splitting a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  const last = text.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut -= 1;
  return text.slice(0, cut) + "…";
}

/** Grouping keys are stored and indexed: very long ones are replaced by their hash (truncating could merge distinct groups). */
export function boundKey(key: string): string {
  if (key.length <= MAX_KEY_CHARS) return key;
  return "sha256:" + createHash("sha256").update(key).digest("hex");
}

/** `{a="1", b="2"}` with keys sorted, the way Alertmanager prints label sets. */
export function labelSetString(labels: Readonly<Record<string, string>>): string {
  const parts = Object.keys(labels)
    .sort()
    .map((key) => `${key}=${JSON.stringify(labels[key] ?? "")}`);
  return `{${parts.join(", ")}}`;
}

/** A short description of an unexpected value for error messages (never echoes large input). */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `"${truncate(value, 40)}"`;
  if (typeof value === "object") return "an object";
  return `a ${typeof value}`;
}

/** Collects field errors up to a cap. */
export class FieldErrorList {
  readonly list: FieldError[] = [];

  add(field: string, message: string): void {
    if (this.list.length < MAX_ERRORS) this.list.push({ field, message });
  }

  get empty(): boolean {
    return this.list.length === 0;
  }
}

/**
 * Reads an object of strings (labels, annotations). Missing (undefined/null) gives
 * an empty record unless `required`. Values are truncated to 16 KiB; `__proto__`
 * keys are dropped. Returns null after recording an error.
 */
export function readStringRecord(
  value: unknown,
  field: string,
  errors: FieldErrorList,
  required: boolean,
): Record<string, string> | null {
  if (value === undefined || value === null) {
    if (!required) return emptyRecord();
    errors.add(field, "required (an object of strings)");
    return null;
  }
  if (!isObject(value)) {
    errors.add(field, "expected an object of strings");
    return null;
  }
  const out = emptyRecord();
  for (const key of Object.keys(value)) {
    const item = value[key];
    if (typeof item !== "string") {
      errors.add(field, "expected an object of strings");
      return null;
    }
    if (key.length > MAX_KEY_CHARS) {
      errors.add(field, `names are limited to ${MAX_KEY_CHARS} characters`);
      return null;
    }
    if (!isUnsafeKey(key)) out[key] = truncate(item, MAX_VALUE_CHARS);
  }
  return out;
}

/** Optional string field: absent/null -> null; wrong type -> error. Capped at `max`. */
export function readOptionalString(
  obj: JsonObject,
  key: string,
  field: string,
  errors: FieldErrorList,
  max: number = MAX_VALUE_CHARS,
): string | null {
  const value = obj[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== "string") {
    errors.add(field, `expected a string, got ${describe(value)}`);
    return null;
  }
  return truncate(value, max);
}

/** Required `"firing" | "resolved"`. */
export function readStatus(value: unknown, field: string, errors: FieldErrorList): "firing" | "resolved" | null {
  if (value === "firing" || value === "resolved") return value;
  errors.add(field, value === undefined ? `required ("firing" or "resolved")` : `expected "firing" or "resolved", got ${describe(value)}`);
  return null;
}

/** Optional non-negative integer (e.g. `truncatedAlerts`); absent -> 0. */
export function readCount(value: unknown, field: string, errors: FieldErrorList): number {
  if (value === undefined || value === null) return 0;
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return value;
  errors.add(field, `expected a non-negative integer, got ${describe(value)}`);
  return 0;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;
const GO_ZERO_TIME = Date.parse("0001-01-01T00:00:00Z");

/** Optional RFC 3339 date-time, returned as received. Go's zero time (Alertmanager's "no end yet") becomes null. */
export function readDate(obj: JsonObject, key: string, field: string, errors: FieldErrorList): string | null {
  const value = obj[key];
  if (value === undefined || value === null || value === "") return null;
  if (typeof value !== "string" || value.length > MAX_DATE_CHARS || !RFC3339.test(value)) {
    errors.add(field, `expected an RFC 3339 date-time, got ${describe(value)}`);
    return null;
  }
  const ms = Date.parse(value.replace(" ", "T"));
  if (Number.isNaN(ms)) {
    errors.add(field, `expected an RFC 3339 date-time, got ${describe(value)}`);
    return null;
  }
  return ms === GO_ZERO_TIME ? null : value;
}

/** A link if `url` is an absolute http(s) URL Slack will accept; anything else is dropped (a bad link never rejects an alert). */
export function safeLink(title: string, url: string | null | undefined): AlertLink | null {
  if (typeof url !== "string" || url === "" || url.length > MAX_URL_CHARS) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return null;
  return { title, url };
}

/** Adds links whose URL is not already present. */
export function pushLinks(links: AlertLink[], ...candidates: (AlertLink | null)[]): void {
  for (const link of candidates) {
    if (link !== null && !links.some((l) => l.url === link.url)) links.push(link);
  }
}

/** An alert plus its raw object (for source-specific extra fields). */
export interface ReadAlert {
  alert: IncomingAlert;
  raw: JsonObject;
}

/**
 * Reads the fields Alertmanager and Grafana alerts share: status and labels
 * required; annotations, startsAt, endsAt, generatorURL, fingerprint optional.
 */
export function readAlert(value: unknown, field: string, errors: FieldErrorList): ReadAlert | null {
  if (!isObject(value)) {
    errors.add(field, `expected an object, got ${describe(value)}`);
    return null;
  }
  const before = errors.list.length;
  const status = readStatus(value.status, `${field}.status`, errors);
  const labels = readStringRecord(value.labels, `${field}.labels`, errors, true);
  const annotations = readStringRecord(value.annotations, `${field}.annotations`, errors, false);
  const startsAt = readDate(value, "startsAt", `${field}.startsAt`, errors);
  const endsAt = readDate(value, "endsAt", `${field}.endsAt`, errors);
  const generatorUrl = readOptionalString(value, "generatorURL", `${field}.generatorURL`, errors);
  const fingerprint = readOptionalString(value, "fingerprint", `${field}.fingerprint`, errors, Number.POSITIVE_INFINITY);
  if (errors.list.length !== before || status === null || labels === null || annotations === null) return null;
  return {
    alert: {
      status,
      labels,
      annotations,
      startsAt,
      endsAt,
      generatorUrl: generatorUrl === "" ? null : generatorUrl,
      fingerprint: fingerprint === null || fingerprint === "" ? null : boundKey(fingerprint),
    },
    raw: value,
  };
}

/** Reads the `alerts` array, enforcing the per-payload cap. Returns null after recording an error. */
export function readAlertArray(value: unknown, errors: FieldErrorList, maxAlerts: number): unknown[] | null {
  if (!Array.isArray(value)) {
    errors.add("alerts", value === undefined ? "required (an array of alerts)" : `expected an array, got ${describe(value)}`);
    return null;
  }
  if (value.length > maxAlerts) {
    errors.add("alerts", `at most ${maxAlerts} alerts per request`);
    return null;
  }
  return value;
}
