import type { IntegrationType } from "../../config/config-types.js";

/** States of an alert group as shown in Slack. */
export type AlertGroupState = "firing" | "acknowledged" | "silenced" | "resolved";

/** One alert of a group, as shown in its message. */
export interface AlertView {
  status: "firing" | "resolved";
  labels: Record<string, string>;
  annotations: Record<string, string>;
  generatorUrl: string | null;
}

/**
 * Everything the Slack builders need to render an alert group. Built by the
 * shell from stored rows; the builders never look anything else up.
 *
 * Actor fields (`acknowledgedBy`, `resolvedBy`, `silencedBy`) hold either a Slack
 * user id such as `U123` (rendered as a mention) or a plain name such as
 * `Alertmanager` (rendered as escaped text).
 */
export interface AlertGroupView {
  id: string;
  /** Human group number, shown as `#42`. */
  number: number;
  integrationName: string;
  integrationType: IntegrationType | "direct";
  title: string;
  message: string | null;
  severity: string | null;
  state: AlertGroupState;
  /** Distinct alerts in the group, firing or resolved. */
  alertCount: number;
  /** Of those, still firing. */
  firingCount: number;
  /** Alerts the source left out of its latest delivery. */
  truncatedAlerts: number;
  firstAlertAt: Date;
  lastAlertAt: Date;
  /** Group/common labels. */
  labels: Record<string, string>;
  /** The most recent few alerts, newest first. */
  alerts: AlertView[];
  links: { title: string; url: string }[];
  acknowledgedBy: string | null;
  acknowledgedAt: Date | null;
  resolvedBy: string | null;
  resolvedAt: Date | null;
  silencedBy: string | null;
  /** With state `silenced`, null means silenced forever. */
  silencedUntil: Date | null;
  /** Pre-filled silence link at the source (e.g. Alertmanager), when there is one. */
  silenceUrl: string | null;
  /**
   * The integration's `slack_body` template, rendered (mrkdwn with every value escaped): shown
   * instead of the message; empty means no message section. Left out: the message as received.
   */
  bodyMrkdwn?: string;
}
