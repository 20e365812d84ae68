import { describe, expect, it } from "vitest";
import type { IntegrationConfig, OutgoingWebhookConfig } from "../config/config-types.js";
import type { AlertGroupRecord } from "../store/repositories/alert-group-record.js";
import { initialEscalation } from "../escalation/escalation-state.js";
import { buildWebhookBody, webhookBodyText } from "./webhook-body.js";

const T0 = Date.UTC(2026, 0, 5, 9, 30);

const group: AlertGroupRecord = {
  id: "g1",
  number: 42,
  integration: "prod",
  groupingKey: "k",
  state: "acknowledged",
  title: "Disk full",
  message: "on db-1",
  severity: "critical",
  labels: { team: "db" },
  links: [{ title: "Runbook", url: "https://runbooks.example.com/disk" }],
  silenceUrl: null,
  chain: null,
  chainSteps: [],
  channel: "#alerts",
  alertCount: 2,
  firingCount: 1,
  truncatedAlerts: 0,
  firstAlertAt: T0,
  lastAlertAt: T0 + 60_000,
  acknowledgedBy: "U0ALICE",
  acknowledgedAt: T0 + 120_000,
  resolvedBy: null,
  resolvedAt: null,
  silencedBy: null,
  silencedUntil: null,
  slackChannelId: "C0ALERTS",
  slackTs: "1767605400.000100",
  escalation: initialEscalation,
  createdAt: T0,
  updatedAt: T0 + 120_000,
};

describe("buildWebhookBody", () => {
  it("is the documented default body: event, delivery id, when, who, the group and calpage's URL", () => {
    const body = buildWebhookBody({ name: "acknowledged", actor: { kind: "slack", id: "U0ALICE", name: "alice" } }, group, {
      deliveryId: "d-1",
      occurredAt: T0 + 120_000,
      publicUrl: "https://calpage.example.com",
    });
    expect(body).toEqual({
      event: "acknowledged",
      delivery_id: "d-1",
      occurred_at: "2026-01-05T09:32:00.000Z",
      actor: { kind: "slack", id: "U0ALICE", name: "alice" },
      alert_group: {
        id: "g1",
        number: 42,
        title: "Disk full",
        message: "on db-1",
        state: "acknowledged",
        severity: "critical",
        integration: "prod",
        labels: { team: "db" },
        links: [{ title: "Runbook", url: "https://runbooks.example.com/disk" }],
        alert_count: 2,
        firing_count: 1,
        truncated_alerts: 0,
        first_alert_at: "2026-01-05T09:30:00.000Z",
        last_alert_at: "2026-01-05T09:31:00.000Z",
        acknowledged_by: "U0ALICE",
        acknowledged_at: "2026-01-05T09:32:00.000Z",
        resolved_by: null,
        resolved_at: null,
        silenced_until: null,
        url: "https://slack.com/archives/C0ALERTS/p1767605400000100",
      },
      calpage_url: "https://calpage.example.com",
    });
  });

  it("numbers the escalated step from 1 and has no Slack link before the message is posted", () => {
    const body = buildWebhookBody({ name: "escalated", actor: null, step: 0 }, { ...group, slackChannelId: null, slackTs: null }, { deliveryId: "d", occurredAt: T0, publicUrl: "https://c" });
    expect(body.escalation_step).toBe(1);
    expect(body.actor).toBeNull();
    expect(body.alert_group.url).toBeNull();
    expect("escalation_step" in buildWebhookBody({ name: "opened", actor: null }, group, { deliveryId: "d", occurredAt: T0, publicUrl: "https://c" })).toBe(false);
  });

  it("has no Slack link when calpage runs without Slack (it only logged the post, under the channel's name)", () => {
    const body = buildWebhookBody({ name: "opened", actor: null }, { ...group, slackChannelId: "#alerts", slackTs: "1767605400.000100" }, { deliveryId: "d", occurredAt: T0, publicUrl: "https://c" });
    expect(body.alert_group.url).toBeNull();
  });
});

describe("webhookBodyText", () => {
  const hook = { url: "https://x.example.com/" } as OutgoingWebhookConfig;
  const integration = { name: "prod" } as IntegrationConfig;
  const body = buildWebhookBody({ name: "opened", actor: null }, group, { deliveryId: "d", occurredAt: T0, publicUrl: "https://c" });

  it("is the body as JSON without a renderer, or when the renderer declines", async () => {
    expect(JSON.parse(await webhookBodyText(body, hook, integration))).toEqual(body);
    expect(await webhookBodyText(body, hook, integration, () => null)).toBe(JSON.stringify(body));
    expect(await webhookBodyText(body, hook, integration, async () => null)).toBe(JSON.stringify(body));
  });

  it("is what the renderer (a template) makes of the body", async () => {
    const text = await webhookBodyText(body, hook, integration, ({ body: b, integration: i }) => JSON.stringify({ summary: `#${b.alert_group.number} ${b.event} on ${i.name}` }));
    expect(JSON.parse(text)).toEqual({ summary: "#42 opened on prod" });
  });
});
