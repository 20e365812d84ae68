import type { AlertGroupRecord } from "../store/repositories/alert-group-record.js";

/**
 * Where a Slack message is, as a link that opens in the reader's own workspace; null when the
 * channel is not a Slack conversation id (without Slack credentials nothing is posted: calpage only
 * logs what it would post, under the channel's name).
 */
export function slackMessageUrl(channelId: string, ts: string): string | null {
  if (!/^[CGD][A-Z0-9]{2,}$/.test(channelId)) return null;
  return `https://slack.com/archives/${channelId}/p${ts.replace(".", "")}`;
}

/**
 * An alert group as calpage's webhooks send it (escalation `webhook` steps and outgoing
 * webhooks): snake_case, times as ISO 8601, `url` the group's Slack message once it is posted.
 */
export function alertGroupJson(group: AlertGroupRecord) {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: group.id,
    number: group.number,
    title: group.title,
    message: group.message,
    state: group.state,
    severity: group.severity,
    integration: group.integration,
    labels: group.labels,
    links: group.links,
    alert_count: group.alertCount,
    firing_count: group.firingCount,
    truncated_alerts: group.truncatedAlerts,
    first_alert_at: iso(group.firstAlertAt)!,
    last_alert_at: iso(group.lastAlertAt)!,
    acknowledged_by: group.acknowledgedBy,
    acknowledged_at: iso(group.acknowledgedAt),
    resolved_by: group.resolvedBy,
    resolved_at: iso(group.resolvedAt),
    silenced_until: iso(group.silencedUntil),
    url: group.slackChannelId && group.slackTs ? slackMessageUrl(group.slackChannelId, group.slackTs) : null,
  };
}

export type AlertGroupJson = ReturnType<typeof alertGroupJson>;
