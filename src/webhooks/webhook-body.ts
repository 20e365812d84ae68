import { alertGroupJson, type AlertGroupJson } from "../alerts/alert-group-json.js";
import type { GroupEvent, GroupEventActor, GroupEventName } from "../alerts/group-events.js";
import type { IntegrationConfig, OutgoingWebhookConfig } from "../config/config-types.js";
import type { AlertGroupRecord } from "../store/repositories/alert-group-record.js";

/** The default JSON body of an outgoing webhook request (documented in README "Outgoing webhooks"). */
export interface WebhookBody {
  event: GroupEventName;
  /** Same as `X-Calpage-Delivery`: one per event and webhook, the same on every retry. */
  delivery_id: string;
  occurred_at: string;
  actor: GroupEventActor | null;
  /** `escalated` only: the 1-based chain step that fired. */
  escalation_step?: number;
  alert_group: AlertGroupJson;
  calpage_url: string;
}

/** The body for `event` on `group` as it stands right after the change (a snapshot: retries send the same). */
export function buildWebhookBody(event: GroupEvent, group: AlertGroupRecord, meta: { deliveryId: string; occurredAt: number; publicUrl: string }): WebhookBody {
  return {
    event: event.name,
    delivery_id: meta.deliveryId,
    occurred_at: new Date(meta.occurredAt).toISOString(),
    actor: event.actor,
    ...(event.step === undefined ? {} : { escalation_step: event.step + 1 }),
    alert_group: alertGroupJson(group),
    calpage_url: meta.publicUrl,
  };
}

/**
 * The seam for templated bodies: given the default body (as data) and the webhook, returns the
 * request body to send, or null for the default JSON. Called at each attempt, outside any
 * transaction; a throw fails the delivery (logged on the group, not retried).
 */
export type RenderWebhookBody = (input: { body: WebhookBody; hook: OutgoingWebhookConfig; integration: IntegrationConfig }) => string | null | Promise<string | null>;

/** The text sent: what `render` makes of it, else the default body as JSON. */
export async function webhookBodyText(body: WebhookBody, hook: OutgoingWebhookConfig, integration: IntegrationConfig, render?: RenderWebhookBody): Promise<string> {
  return (await render?.({ body, hook, integration })) ?? JSON.stringify(body);
}
