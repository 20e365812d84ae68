import type { IntegrationConfig } from "../config/config-types.js";
import type { Result } from "../shared/result.js";
import type { FieldError, IncomingGroup } from "./incoming-group.js";
import { parsePagerDuty } from "./parse-pagerduty.js";
import { PARSERS } from "./payload-parsers.js";

/**
 * One payload as the integration's intake reads it (the parsers of `src/http/integration-routes.ts`,
 * for `calpage simulate`): its groups, and for PagerDuty the event's dedup key (`newKey()` when it has none).
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
