/**
 * Prometheus Alertmanager webhook (payload version 4). One webhook carries one
 * Alertmanager group, so it becomes exactly one {@link IncomingGroup} keyed by
 * `groupKey`.
 */
import { storableGroup } from "./storable-text.js";
import { fail, ok, type Result } from "../shared/result.js";
import {
  MAX_ALERTS_PER_GROUP_PAYLOAD,
  MAX_TITLE_CHARS,
  MAX_VALUE_CHARS,
  type AlertLink,
  type FieldError,
  type IncomingAlert,
  type IncomingGroup,
} from "./incoming-group.js";
import {
  FieldErrorList,
  boundKey,
  describe,
  emptyRecord,
  isObject,
  isUnsafeKey,
  mergeRecords,
  nonEmpty,
  pushLinks,
  readAlert,
  readAlertArray,
  readCount,
  readOptionalString,
  readStatus,
  readStringRecord,
  safeLink,
  truncate,
} from "./payload-fields.js";

const MAX_SOURCE_LINKS = 5;
const MAX_RUNBOOK_LINKS = 3;

/**
 * Parses an Alertmanager webhook body. Required: `groupKey`, `status`, `alerts[]`
 * with `status` and `labels` each. A missing `version` is accepted; any other
 * than "4" is rejected.
 */
export function parseAlertmanager(body: unknown): Result<IncomingGroup[], FieldError> {
  if (!isObject(body)) return fail({ field: "body", message: `expected a JSON object, got ${describe(body)}` });
  const errors = new FieldErrorList();

  const version = body.version;
  if (version !== undefined && version !== null && version !== "4") {
    errors.add("version", `unsupported payload version: expected "4", got ${describe(version)}`);
  }
  const groupKey = body.groupKey;
  if (typeof groupKey !== "string" || groupKey === "") {
    errors.add("groupKey", groupKey === undefined ? "required (a string)" : `expected a non-empty string, got ${describe(groupKey)}`);
  }
  const status = readStatus(body.status, "status", errors);
  const groupLabels = readStringRecord(body.groupLabels, "groupLabels", errors, false);
  const commonLabelsGiven = body.commonLabels !== undefined && body.commonLabels !== null;
  const commonLabels = readStringRecord(body.commonLabels, "commonLabels", errors, false);
  const commonAnnotations = readStringRecord(body.commonAnnotations, "commonAnnotations", errors, false);
  const externalUrl = readOptionalString(body, "externalURL", "externalURL", errors);
  readOptionalString(body, "receiver", "receiver", errors);
  const truncatedAlerts = readCount(body.truncatedAlerts, "truncatedAlerts", errors);

  // A big group is never refused (that would page nobody in the largest outages): the alerts
  // past the cap are not read, only counted with those Alertmanager itself left out.
  const rawAlerts = readAlertArray(body.alerts, errors, Number.POSITIVE_INFINITY);
  const overCap = rawAlerts === null ? 0 : Math.max(0, rawAlerts.length - MAX_ALERTS_PER_GROUP_PAYLOAD);
  const alerts: IncomingAlert[] = [];
  if (rawAlerts !== null) {
    rawAlerts.slice(0, MAX_ALERTS_PER_GROUP_PAYLOAD).forEach((raw, i) => {
      const read = readAlert(raw, `alerts[${i}]`, errors);
      if (read !== null) alerts.push(read.alert);
    });
  }

  // Alertmanager never sends these (it computes `status` from the alerts it sends, all of them unless it
  // says how many it left out); a hand-written sender that does would open a group with nothing firing and page.
  if (rawAlerts !== null && errors.empty && truncatedAlerts + overCap === 0) {
    if (rawAlerts.length === 0) errors.add("alerts", "empty: a notification carries at least one alert");
    else if (status === "firing" && alerts.every((a) => a.status === "resolved")) errors.add("status", '"firing", but every alert in alerts is resolved; send "resolved" when nothing fires');
  }

  if (!errors.empty || typeof groupKey !== "string" || status === null || groupLabels === null || commonLabels === null || commonAnnotations === null) {
    return fail(...errors.list);
  }

  // Alertmanager always sends commonLabels; derive them if a hand-written payload leaves them out.
  const common = commonLabelsGiven ? commonLabels : intersectLabels(alerts.map((a) => a.labels));
  const labels = mergeRecords(common, groupLabels);

  return ok([
    storableGroup({
      groupingKey: boundKey(groupKey),
      status,
      title: alertmanagerTitle(groupLabels, common, alerts),
      message: alertmanagerMessage(commonAnnotations, alerts),
      severity: severityOf(labels),
      labels,
      links: alertmanagerLinks(alerts, commonAnnotations, externalUrl, Object.keys(groupLabels).length > 0 ? groupLabels : common),
      alerts,
      truncatedAlerts: truncatedAlerts + overCap,
      complete: truncatedAlerts + overCap === 0,
    }),
  ]);
}

