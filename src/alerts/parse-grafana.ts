/**
 * Grafana unified alerting webhook contact point (payload version 1, Grafana 9+).
 * Grafana batches unrelated alert instances into one notification, and each
 * instance fires and resolves on its own, so every alert becomes its own
 * {@link IncomingGroup} keyed by its fingerprint.
 */
import { storableGroup } from "./storable-text.js";
import { fail, ok, type Result } from "../shared/result.js";
import {
  MAX_ALERTS_PER_PAYLOAD,
  MAX_TITLE_CHARS,
  type AlertLink,
  type FieldError,
  type IncomingGroup,
} from "./incoming-group.js";
import {
  FieldErrorList,
  boundKey,
  describe,
  isObject,
  labelSetString,
  mergeRecords,
  nonEmpty,
  pushLinks,
  readAlert,
  readAlertArray,
  readCount,
  readOptionalString,
  readStringRecord,
  safeLink,
  truncate,
  type ReadAlert,
} from "./payload-fields.js";

/**
 * Parses a Grafana alerting webhook body into one group per alert. Required:
 * `alerts[]` with `status` and `labels` each; top-level `status` is checked when
 * present but each alert's own status decides.
 */
export function parseGrafana(body: unknown): Result<IncomingGroup[], FieldError> {
  if (!isObject(body)) return fail({ field: "body", message: `expected a JSON object, got ${describe(body)}` });
  const errors = new FieldErrorList();

  const status = body.status;
  if (status !== undefined && status !== null && status !== "firing" && status !== "resolved") {
    errors.add("status", `expected "firing" or "resolved", got ${describe(status)}`);
  }
  const commonLabels = readStringRecord(body.commonLabels, "commonLabels", errors, false);
  readStringRecord(body.groupLabels, "groupLabels", errors, false);
  readStringRecord(body.commonAnnotations, "commonAnnotations", errors, false);
  readCount(body.truncatedAlerts, "truncatedAlerts", errors);

  const rawAlerts = readAlertArray(body.alerts, errors, MAX_ALERTS_PER_PAYLOAD);
  const groups: IncomingGroup[] = [];
  if (rawAlerts !== null && commonLabels !== null) {
    rawAlerts.forEach((raw, i) => {
      const read = readAlert(raw, `alerts[${i}]`, errors);
      if (read === null) return;
      const group = grafanaGroup(read, `alerts[${i}]`, commonLabels, errors);
      if (group !== null) groups.push(group);
    });
  }
  return errors.empty ? ok(groups.map(storableGroup)) : fail(...errors.list);
}

function grafanaGroup(
  { alert, raw }: ReadAlert,
  field: string,
  commonLabels: Record<string, string>,
  errors: FieldErrorList,
): IncomingGroup | null {
  const before = errors.list.length;
  const silenceUrl = readOptionalString(raw, "silenceURL", `${field}.silenceURL`, errors);
  const dashboardUrl = readOptionalString(raw, "dashboardURL", `${field}.dashboardURL`, errors);
  const panelUrl = readOptionalString(raw, "panelURL", `${field}.panelURL`, errors);
  const valueString = readOptionalString(raw, "valueString", `${field}.valueString`, errors);
  if (errors.list.length !== before) return null;

  const alertname = nonEmpty(alert.labels, "alertname");
  const summary = nonEmpty(alert.annotations, "summary");
  const description = nonEmpty(alert.annotations, "description");
  const title =
    alertname !== null && summary !== null
      ? `${truncate(alertname, MAX_TITLE_CHARS)}: ${truncate(summary, MAX_TITLE_CHARS)}`
      : (alertname ?? summary ?? "Grafana alert");

  const links: AlertLink[] = [];
  pushLinks(
    links,
    safeLink("Source", alert.generatorUrl),
    safeLink("Runbook", nonEmpty(alert.annotations, "runbook_url")),
    safeLink("Dashboard", dashboardUrl),
    safeLink("Panel", panelUrl),
    safeLink("Silence", silenceUrl),
  );

  const severity = nonEmpty(alert.labels, "severity");
  return {
    groupingKey: boundKey(
      alert.fingerprint ??
        nonEmpty(alert.labels, "__alert_rule_uid__") ??
        `${alertname ?? ""}${labelSetString(alert.labels)}`,
    ),
    status: alert.status,
    title: truncate(title, MAX_TITLE_CHARS),
    // The summary is already in the title.
    message: description ?? (valueString === "" ? null : valueString),
    severity: severity === null ? null : truncate(severity, MAX_TITLE_CHARS),
    // commonLabels are a subset of every alert's labels; merging keeps routing right for hand-made payloads too.
    labels: mergeRecords(commonLabels, alert.labels),
    links,
    alerts: [alert],
  };
}
