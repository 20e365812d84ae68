import type { IncomingMessage, ServerResponse } from "node:http";
import type { IngestService } from "../alerts/ingest-service.js";
import type { FieldError, IncomingGroup } from "../alerts/incoming-group.js";
import { parseAlertmanager } from "../alerts/parse-alertmanager.js";
import { parseGrafana } from "../alerts/parse-grafana.js";
import { parseWebhook } from "../alerts/parse-webhook.js";
import type { Config, IntegrationConfig, IntegrationType } from "../config/config-types.js";
import type { Result } from "../shared/result.js";
import { safeEqual } from "../shared/ids.js";
import type { HeartbeatService } from "../alerts/heartbeat-service.js";
import { createTokenBuckets } from "../alerts/token-bucket.js";
import type { Metrics } from "./metrics.js";
import { BodyTooLargeError, MAX_BODY_BYTES, readBody } from "./read-body.js";
import { sendJson, sendText } from "./send.js";

/** Alertmanager bodies may be larger than other bodies: one group of 10,000 alerts is about 8 MB, and refusing it would page nobody. */
export const MAX_ALERTMANAGER_BODY_BYTES = 10 * 1024 * 1024;

export const INTEGRATION_PATH = /^\/integrations\/v1\/(alertmanager|grafana_alerting|webhook)\/([^/]+)(\/heartbeat)?\/?$/;

const PARSERS: Record<IntegrationType, (body: unknown, i: IntegrationConfig) => Result<IncomingGroup[], FieldError>> = {
  alertmanager: parseAlertmanager,
  grafana_alerting: parseGrafana,
  webhook: (body, i) => parseWebhook(body, i.mapping ?? undefined),
};

/**
 * Looks the token up in constant time over every integration, so response
 * timing does not reveal which tokens exist.
 */
function findIntegration(config: Config, type: string, token: string): IntegrationConfig | null {
  let found: IntegrationConfig | null = null;
  for (const i of config.integrations) {
    // A token still null (not resolved at start) matches nothing.
    if (i.token !== null && safeEqual(i.token, token) && i.type === type) found = i;
  }
  return found;
}

/** The token as written in the URL, percent-decoded; null when the URL holds a broken escape such as `%ZZ`. */
function decodeToken(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

export interface IntegrationRouteDeps {
  config: Config;
  ingest: IngestService;
  heartbeats: HeartbeatService;
  metrics: Metrics;
  /** Called once when an integration starts being rate limited (after a quiet minute, again). */
  onRateLimited: (integration: IntegrationConfig, now: number) => void;
  now?: () => number;
}

export function createIntegrationRoutes(deps: IntegrationRouteDeps) {
  const { config, ingest, heartbeats, metrics } = deps;
  const now = deps.now ?? Date.now;
  const received = metrics.counter("calpage_alerts_received_total", "Alerts accepted, by integration.", ["integration"]);
  const rejected = metrics.counter("calpage_webhooks_rejected_total", "Webhook requests refused, by reason.", ["reason"]);
  const handling = metrics.histogram(
    "calpage_webhook_duration_seconds",
    "Time to handle one webhook request (read, parse, store), by integration and outcome (accepted, heartbeat, usage, rejected, rate_limited, error).",
    ["integration", "outcome"],
  );
  const buckets = createTokenBuckets();
  const limitedSince = new Map<string, number>();

  /** Times each request; the integration's name (from config, never its token) once the token is known. */
  return async function timed(req: IncomingMessage, res: ServerResponse, type: string, token: string, heartbeat = false): Promise<void> {
    const started = performance.now();
    const seen: { integration: string } = { integration: "unknown" };
    let outcome = "error";
    try {
      await handle(req, res, type, token, heartbeat, seen);
      outcome = outcomeOf(res.statusCode, heartbeat, req.method === "POST");
    } finally {
      handling({ integration: seen.integration, outcome }, (performance.now() - started) / 1000);
    }
  };

  async function handle(req: IncomingMessage, res: ServerResponse, type: string, token: string, heartbeat: boolean, seen: { integration: string }): Promise<void> {
    const decoded = decodeToken(token);
    if (decoded === null) {
      rejected({ reason: "token" });
      return sendJson(res, 400, { error: "token: the URL's token part is not valid percent-encoding (a % must be followed by two hex digits)" });
    }
    const integration = findIntegration(config, type, decoded);
    if (!integration) {
      rejected({ reason: "token" });
      return sendJson(res, 403, { error: "unknown integration token" });
    }
    seen.integration = integration.name;
    if (heartbeat) {
      if (req.method !== "GET" && req.method !== "POST" && req.method !== "HEAD") return sendJson(res, 405, { error: "use GET or POST for heartbeats" });
      const watched = await heartbeats.beat(integration, now());
      return sendJson(res, 200, { status: "ok", watched });
    }
    if (req.method === "GET" || req.method === "HEAD") return sendText(res, 200, usage(integration, config.env.publicUrl, req.url ?? ""));
    if (req.method !== "POST") return sendJson(res, 405, { error: "use POST to send alerts" });

    let raw: Buffer;
    try {
      raw = await readBody(req, integration.type === "alertmanager" ? MAX_ALERTMANAGER_BODY_BYTES : MAX_BODY_BYTES);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        rejected({ reason: "too_large" });
        res.setHeader("connection", "close");
        return sendJson(res, 413, { error: `body: ${error.message}` });
      }
      throw error;
    }
    let body: unknown;
    try {
      body = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(raw));
    } catch (error) {
      rejected({ reason: "bad_json" });
      const what = error instanceof TypeError ? "not valid UTF-8" : `invalid JSON (${(error as Error).message})`;
      return sendJson(res, 400, { error: `body: ${what}` });
    }
    const parsed = PARSERS[integration.type](body, integration);
    if (!parsed.ok) {
      rejected({ reason: "bad_payload" });
      const errors = parsed.errors.slice(0, 20).map((e) => `${e.field}: ${e.message}`);
      return sendJson(res, 400, { error: errors[0], errors });
    }
    const t = now();
    // The rate limit counts what is new: alerts a group did not have and alerts that changed
    // between firing and resolved. Re-sent alerts cost nothing, so a source repeating a big
    // group every repeat_interval is never refused for it.
    // Decided once per request: a transaction retried after a write conflict does not take tokens twice.
    let decision: ReturnType<typeof buckets.take> | undefined;
    const result = await ingest.ingest(integration, parsed.value, t, (changes) => (decision ??= buckets.take(integration.name, changes, integration.rateLimitPerMinute, t)));
    if (result.refused) {
      const { retryAfterSeconds } = result.refused;
      rejected({ reason: "rate_limited" });
      const since = limitedSince.get(integration.name);
      if (since === undefined || t - since > 60_000) deps.onRateLimited(integration, t);
      limitedSince.set(integration.name, t);
      res.setHeader("retry-after", String(retryAfterSeconds));
      return sendJson(res, 429, {
        error: `rate limited: ${integration.name} accepts ${integration.rateLimitPerMinute} new or changed alerts a minute and this request has ${result.changes}; retry in ${retryAfterSeconds}s`,
      });
    }
    received({ integration: integration.name }, parsed.value.reduce((n, g) => n + g.alerts.length, 0));
    sendJson(res, 200, { status: "ok", groups: result.groups, changes: result.changes });
  }
}

