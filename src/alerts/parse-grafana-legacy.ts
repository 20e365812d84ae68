/**
 * What Grafana OnCall's `grafana` integration URL receives: Grafana Alerting webhooks
 * (an `alerts` list, read by {@link parseGrafana}) and legacy Grafana alerting (Grafana 8
 * and older) notifications, one rule each:
 * `{"ruleName", "ruleId", "ruleUrl", "state": "alerting"|"ok"|…, "title", "message", "imageUrl", "evalMatches", "tags"}`.
 */
import { storableGroup } from "./storable-text.js";
import { fail, ok, type Result } from "../shared/result.js";
import { MAX_TITLE_CHARS, MAX_VALUE_CHARS, type AlertLink, type FieldError, type IncomingGroup } from "./incoming-group.js";
import { parseGrafana } from "./parse-grafana.js";
import {
  FieldErrorList,
  boundKey,
  describe,
  isObject,
  mergeRecords,
  nonEmpty,
  pushLinks,
  readOptionalString,
  readStringRecord,
  safeLink,
  truncate,
} from "./payload-fields.js";

/** Grafana OnCall's `grafana` URL kind: an `alerts` list is Grafana Alerting, anything else legacy alerting. */
export function parseGrafanaOnCall(body: unknown): Result<IncomingGroup[], FieldError> {
  if (isObject(body) && Object.hasOwn(body, "alerts")) return parseGrafana(body);
  return parseGrafanaLegacy(body);
}

/**
 * One legacy Grafana notification is one group, keyed like Grafana OnCall keys it: by
 * `ruleName` (else `labels.alertname`, else the title). `state: "ok"` or `status: "resolved"` resolves.
 */
export function parseGrafanaLegacy(body: unknown): Result<IncomingGroup[], FieldError> {
  if (!isObject(body)) return fail({ field: "body", message: `expected a JSON object (a Grafana alert notification), got ${describe(body)}` });
  const errors = new FieldErrorList();
  const title = readOptionalString(body, "title", "title", errors, MAX_TITLE_CHARS);
  const ruleName = readOptionalString(body, "ruleName", "ruleName", errors, MAX_TITLE_CHARS);
  const state = readOptionalString(body, "state", "state", errors);
  const status = readOptionalString(body, "status", "status", errors);
  const message = readOptionalString(body, "message", "message", errors);
  const ruleUrl = readOptionalString(body, "ruleUrl", "ruleUrl", errors);
  const generatorUrl = readOptionalString(body, "generatorURL", "generatorURL", errors);
  const imageUrl = readOptionalString(body, "imageUrl", "imageUrl", errors);
  const tags = readStringRecord(body.tags, "tags", errors, false);
  const labels = readStringRecord(body.labels, "labels", errors, false);
  const annotations = readStringRecord(body.annotations, "annotations", errors, false);
  const matches = evalMatchLines(body.evalMatches, errors);
  if (!errors.empty || tags === null || labels === null || annotations === null) return fail(...errors.list);

  const alertname = nonEmpty(labels, "alertname");
  const shownTitle = (title !== null && title.trim() !== "" ? title : null) ?? ruleName ?? alertname;
  if (shownTitle === null) {
    // Grafana's Slack contact point pointed at calpage: say so, not that a title is missing.
    if (Array.isArray(body.attachments) || Array.isArray(body.blocks)) {
      return fail({ field: "body", message: "this is Slack's message format (attachments/blocks): make the Grafana contact point a Webhook, with this URL" });
    }
    return fail({ field: "title", message: "required (or ruleName, or labels.alertname): nothing names this alert" });
  }
  const resolved = state?.toLowerCase() === "ok" || status?.toLowerCase() === "resolved";
  const groupLabels = mergeRecords(tags, labels);
  if (ruleName !== null && groupLabels.alertname === undefined) groupLabels.alertname = ruleName;
  const text = [message ?? nonEmpty(annotations, "message") ?? nonEmpty(annotations, "description"), ...matches].filter((l) => l !== null && l !== "").join("\n");

  const source = ruleUrl ?? generatorUrl;
  const links: AlertLink[] = [];
  pushLinks(links, safeLink("Source", source), safeLink("Runbook", nonEmpty(annotations, "runbook_url")), safeLink("Image", imageUrl));
  const groupingKey = boundKey(ruleName ?? alertname ?? shownTitle);
  const severity = nonEmpty(groupLabels, "severity");
  return ok([
    storableGroup({
      groupingKey,
      status: resolved ? "resolved" : "firing",
      title: truncate(shownTitle, MAX_TITLE_CHARS),
      message: text === "" ? null : truncate(text, MAX_VALUE_CHARS),
      severity: severity === null ? null : truncate(severity, MAX_TITLE_CHARS),
      labels: groupLabels,
      links,
      alerts: [
        {
          status: resolved ? "resolved" : "firing",
          labels: mergeRecords(groupLabels),
          annotations,
          startsAt: null,
          endsAt: null,
          generatorUrl: source,
          // One rule is one alert: a repeated notification updates it.
          fingerprint: groupingKey,
        },
      ],
    }),
  ]);
}

/** `evalMatches: [{metric, value}]` as `metric: value` lines (the values that broke the rule). */
function evalMatchLines(value: unknown, errors: FieldErrorList): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    errors.add("evalMatches", `expected an array, got ${describe(value)}`);
    return [];
  }
  const lines: string[] = [];
  for (const [i, m] of value.slice(0, 50).entries()) {
    if (!isObject(m)) {
      errors.add(`evalMatches[${i}]`, `expected an object, got ${describe(m)}`);
      continue;
    }
    const metric = typeof m.metric === "string" ? m.metric : "value";
    const v = typeof m.value === "number" || typeof m.value === "string" ? String(m.value) : JSON.stringify(m.value ?? null);
    lines.push(`${truncate(metric, MAX_TITLE_CHARS)}: ${truncate(v, MAX_TITLE_CHARS)}`);
  }
  return lines;
}
