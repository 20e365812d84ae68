/**
 * What a template can read. Names follow Grafana OnCall where it has one (`alert_group`,
 * `payload`), in snake_case throughout; times are ISO 8601 in UTC.
 */

/** The stored alert group, as much of it as templates see (AlertGroupRecord fits). */
export interface TemplateGroupInput {
  id: string;
  number: number;
  integration: string;
  groupingKey?: string;
  state: string;
  title: string;
  message: string | null;
  severity: string | null;
  labels: Record<string, string>;
  links: readonly { title: string; url: string }[];
  silenceUrl: string | null;
  alertCount: number;
  firingCount: number;
  truncatedAlerts: number;
  firstAlertAt: number;
  lastAlertAt: number;
  acknowledgedBy?: string | null;
  acknowledgedAt?: number | null;
  resolvedBy?: string | null;
  resolvedAt?: number | null;
  silencedUntil?: number | null;
}

/** One alert of the group (StoredAlert and IncomingAlert fit). */
export interface TemplateAlertInput {
  status: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string | null;
  endsAt: string | null;
  generatorUrl: string | null;
  fingerprint: string | null;
}

export interface TemplateInput {
  group: TemplateGroupInput;
  /** The group's most recent alerts, newest first. */
  alerts: readonly TemplateAlertInput[];
  integrationType: string;
  /** The raw JSON of the latest delivery; calpage does not store it, so only when the caller has it (none at runtime). */
  payload?: unknown;
  /** Variables only one surface has (webhook bodies: `event`, `delivery_id`, `occurred_at`, `actor`). */
  extra?: Record<string, unknown>;
}

export type TemplateContext = Record<string, unknown>;

const iso = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

/**
 * The variables of a render:
 * `alert_group` (also `group`): id, number, title, message, state, severity, integration,
 * integration_type, grouping_key, labels, links [{title, url}], silence_url, alerts_count,
 * firing_count, resolved_count, truncated_alerts, first_alert_at, last_alert_at,
 * acknowledged_by, acknowledged_at, resolved_by, resolved_at, silenced_until;
 * `alerts`: the latest alerts (at most 5), newest first, each status, labels, annotations,
 * starts_at, ends_at, generator_url, fingerprint; `labels`: the group's labels; `annotations`:
 * the newest alert's annotations; `payload`: the delivery's raw JSON when known (nil at runtime);
 * and a surface's own `extra` variables (webhook bodies: event, delivery_id, occurred_at, actor).
 */
export function templateContext(input: TemplateInput): TemplateContext {
  const g = input.group;
  const alerts = input.alerts.map((a) => ({
    status: a.status,
    labels: a.labels,
    annotations: a.annotations,
    starts_at: a.startsAt,
    ends_at: a.endsAt,
    generator_url: a.generatorUrl,
    fingerprint: a.fingerprint,
  }));
  const group = {
    id: g.id,
    number: g.number,
    title: g.title,
    message: g.message,
    state: g.state,
    severity: g.severity,
    integration: g.integration,
    integration_type: input.integrationType,
    grouping_key: g.groupingKey ?? null,
    labels: g.labels,
    links: g.links.map((l) => ({ title: l.title, url: l.url })),
    silence_url: g.silenceUrl,
    alerts_count: g.alertCount,
    firing_count: g.firingCount,
    resolved_count: Math.max(0, g.alertCount - g.firingCount),
    truncated_alerts: g.truncatedAlerts,
    first_alert_at: iso(g.firstAlertAt),
    last_alert_at: iso(g.lastAlertAt),
    acknowledged_by: g.acknowledgedBy ?? null,
    acknowledged_at: iso(g.acknowledgedAt),
    resolved_by: g.resolvedBy ?? null,
    resolved_at: iso(g.resolvedAt),
    silenced_until: iso(g.silencedUntil),
  };
  return {
    ...input.extra,
    alert_group: group,
    group,
    alerts,
    labels: g.labels,
    annotations: input.alerts[0]?.annotations ?? {},
    payload: input.payload ?? null,
  };
}