/**
 * URL of Alertmanager's "new silence" page pre-filled with one equality matcher
 * per label (sorted by name), e.g.
 * `http://am:9093/#/silences/new?filter=%7Balertname%3D%22X%22%7D`.
 * Returns null when `externalUrl` is not an http(s) URL or there are no labels.
 */
export function alertmanagerSilenceUrl(externalUrl: string, labels: Readonly<Record<string, string>>): string | null {
  const names = Object.keys(labels)
    .filter((name) => !isUnsafeKey(name))
    .sort();
  if (names.length === 0) return null;
  const filter = `{${names.map((name) => `${name}=${quoteMatcherValue(labels[name] ?? "")}`).join(",")}}`;
  const url = `${externalUrl.replace(/\/+$/, "")}/#/silences/new?filter=${encodeURIComponent(filter)}`;
  return safeLink("Silence", url)?.url ?? null;
}

/** Alertmanager matcher values are double-quoted with Go-style escapes. */
function quoteMatcherValue(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

function alertmanagerTitle(
  groupLabels: Record<string, string>,
  commonLabels: Record<string, string>,
  alerts: IncomingAlert[],
): string {
  const first = alerts[0];
  const alertname =
    nonEmpty(groupLabels, "alertname") ??
    nonEmpty(commonLabels, "alertname") ??
    (first === undefined ? null : nonEmpty(first.labels, "alertname")) ??
    "Alertmanager alert";
  const others = Object.keys(groupLabels)
    .filter((key) => key !== "alertname")
    .sort()
    .map((key) => `${key}=${groupLabels[key] ?? ""}`);
  // Cap before joining so a huge label value cannot make the join itself large.
  const text = others.length === 0 ? alertname : `${truncate(alertname, MAX_TITLE_CHARS)} (${others.map((o) => truncate(o, MAX_TITLE_CHARS)).join(", ")})`;
  return truncate(text, MAX_TITLE_CHARS);
}

/** summary and description from commonAnnotations, or from the only alert's annotations. */
function alertmanagerMessage(commonAnnotations: Record<string, string>, alerts: IncomingAlert[]): string | null {
  const only = alerts.length === 1 ? alerts[0] : undefined;
  const source = Object.keys(commonAnnotations).length > 0 || only === undefined ? commonAnnotations : only.annotations;
  const summary = nonEmpty(source, "summary");
  const description = nonEmpty(source, "description");
  const parts = [summary, description].filter((p): p is string => p !== null);
  if (parts.length === 2 && parts[0] === parts[1]) parts.pop();
  return parts.length === 0 ? null : truncate(parts.join("\n"), MAX_VALUE_CHARS);
}

function severityOf(labels: Record<string, string>): string | null {
  const severity = nonEmpty(labels, "severity");
  return severity === null ? null : truncate(severity, MAX_TITLE_CHARS);
}

function alertmanagerLinks(
  alerts: IncomingAlert[],
  commonAnnotations: Record<string, string>,
  externalUrl: string | null,
  silenceLabels: Record<string, string>,
): AlertLink[] {
  const links: AlertLink[] = [];

  const sources: AlertLink[] = [];
  for (const alert of alerts) {
    if (sources.length >= MAX_SOURCE_LINKS) break;
    pushLinks(sources, safeLink("Source", alert.generatorUrl));
  }
  numberTitles(sources);

  // A common runbook is the runbook; otherwise each distinct one the alerts name.
  const runbooks: AlertLink[] = [];
  pushLinks(runbooks, safeLink("Runbook", nonEmpty(commonAnnotations, "runbook_url")));
  for (const alert of runbooks.length > 0 ? [] : alerts) {
    if (runbooks.length >= MAX_RUNBOOK_LINKS) break;
    pushLinks(runbooks, safeLink("Runbook", nonEmpty(alert.annotations, "runbook_url")));
  }
  numberTitles(runbooks);

  links.push(...sources, ...runbooks);
  if (externalUrl !== null) {
    const silence = alertmanagerSilenceUrl(externalUrl, silenceLabels);
    pushLinks(links, safeLink("Silence", silence), safeLink("Alertmanager", externalUrl));
  }
  return links;
}

/** "Source", "Source 2", "Source 3", … when there are several links of one kind. */
function numberTitles(links: AlertLink[]): void {
  links.forEach((link, i) => {
    if (i > 0) link.title = `${link.title} ${i + 1}`;
  });
}

/** Labels with the same value in every alert (what Alertmanager calls commonLabels). */
function intersectLabels(labelSets: Record<string, string>[]): Record<string, string> {
  const [first, ...rest] = labelSets;
  if (first === undefined) return emptyRecord();
  const out = mergeRecords(first);
  for (const labels of rest) {
    for (const key of Object.keys(out)) {
      if (!Object.hasOwn(labels, key) || labels[key] !== out[key]) delete out[key];
    }
  }
  return out;
}
