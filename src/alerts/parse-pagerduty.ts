/**
 * PagerDuty Events API v2 alert events (`POST /v2/enqueue`), so tools that can only
 * page PagerDuty (Datadog, Sentry, CloudWatch through SNS, Alertmanager's
 * `pagerduty_configs`, …) can page through calpage. One event is one
 * {@link IncomingGroup} keyed by its `dedup_key`, holding one alert named by that key.
 */
import { DateTime } from "luxon";
import { storableGroup } from "./storable-text.js";
import { fail, ok, type Result } from "../shared/result.js";
import { MAX_TITLE_CHARS, MAX_VALUE_CHARS, type AlertLink, type FieldError, type IncomingGroup } from "./incoming-group.js";
import {
  FieldErrorList,
  describe,
  emptyRecord,
  isObject,
  isUnsafeKey,
  mergeRecords,
  pushLinks,
  safeLink,
  truncate,
  type JsonObject,
} from "./payload-fields.js";

export type PagerDutyAction = "trigger" | "acknowledge" | "resolve";

const ACTIONS: readonly PagerDutyAction[] = ["trigger", "acknowledge", "resolve"];
const SEVERITIES = ["critical", "error", "warning", "info"];
/** PagerDuty's own limits: longer values are refused there, so they are refused here too. */
export const MAX_DEDUP_KEY_CHARS = 255;
export const MAX_SUMMARY_CHARS = 1024;
/** Custom details longer than this (or on several lines) are not routing labels. */
const MAX_DETAIL_LABEL_CHARS = 200;
/** Links and images read from one event; PagerDuty shows a handful, the rest are ignored. */
const MAX_CONTEXT_ITEMS = 20;

export interface PagerDutyEvent {
  action: PagerDutyAction;
  /** As sent, or the generated one for a trigger without it: what the 202 answer names. */
  dedupKey: string;
  groups: IncomingGroup[];
}

/**
 * Reads one Events v2 event. `trigger` needs `payload.summary`, `payload.source` and
 * `payload.severity` (critical, error, warning or info); without a `dedup_key` it gets
 * `newKey()` (a new alert each time, as in PagerDuty). `acknowledge` and `resolve` need
 * only the `dedup_key` and ignore the rest. `routing_key` is not read here: the route
 * finds the integration by it (or by the URL's token).
 */
export function parsePagerDuty(body: unknown, newKey: () => string): Result<PagerDutyEvent, FieldError> {
  if (!isObject(body)) return fail({ field: "body", message: `expected a JSON object (an Events API v2 event), got ${describe(body)}` });
  const errors = new FieldErrorList();
  const action = body.event_action;
  if (!isAction(action)) {
    const hint = body.event_type !== undefined || body.service_key !== undefined ? " (this looks like an Events API v1 event; send Events API v2)" : "";
    return fail({
      field: "event_action",
      message: `${action === undefined ? "required" : `expected "trigger", "acknowledge" or "resolve", got ${describe(action)}`}${hint}`,
    });
  }
  const sentKey = readText(body, "dedup_key", "dedup_key", errors, MAX_DEDUP_KEY_CHARS, false);
  if (action !== "trigger") {
    if (sentKey === null) {
      if (errors.empty) errors.add("dedup_key", `required for ${action} events (the dedup_key of the trigger)`);
      return fail(...errors.list);
    }
    const group: IncomingGroup = {
      groupingKey: sentKey,
      status: action === "resolve" ? "resolved" : "firing",
      title: truncate(sentKey, MAX_TITLE_CHARS),
      message: null,
      severity: null,
      labels: emptyRecord(),
      links: [],
      alerts: [],
      ...(action === "acknowledge" ? { acknowledge: true } : {}),
    };
    return ok({ action, dedupKey: sentKey, groups: [storableGroup(group)] });
  }

  const payload = body.payload;
  if (!isObject(payload)) {
    errors.add("payload", payload === undefined ? "required for trigger events (an object with summary, source and severity)" : `expected an object, got ${describe(payload)}`);
    return fail(...errors.list);
  }
  const summary = readText(payload, "summary", "payload.summary", errors, MAX_SUMMARY_CHARS, true);
  const source = readText(payload, "source", "payload.source", errors, MAX_VALUE_CHARS, true);
  const severity = readSeverity(payload.severity, errors);
  const timestamp = readTimestamp(payload.timestamp, errors);
  const component = readText(payload, "component", "payload.component", errors, MAX_VALUE_CHARS, false);
  const group = readText(payload, "group", "payload.group", errors, MAX_VALUE_CHARS, false);
  const cls = readText(payload, "class", "payload.class", errors, MAX_VALUE_CHARS, false);
  const client = readText(body, "client", "client", errors, MAX_VALUE_CHARS, false);
  const clientUrl = readText(body, "client_url", "client_url", errors, MAX_VALUE_CHARS, false);
  const links = readContext(body, errors);
  if (!errors.empty || summary === null || source === null || severity === null) return fail(...errors.list);

  const dedupKey = sentKey ?? newKey();
  const details = payload.custom_details;
  const labels = emptyRecord();
  // Short one-line custom details can be matched by routes (team, env, …); long texts stay in the
  // message. The event's own fields win over them.
  if (isObject(details)) {
    for (const key of Object.keys(details)) {
      const text = scalarText(details[key]);
      if (text !== null && text !== "" && text.length <= MAX_DETAIL_LABEL_CHARS && !text.includes("\n") && !isUnsafeKey(key) && key.length <= MAX_DETAIL_LABEL_CHARS) labels[key] = text;
    }
  }
  const own: [string, string | null][] = [["severity", severity], ["source", source], ["component", component], ["group", group], ["class", cls], ["client", client]];
  for (const [key, value] of own) if (value !== null) labels[key] = value;

  pushLinks(links, safeLink(client ?? "Source", clientUrl));
  const annotations = emptyRecord();
  annotations.summary = summary;
  const message = detailsText(details);
  if (message !== null) annotations.custom_details = message;
  return ok({
    action,
    dedupKey,
    groups: [
      storableGroup({
        groupingKey: dedupKey,
        status: "firing",
        title: truncate(summary, MAX_TITLE_CHARS),
        message,
        severity,
        labels,
        links,
        alerts: [
          {
            status: "firing",
            labels: mergeRecords(labels),
            annotations,
            startsAt: timestamp,
            endsAt: null,
            generatorUrl: clientUrl !== null && safeLink("Source", clientUrl) !== null ? clientUrl : null,
            // The event's one alert is named by its dedup_key: a repeated trigger updates it.
            fingerprint: dedupKey,
          },
        ],
      }),
    ],
  });
}

