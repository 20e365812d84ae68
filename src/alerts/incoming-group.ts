/**
 * The normalised output of every payload parser (Alertmanager, Grafana, generic
 * webhook). The ingest service upserts each {@link IncomingGroup} into the alert
 * group with the same grouping key; routing looks only at `labels`.
 *
 * Every `Record<string, string>` produced by a parser is a null-prototype object
 * without `__proto__` keys, so hostile keys cannot reach `Object.prototype`.
 */

/** One alert inside a group-level update. */
export interface IncomingAlert {
  status: "firing" | "resolved";
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** RFC 3339 string as received (validated); null when absent or Go's zero time. */
  startsAt: string | null;
  /** RFC 3339 string as received (validated); null when absent or Go's zero time (still firing). */
  endsAt: string | null;
  generatorUrl: string | null;
  fingerprint: string | null;
}

/** A link shown with the alert group (only http/https URLs are ever produced). */
export interface AlertLink {
  title: string;
  url: string;
}

/** One group-level update carried by a payload: the unit that is upserted into an alert group. */
export interface IncomingGroup {
  /** Alertmanager groupKey; Grafana fingerprint (or rule); webhook alert_uid/group_key else title. At most 1024 chars (longer keys are replaced by `sha256:<hex>`). */
  groupingKey: string;
  /** `resolved` means: resolve the open group with this key. */
  status: "firing" | "resolved";
  /** At most 500 chars. Alertmanager: alertname + group labels, e.g. `HighLatency (cluster=prod, service=api)`. */
  title: string;
  message: string | null;
  /** From labels.severity / payload severity. */
  severity: string | null;
  /** Labels used for routing. */
  labels: Record<string, string>;
  links: AlertLink[];
  alerts: IncomingAlert[];
  /** Alerts the sender left out of this payload (Alertmanager `truncatedAlerts`); absent when the source has no such notion. */
  truncatedAlerts?: number;
  /**
   * True when `alerts` is the whole group as the source sees it (Alertmanager without truncation):
   * firing alerts of the stored group that it no longer lists have resolved.
   */
  complete?: boolean;
  /**
   * The source acknowledged the group (PagerDuty's `acknowledge` event): an open group that is
   * firing or silenced becomes acknowledged by the integration. Nothing is opened and no alert changes.
   */
  acknowledge?: boolean;
}

/** A problem with one field of a payload; the HTTP layer answers 400 with `${field}: ${message}`. */
export interface FieldError {
  /** e.g. `alerts[3].labels`, `groupKey`, `body`, or a webhook mapping path such as `data.alert.name`. */
  field: string;
  message: string;
}

/** Grafana payloads with more alerts are rejected as a whole (each alert is its own group). */
export const MAX_ALERTS_PER_PAYLOAD = 1000;
/**
 * Alerts read from one Alertmanager payload (one group). Those after it are not read or
 * stored but counted, like the ones Alertmanager itself left out (`truncatedAlerts`).
 */
export const MAX_ALERTS_PER_GROUP_PAYLOAD = 10_000;
/** Label and annotation values (and messages) longer than this are truncated with "…". */
export const MAX_VALUE_CHARS = 16 * 1024;
/** Titles (and severities) longer than this are truncated with "…". */
export const MAX_TITLE_CHARS = 500;
/** Label names longer than this are rejected (webhook: skipped); longer grouping keys are hashed. */
export const MAX_KEY_CHARS = 1024;
