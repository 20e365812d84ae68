import { createHmac } from "node:crypto";

/**
 * The `X-Calpage-Signature` value for one request: `sha256=` and the hex HMAC-SHA256, keyed
 * with the webhook's secret, of `<timestamp>.<raw body>` (timestamp = `X-Calpage-Timestamp`,
 * unix seconds). Signing the timestamp with the body lets a receiver refuse replays of old requests.
 */
export function signWebhook(secret: string, timestampSeconds: number, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestampSeconds}.${body}`).digest("hex")}`;
}

export interface WebhookRequestMeta {
  event: string;
  deliveryId: string;
  timestampSeconds: number;
}

/** The headers calpage sets on every outgoing webhook request; static `extra` headers never replace them. */
export function webhookHeaders(secret: string, meta: WebhookRequestMeta, body: string, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  return {
    ...extra,
    "content-type": "application/json",
    "user-agent": "calpage",
    "x-calpage-event": meta.event,
    "x-calpage-delivery": meta.deliveryId,
    "x-calpage-timestamp": String(meta.timestampSeconds),
    "x-calpage-signature": signWebhook(secret, meta.timestampSeconds, body),
  };
}