function isAction(value: unknown): value is PagerDutyAction {
  return typeof value === "string" && (ACTIONS as readonly string[]).includes(value);
}

function readText(obj: JsonObject, key: string, field: string, errors: FieldErrorList, max: number, required: boolean): string | null {
  const value = Object.hasOwn(obj, key) ? obj[key] : undefined;
  if (value === undefined || value === null || value === "") {
    if (required) errors.add(field, "required");
    return null;
  }
  if (typeof value !== "string") {
    errors.add(field, `expected a string, got ${describe(value)}`);
    return null;
  }
  if (value.length > max) {
    errors.add(field, `longer than PagerDuty's limit of ${max} characters (${value.length})`);
    return null;
  }
  if (required && value.trim() === "") {
    errors.add(field, "must not be empty");
    return null;
  }
  return value;
}

function readSeverity(value: unknown, errors: FieldErrorList): string | null {
  if (typeof value === "string" && SEVERITIES.includes(value)) return value;
  errors.add("payload.severity", value === undefined || value === null ? `required (${SEVERITIES.join(", ")})` : `expected one of ${SEVERITIES.join(", ")}, got ${describe(value)}`);
  return null;
}

/**
 * ISO 8601 as PagerDuty takes it (`2015-07-17T08:42:58.315+0000` included), stored as RFC 3339 UTC.
 * Without an offset it is UTC — never the server's own zone; a date that does not exist is refused.
 */
function readTimestamp(value: unknown, errors: FieldErrorList): string | null {
  if (value === undefined || value === null || value === "") return null;
  const dt = typeof value === "string" && value.length <= 64 && /^\d{4}-\d{2}-\d{2}/.test(value) ? DateTime.fromISO(value.replace(" ", "T"), { zone: "utc", setZone: true }) : null;
  if (!dt || !dt.isValid) {
    errors.add("payload.timestamp", `expected an ISO 8601 date-time like 2015-07-17T08:42:58.315+0000, got ${describe(value)}`);
    return null;
  }
  return dt.toUTC().toISO()!;
}

/** `links` ({href, text}) and `images` ({src, href, alt}); entries whose URL is not http(s) are skipped, never refused. */
function readContext(body: JsonObject, errors: FieldErrorList): AlertLink[] {
  const links: AlertLink[] = [];
  const read = (key: "links" | "images", toLink: (item: JsonObject) => AlertLink | null) => {
    const value = Object.hasOwn(body, key) ? body[key] : undefined;
    if (value === undefined || value === null) return;
    if (!Array.isArray(value)) {
      errors.add(key, `expected an array of objects, got ${describe(value)}`);
      return;
    }
    value.slice(0, MAX_CONTEXT_ITEMS).forEach((item, i) => {
      if (!isObject(item)) errors.add(`${key}[${i}]`, `expected an object, got ${describe(item)}`);
      else pushLinks(links, toLink(item));
    });
  };
  const text = (item: JsonObject, key: string) => (typeof item[key] === "string" && item[key] !== "" ? truncate(item[key], MAX_TITLE_CHARS) : null);
  read("links", (l) => safeLink(text(l, "text") ?? "Link", text(l, "href") === null ? null : (l.href as string)));
  read("images", (img) => {
    const url = typeof img.href === "string" && img.href !== "" ? img.href : typeof img.src === "string" ? img.src : null;
    return safeLink(text(img, "alt") ?? "Image", url);
  });
  return links;
}

/** custom_details as text: a string as sent, an object as `key: value` lines (nested values as JSON). */
function detailsText(details: unknown): string | null {
  if (details === undefined || details === null) return null;
  if (typeof details === "string") return details === "" ? null : truncate(details, MAX_VALUE_CHARS);
  if (isObject(details)) {
    const lines = Object.keys(details).map((key) => `${key}: ${scalarText(details[key]) ?? JSON.stringify(details[key])}`);
    return lines.length === 0 ? null : truncate(lines.join("\n"), MAX_VALUE_CHARS);
  }
  return truncate(JSON.stringify(details), MAX_VALUE_CHARS);
}

function scalarText(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value === "boolean") return String(value);
  return null;
}
