import { distinctAlerts } from "../alerts/alert-identity.js";
import type { FieldError, IncomingGroup } from "../alerts/incoming-group.js";
import { parsePagerDuty } from "../alerts/parse-pagerduty.js";
import { PARSERS } from "../alerts/payload-parsers.js";
import type { IntegrationConfig } from "../config/config-types.js";
import { initialEscalation } from "../escalation/escalation-state.js";
import { pageSmsBody } from "../notify/page-sms-body.js";
import { spokenIntro } from "../notify/twilio/voice-twiml.js";
import type { Result } from "../shared/result.js";
import { ALERT_GROUP_BLOCK_IDS, alertGroupMessage } from "../slack/blocks/alert-group-message.js";
import { toAlertGroupView } from "../slack/to-alert-group-view.js";
import type { AlertGroupRecord } from "../store/repositories/alert-group-record.js";
import type { StoredAlert } from "../store/repositories/alerts-repository.js";
import { renderSurface, templatedText, type SurfaceText } from "../templates/render-template.js";
import type { TemplateSurface } from "../templates/template-surfaces.js";

/** The number a preview shows for its group (a real group gets the next number at intake). */
export const PREVIEW_NUMBER = 1;

/** Parses a payload as the integration's intake would, storing nothing. */
export function parsePreviewPayload(integration: IntegrationConfig, body: unknown): Result<IncomingGroup[], FieldError> {
  if (integration.type !== "pagerduty") return PARSERS[integration.type](body, integration);
  const parsed = parsePagerDuty(body, () => "preview-dedup-key");
  return parsed.ok ? { ok: true, value: parsed.value.groups } : parsed;
}

/** The group a first delivery of `g` would open, as stored (numbered {@link PREVIEW_NUMBER}). */
function previewGroup(integration: IntegrationConfig, g: IncomingGroup, now: number): { group: AlertGroupRecord; recent: StoredAlert[] } {
  const alerts = [...distinctAlerts(g.alerts)];
  const group: AlertGroupRecord = {
    id: "preview",
    number: PREVIEW_NUMBER,
    integration: integration.name,
    groupingKey: g.groupingKey,
    state: g.status === "resolved" ? "resolved" : "firing",
    title: g.title,
    message: g.message,
    severity: g.severity,
    labels: g.labels,
    links: g.links,
    silenceUrl: g.links.find((l) => l.title === "Silence")?.url ?? null,
    chain: integration.chain,
    chainSteps: [],
    channel: integration.channel,
    alertCount: alerts.length,
    firingCount: alerts.filter(([, a]) => a.status === "firing").length,
    truncatedAlerts: g.truncatedAlerts ?? 0,
    firstAlertAt: now,
    lastAlertAt: now,
    acknowledgedBy: null,
    acknowledgedAt: null,
    resolvedBy: null,
    resolvedAt: null,
    silencedBy: null,
    silencedUntil: null,
    slackChannelId: null,
    slackTs: null,
    escalation: initialEscalation,
    createdAt: now,
    updatedAt: now,
  };
  // Newest first, as the alerts repository's `recent` gives them to a live send.
  alerts.sort(([, a], [, b]) => {
    const [x, y] = [a.startsAt ?? "", b.startsAt ?? ""];
    return x < y ? 1 : x > y ? -1 : 0;
  });
  const recent = alerts.slice(0, 5).map(([key, a], i): StoredAlert => ({ ...a, id: `preview-${i}`, groupId: "preview", key, receivedAt: now, changedAt: now }));
  return { group, recent };
}

const MARK: Record<SurfaceText["source"], string> = { template: "template", default: "default", fallback: "default: the template failed" };

/**
 * What each surface would say for a delivery of `groups` to the integration: Slack title (the
 * header), Slack body (the message section), SMS, voice and webhook body (as for the `opened` event,
 * its `actor` the integration), each marked as coming from the template or the default — and, for a
 * template that fails, why.
 */
export function renderPreview(integration: IntegrationConfig, groups: readonly IncomingGroup[], now: number, timezone: string): string[] {
  const out: string[] = [];
  const templates = integration.templates;
  const ignore = () => {};
  groups.forEach((g, i) => {
    const { group, recent } = previewGroup(integration, g, now);
    const input = { group, alerts: recent, integrationType: integration.type };
    const source = (surface: TemplateSurface) => renderSurface(templates, surface, input);
    const label = (surface: TemplateSurface, s: SurfaceText) =>
      `${surface} (${MARK[s.source]}${s.source === "fallback" ? `${s.problem.line === null ? "" : ` at template line ${s.problem.line}`}: ${s.problem.message}` : ""}):`;
    if (groups.length > 1) out.push(`${i === 0 ? "" : "\n"}— group ${i + 1} of ${groups.length}: ${g.title}`);
    // Intake drops these when no group is open for them: what follows is what they would say about an open one.
    if (g.acknowledge) out.push("(a first delivery of this opens nothing: an acknowledge only acts on an open group; shown as it would read on one)");
    else if (g.status === "resolved") out.push("(a first delivery of this opens nothing: a resolve only closes an open group; shown as it would read on one)");
    const message = alertGroupMessage(toAlertGroupView(group, recent, integration.type, { templates, warn: ignore }), { timezone });
    const blockText = (id: string) => {
      const block = message.blocks.find((b) => b.block_id === id) as { text?: { text?: string } } | undefined;
      return block?.text?.text ?? null;
    };
    out.push(`${label("slack_title", source("slack_title"))} ${blockText(ALERT_GROUP_BLOCK_IDS.header) ?? ""}`);
    const body = blockText(ALERT_GROUP_BLOCK_IDS.message);
    out.push(label("slack_body", source("slack_body")), ...(body === null ? ["  (no message section)"] : body.split("\n").map((l) => `  ${l}`)));
    out.push(`${label("sms", source("sms"))} ${pageSmsBody(templates, input, false, ignore)}`);
    const spoken = templatedText(templates, "voice", input, ignore);
    const call = { number: group.number, title: group.title, severity: group.severity, alertCount: group.alertCount, firingCount: group.firingCount, truncatedAlerts: group.truncatedAlerts, gatherUrl: "" };
    out.push(`${label("voice", source("voice"))} ${spokenIntro(spoken === undefined ? call : { ...call, spoken })}`);
    // A webhook body also has the event's own variables: shown for the first event of a new group.
    const opened = { event: "opened", delivery_id: "preview", occurred_at: new Date(now).toISOString(), actor: { kind: "system", id: integration.name, name: integration.name } };
    const webhook = renderSurface(templates, "webhook_body", { ...input, extra: opened });
    out.push(label("webhook_body", webhook), webhook.source === "template" ? `  ${webhook.text}` : "  (the outgoing webhook's default body)");
  });
  return out;
}
