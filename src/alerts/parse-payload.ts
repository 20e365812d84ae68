import type { IntegrationConfig, IntegrationType } from "../config/config-types.js";
import type { Result } from "../shared/result.js";
import type { FieldError, IncomingGroup } from "./incoming-group.js";
import { parseAlertmanager } from "./parse-alertmanager.js";
import { parseGrafana } from "./parse-grafana.js";
import { parseGrafanaOnCall } from "./parse-grafana-legacy.js";
import { parsePagerDuty } from "./parse-pagerduty.js";
import { parseWebhook } from "./parse-webhook.js";

type Parser = (body: unknown, i: IntegrationConfig) => Result<IncomingGroup[], FieldError>;
const PARSERS: Record<Exclude<IntegrationType, "pagerduty">, Parser> = {
  alertmanager: parseAlertmanager,
  grafana_alerting: parseGrafana,
  webhook: (body, i) => parseWebhook(body, i.mapping ?? undefined),
  // Grafana OnCall's formatted webhook is the webhook parser's default shape.
  formatted_webhook: (body) => parseWebhook(body),
  grafana: parseGrafanaOnCall,
};

/**
 * One payload as the integration's intake reads it (the HTTP route and `calpage simulate` share
 * this): its groups, and for PagerDuty the event's dedup key (`newKey()` when it has none).
 */
export function parsePayload(
  integration: IntegrationConfig,
  body: unknown,
  newKey: () => string,
): Result<{ groups: IncomingGroup[]; dedupKey: string | null }, FieldError> {
  if (integration.type === "pagerduty") {
    const parsed = parsePagerDuty(body, newKey);
    return parsed.ok ? { ok: true, value: { groups: parsed.value.groups, dedupKey: parsed.value.dedupKey } } : parsed;
  }
  const parsed = PARSERS[integration.type](body, integration);
  return parsed.ok ? { ok: true, value: { groups: parsed.value, dedupKey: null } } : parsed;
}
