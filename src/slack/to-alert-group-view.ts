import type { IntegrationType } from "../config/config-types.js";
import type { AlertGroupRecord } from "../store/repositories/alert-group-record.js";
import type { StoredAlert } from "../store/repositories/alerts-repository.js";
import type { AlertGroupView } from "./blocks/alert-group-view.js";

/** Stored group + its most recent alerts -> what the Block Kit builders render. */
export function toAlertGroupView(
  g: AlertGroupRecord,
  recent: readonly StoredAlert[],
  integrationType: IntegrationType | "direct",
): AlertGroupView {
  const date = (ms: number | null) => (ms === null ? null : new Date(ms));
  return {
    id: g.id,
    number: g.number,
    integrationName: g.integration,
    integrationType,
    title: g.title,
    message: g.message,
    severity: g.severity,
    state: g.state,
    alertCount: g.alertCount,
    firingCount: g.firingCount,
    truncatedAlerts: g.truncatedAlerts,
    firstAlertAt: new Date(g.firstAlertAt),
    lastAlertAt: new Date(g.lastAlertAt),
    labels: g.labels,
    alerts: recent.map((a) => ({ status: a.status, labels: a.labels, annotations: a.annotations, generatorUrl: a.generatorUrl })),
    links: g.links,
    acknowledgedBy: g.acknowledgedBy,
    acknowledgedAt: date(g.acknowledgedAt),
    resolvedBy: g.resolvedBy,
    resolvedAt: date(g.resolvedAt),
    silencedBy: g.silencedBy,
    silencedUntil: date(g.silencedUntil),
    silenceUrl: g.silenceUrl,
  };
}

/** Log text is plain text with Slack mentions; escape everything but the mentions. */
export function logTextToMrkdwn(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/&lt;@([UW][A-Z0-9]+)&gt;/g, "<@$1>");
}
