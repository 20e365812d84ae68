/**
 * Generic JSON webhook: any JSON object becomes one {@link IncomingGroup}. The
 * defaults follow Grafana OnCall's formatted webhook (`title`, `message`,
 * `image_url`, `alert_uid`, `state`, `link_to_upstream_details`) so senders
 * configured for it carry over; a {@link WebhookMapping} points at other fields
 * for tools that send their own shape.
 */
import { storableGroup } from "./storable-text.js";
import { fail, ok, type Result } from "../shared/result.js";
import {
  MAX_KEY_CHARS,
  MAX_TITLE_CHARS,
  MAX_VALUE_CHARS,
  type AlertLink,
  type FieldError,
  type IncomingGroup,
} from "./incoming-group.js";
import { getJsonPath, parseJsonPath } from "./json-path.js";
import {
  FieldErrorList,
  boundKey,
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

/**
 * Where to find the group's fields in a webhook body. Paths are dotted JSON
 * paths (`data.alert.name`, `alerts[0].name`). A mapped field replaces its
 * default; an unmapped one keeps it.
 */
export interface WebhookMapping {
  title?: string;
  message?: string;
  /** When the path is missing, the defaults apply (`alert_uid`, `group_key`, then the title). */
  groupingKey?: string;
  severity?: string;
  /** Resolve when the value at `path` (numbers and booleans as text) equals `equals`, ignoring case. Replaces the default `state`/`status` rule. */
  resolveWhen?: { path: string; equals: string };
}

/**
 * Parses any JSON object. Defaults: `title` (required), `message`, `severity`,
 * `link`/`url`/`link_to_upstream_details`, `image_url`, `alert_uid` or `group_key` for grouping (else the
 * title); `state: "OK"` or `status: "resolved"` (any case) resolves. Routing
 * labels are the top-level scalar fields plus the `labels` object.
 */
export function parseWebhook(body: unknown, mapping?: WebhookMapping): Result<IncomingGroup[], FieldError> {
  if (!isObject(body)) return fail({ field: "body", message: `expected a JSON object, got ${describe(body)}` });
  const errors = new FieldErrorList();
  const m = mapping ?? {};

  const title = readTitle(body, m.title, errors);
  const message = textAt(body, m.message, "message");
  const severity = textAt(body, m.severity, "severity");
  const explicitKey = textAt(body, m.groupingKey, null) ?? textAt(body, undefined, "alert_uid") ?? textAt(body, undefined, "group_key");
  if (title === null) return fail(...errors.list);

  const resolved =
    m.resolveWhen !== undefined
      ? equalsIgnoringCase(textAt(body, m.resolveWhen.path, null), m.resolveWhen.equals)
      : equalsIgnoringCase(textAt(body, undefined, "state"), "ok") || equalsIgnoringCase(textAt(body, undefined, "status"), "resolved");
  const status = resolved ? "resolved" : "firing";

  const link =
    textAt(body, undefined, "link") ?? textAt(body, undefined, "url") ?? textAt(body, undefined, "link_to_upstream_details");
  const links: AlertLink[] = [];
  pushLinks(links, safeLink("Source", link), safeLink("Image", textAt(body, undefined, "image_url")));

  const labels = webhookLabels(body);
  const groupingKey = boundKey(explicitKey ?? title);
  return ok([
    storableGroup({
      groupingKey,
      status,
      title: truncate(title, MAX_TITLE_CHARS),
      message: message === null ? null : truncate(message, MAX_VALUE_CHARS),
      severity: severity === null ? null : truncate(severity, MAX_TITLE_CHARS),
      labels,
      links,
      alerts: [
        {
          status,
          labels: mergeRecords(labels),
          annotations: emptyRecord(),
          startsAt: null,
          endsAt: null,
          generatorUrl: link === null ? null : truncate(link, MAX_VALUE_CHARS),
          // A webhook group holds one alert, named by the group's key: a re-send updates it.
          fingerprint: groupingKey,
        },
      ],
    }),
  ]);
}

function readTitle(body: JsonObject, path: string | undefined, errors: FieldErrorList): string | null {
  const field = path ?? "title";
  if (path !== undefined && parseJsonPath(path) === null) {
    errors.add(field, "invalid mapping path");
    return null;
  }
  const value = path === undefined ? (Object.hasOwn(body, "title") ? body.title : undefined) : getJsonPath(body, path);
  if (value === undefined || value === null) {
    errors.add(field, "required");
    return null;
  }
  const text = scalarText(value);
  if (text === null) {
    errors.add(field, `expected a string, got ${describe(value)}`);
    return null;
  }
  if (text.trim() === "") {
    errors.add(field, "must not be empty");
    return null;
  }
  return text;
}

/**
 * Text at the mapped `path` if one is given, else at the top-level `fallbackKey`.
 * Non-scalar and empty values count as absent: only the title is strict.
 */
function textAt(body: JsonObject, path: string | undefined, fallbackKey: string | null): string | null {
  let value: unknown;
  if (path !== undefined) value = getJsonPath(body, path);
  else if (fallbackKey !== null && Object.hasOwn(body, fallbackKey)) value = body[fallbackKey];
  const text = scalarText(value);
  return text === null || text === "" ? null : text;
}

function scalarText(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value === "boolean") return String(value);
  return null;
}

function equalsIgnoringCase(text: string | null, expected: string): boolean {
  return text !== null && text.length === expected.length && text.toLowerCase() === expected.toLowerCase();
}

/** Top-level scalar fields, then the `labels` object (which wins); nested values are ignored, never walked. */
function webhookLabels(body: JsonObject): Record<string, string> {
  const labels = emptyRecord();
  const copyScalars = (source: JsonObject, skip: string | null): void => {
    for (const key of Object.keys(source)) {
      if (key === skip || isUnsafeKey(key) || key.length > MAX_KEY_CHARS) continue;
      const text = scalarText(source[key]);
      if (text !== null) labels[key] = truncate(text, MAX_VALUE_CHARS);
    }
  };
  copyScalars(body, "labels");
  const nested = Object.hasOwn(body, "labels") ? body.labels : undefined;
  if (isObject(nested)) copyScalars(nested, null);
  return labels;
}
