import type { IntegrationConfig, IntegrationType } from "../config/config-types.js";
import type { Result } from "../shared/result.js";
import type { FieldError, IncomingGroup } from "./incoming-group.js";
import { parseAlertmanager } from "./parse-alertmanager.js";
import { parseGrafana } from "./parse-grafana.js";
import { parseGrafanaOnCall } from "./parse-grafana-legacy.js";
import { parseWebhook } from "./parse-webhook.js";

export type PayloadParser = (body: unknown, i: IntegrationConfig) => Result<IncomingGroup[], FieldError>;

/** The payload parser of each integration type (PagerDuty's events also need a dedup key: see parsePagerDuty). */
export const PARSERS: Record<Exclude<IntegrationType, "pagerduty">, PayloadParser> = {
  alertmanager: parseAlertmanager,
  grafana_alerting: parseGrafana,
  webhook: (body, i) => parseWebhook(body, i.mapping ?? undefined),
  // Grafana OnCall's formatted webhook is the webhook parser's default shape.
  formatted_webhook: (body) => parseWebhook(body),
  grafana: parseGrafanaOnCall,
};