/** A webhook request's outcome, as calpage_webhook_duration_seconds labels it. */
function outcomeOf(status: number, heartbeat: boolean, post: boolean): string {
  if (status === 200) return heartbeat ? "heartbeat" : post ? "accepted" : "usage";
  if (status === 429) return "rate_limited";
  return status < 500 ? "rejected" : "error";
}

function usage(i: IntegrationConfig, publicUrl: string, path: string): string {
  const url = `${publicUrl.replace(/\/$/, "")}${path.split("?")[0]}`;
  const example: Record<IntegrationType, string> = {
    alertmanager: `curl -X POST '${url}' -H 'content-type: application/json' -d '{"version":"4","groupKey":"{}:{alertname=\\"Test\\"}","status":"firing","receiver":"calpage","groupLabels":{"alertname":"Test"},"commonLabels":{"alertname":"Test","severity":"critical"},"commonAnnotations":{},"externalURL":"http://alertmanager:9093","alerts":[{"status":"firing","labels":{"alertname":"Test","severity":"critical"},"annotations":{"summary":"Testing calpage"},"startsAt":"2026-01-01T00:00:00Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://prometheus:9090/graph","fingerprint":"abc"}]}'`,
    grafana_alerting: `curl -X POST '${url}' -H 'content-type: application/json' -d '{"receiver":"calpage","status":"firing","orgId":1,"alerts":[{"status":"firing","labels":{"alertname":"Test"},"annotations":{"summary":"Testing calpage"},"startsAt":"2026-01-01T00:00:00Z","endsAt":"0001-01-01T00:00:00Z","fingerprint":"abc"}],"groupLabels":{},"commonLabels":{"alertname":"Test"},"commonAnnotations":{},"externalURL":"http://grafana:3000/","version":"1","groupKey":"test","title":"[FIRING:1] Test","state":"alerting","message":"Testing calpage"}'`,
    webhook: `curl -X POST '${url}' -H 'content-type: application/json' -d '{"title":"Disk full on db-1","message":"/var is at 99%","severity":"critical","alert_uid":"disk-db-1"}'\n# resolve it:\ncurl -X POST '${url}' -H 'content-type: application/json' -d '{"title":"Disk full on db-1","alert_uid":"disk-db-1","status":"resolved"}'`,
  };
  const what: Record<IntegrationType, string> = {
    alertmanager: "Prometheus Alertmanager webhook payloads (version 4). Point a webhook receiver with send_resolved: true here.",
    grafana_alerting: "Grafana Alerting webhook contact point payloads.",
    webhook: "any JSON object; title, message, severity, link/url, alert_uid or group_key are understood, and status: resolved or state: OK resolves.",
  };
  return `calpage integration "${i.name}" (${i.type})\n\nPOST ${what[i.type]}\nBodies up to ${i.type === "alertmanager" ? "10 MiB" : "1 MiB"}. Answers 200 once the alert is stored, 400 naming the bad field, 403 for an unknown token,\n429 with Retry-After above ${i.rateLimitPerMinute} new or changed alerts a minute (re-sent alerts are not counted).\n${i.heartbeatSeconds ? `Heartbeats: GET or POST ${url.replace(/\/?$/, "/")}heartbeat/ at least every ${i.heartbeatSeconds}s.\n` : ""}\nExample:\n${example[i.type]}\n`;
}
