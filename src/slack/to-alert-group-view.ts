import type { IntegrationType } from "../config/config-types.js";
import { templatedText } from "../templates/render-template.js";
import type { MessageTemplates } from "../templates/template-surfaces.js";
import type { AlertGroupRecord } from "../store/repositories/alert-group-record.js";
import type { StoredAlert } from "../store/repositories/alerts-repository.js";
import type { AlertGroupView } from "./blocks/alert-group-view.js";

/** The integration's message templates, and where a template that fails is reported (its default text is used). */
export interface ViewTemplates {
  templates: MessageTemplates | undefined;
  warn: (line: string) => void;
}

/**
 * Stored group + its most recent alerts -> what the Block Kit builders render. With the
 * integration's `slack_title` / `slack_body` templates, their text replaces the title / message.
 */
export function toAlertGroupView(
  g: AlertGroupRecord,
  recent: readonly StoredAlert[],
  integrationType: IntegrationType | "direct",
  templates?: ViewTemplates,
): AlertGroupView {
  const view = plainView(g, recent, integrationType);
  if (templates?.templates === undefined) return view;
  const input = { group: g, alerts: recent, integrationType };
  const title = templatedText(templates.templates, "slack_title", input, templates.warn);
  const body = templatedText(templates.templates, "slack_body", input, templates.warn);
  return { ...view, ...(title !== undefined ? { title } : {}), ...(body !== undefined ? { bodyMrkdwn: body } : {}) };
}

function plainView(g: AlertGroupRecord, recent: readonly StoredAlert[], integrationType: IntegrationType | "direct"): AlertGroupView {
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
