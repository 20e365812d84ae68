import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { IngestService } from "../alerts/ingest-service.js";
import type { IncomingGroup } from "../alerts/incoming-group.js";
import { PARSERS } from "../alerts/payload-parsers.js";
import { parsePagerDuty } from "../alerts/parse-pagerduty.js";
import type { Config, IntegrationConfig, IntegrationType } from "../config/config-types.js";
import { safeEqual } from "../shared/ids.js";
import type { HeartbeatService } from "../alerts/heartbeat-service.js";
import { createTokenBuckets } from "../alerts/token-bucket.js";
import type { Metrics } from "./metrics.js";
import { BodyTooLargeError, MAX_BODY_BYTES, readBody } from "./read-body.js";
import { sendJson, sendText } from "./send.js";
import { isObject } from "../alerts/payload-fields.js";
import { annotateLogContext } from "../shared/log-context.js";

/** Alertmanager bodies may be larger than other bodies: one group of 10,000 alerts is about 8 MB, and refusing it would page nobody. */
export const MAX_ALERTMANAGER_BODY_BYTES = 10 * 1024 * 1024;

export const INTEGRATION_PATH = /^\/integrations\/v1\/(alertmanager|grafana_alerting|webhook|formatted_webhook|grafana|pagerduty)\/([^/]+)(\/heartbeat)?\/?$/;

/** PagerDuty's Events API v2 path: senders that only let you change PagerDuty's host post here, naming the integration by `routing_key`. */
export const PAGERDUTY_ENQUEUE_PATH = "/v2/enqueue";


/** PagerDuty generates a 32-hex-digit key for a trigger without `dedup_key`, and so does calpage. */
const newDedupKey = () => randomUUID().replaceAll("-", "");

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
  /** The dedup_key given to a PagerDuty trigger that has none (tests pass a fixed one). */
  newDedupKey?: () => string;
}

/**
 * Answers in the sender's dialect: PagerDuty senders get Events API v2 bodies (`status`,
 * `message`, `dedup_key` or `errors`), the others calpage's (`status: ok` or `error`).
 * Both carry `error` on failure, so people reading logs see the same text.
 */
function answers(res: ServerResponse, pagerDuty: boolean) {
  return {
    /** `list`: calpage's body carries `errors` too (payload errors, up to 20). */
    refuse(code: number, errors: string[], opts: { pdStatus?: string; headers?: Record<string, string>; list?: boolean } = {}): void {
      const error = errors[0] ?? "refused";
      const body = pagerDuty ? { status: opts.pdStatus ?? "invalid event", message: error, errors, error } : opts.list ? { error, errors } : { error };
      sendJson(res, code, body, opts.headers);
    },
  };
}

export function createIntegrationRoutes(deps: IntegrationRouteDeps) {
  const { config, ingest, heartbeats, metrics } = deps;
  const now = deps.now ?? Date.now;
  const dedupKey = deps.newDedupKey ?? newDedupKey;
  const received = metrics.counter("calpage_alerts_received_total", "Alerts accepted, by integration.", ["integration"]);
  const rejected = metrics.counter("calpage_webhooks_rejected_total", "Webhook requests refused, by reason.", ["reason"]);
  const handling = metrics.histogram(
    "calpage_webhook_duration_seconds",
    "Time to handle one webhook request (read, parse, store), by integration and outcome (accepted, heartbeat, usage, rejected, rate_limited, error).",
    ["integration", "outcome"],
  );
  const buckets = createTokenBuckets();
  const limitedSince = new Map<string, number>();

  /** The body as JSON, or null after answering 413/400. */
  async function readJson(req: IncomingMessage, res: ServerResponse, maxBytes: number, pagerDuty: boolean): Promise<{ body: unknown } | null> {
    const reply = answers(res, pagerDuty);
    let raw: Buffer;
    try {
      raw = await readBody(req, maxBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        rejected({ reason: "too_large" });
        res.setHeader("connection", "close");
        reply.refuse(413, [`body: ${error.message}`]);
        return null;
      }
      throw error;
    }
    try {
      return { body: JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(raw)) };
    } catch (error) {
      rejected({ reason: "bad_json" });
      const what = error instanceof TypeError ? "not valid UTF-8" : `invalid JSON (${(error as Error).message})`;
      reply.refuse(400, [`body: ${what}`]);
      return null;
    }
  }

  /** Parses, admits (rate limit) and stores one payload, then answers. */
  async function accept(res: ServerResponse, integration: IntegrationConfig, body: unknown): Promise<void> {
    const pagerDuty = integration.type === "pagerduty";
    const reply = answers(res, pagerDuty);
    annotateLogContext({ integration: integration.name });
    let groups: IncomingGroup[];
    let key: string | null = null;
    const parsed = integration.type === "pagerduty" ? parsePagerDuty(body, dedupKey) : PARSERS[integration.type](body, integration);
    if (!parsed.ok) {
      rejected({ reason: "bad_payload" });
      return reply.refuse(400, parsed.errors.slice(0, 20).map((e) => `${e.field}: ${e.message}`), { list: true });
    }
    if (Array.isArray(parsed.value)) groups = parsed.value;
    else ({ groups, dedupKey: key } = parsed.value);
    const t = now();
    // The rate limit counts what is new: alerts a group did not have and alerts that changed
    // between firing and resolved. Re-sent alerts cost nothing, so a source repeating a big
    // group every repeat_interval is never refused for it.
    // Decided once per request: a transaction retried after a write conflict does not take tokens twice.
    let decision: ReturnType<typeof buckets.take> | undefined;
    const result = await ingest.ingest(integration, groups, t, (changes) => (decision ??= buckets.take(integration.name, changes, integration.rateLimitPerMinute, t)));
    if (result.refused) {
      const { retryAfterSeconds } = result.refused;
      rejected({ reason: "rate_limited" });
      const since = limitedSince.get(integration.name);
      if (since === undefined || t - since > 60_000) deps.onRateLimited(integration, t);
      limitedSince.set(integration.name, t);
      return reply.refuse(
        429,
        [`rate limited: ${integration.name} accepts ${integration.rateLimitPerMinute} new or changed alerts a minute and this request has ${result.changes}; retry in ${retryAfterSeconds}s`],
        { pdStatus: "throttle event", headers: { "retry-after": String(retryAfterSeconds) } },
      );
    }
    received({ integration: integration.name }, groups.reduce((n, g) => n + g.alerts.length, 0));
    const numbers = result.groups.map((g) => g.number);
    annotateLogContext(numbers.length === 1 ? { group: numbers[0] } : { groups: numbers });
    // PagerDuty answers 202 once the event is queued; calpage has stored it by now.
    if (pagerDuty) return sendJson(res, 202, { status: "success", message: "Event processed", dedup_key: key });
    sendJson(res, 200, { status: "ok", groups: result.groups, changes: result.changes });
  }

  /** `POST /v2/enqueue`: the integration is the `pagerduty` one whose token is the body's `routing_key`. */
  async function enqueue(req: IncomingMessage, res: ServerResponse, seen: { integration: string }): Promise<void> {
    const reply = answers(res, true);
    if (req.method !== "POST") return reply.refuse(405, ["use POST to send Events API v2 events"]);
    const read = await readJson(req, res, MAX_BODY_BYTES, true);
    if (read === null) return;
    const routingKey = isObject(read.body) ? read.body.routing_key : undefined;
    if (typeof routingKey !== "string" || routingKey === "") {
      rejected({ reason: "token" });
      return reply.refuse(400, [`routing_key: ${routingKey === undefined ? "required" : "expected a non-empty string"} (the token of a calpage integration of type pagerduty)`]);
    }
    const integration = findIntegration(config, "pagerduty", routingKey);
    if (!integration) {
      rejected({ reason: "token" });
      return reply.refuse(403, ["routing_key: unknown integration token"]);
    }
    seen.integration = integration.name;
    return accept(res, integration, read.body);
  }

  /** Times each request; the integration's name (from config, never its token) once the token is known. */
  return async function timed(req: IncomingMessage, res: ServerResponse, type: string, token: string | null, heartbeat = false): Promise<void> {
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

  /** `token` null: PagerDuty's own path, the token is in the body. */
  async function handle(req: IncomingMessage, res: ServerResponse, type: string, token: string | null, heartbeat: boolean, seen: { integration: string }): Promise<void> {
    if (token === null) return enqueue(req, res, seen);
    const reply = answers(res, type === "pagerduty");
    const decoded = decodeToken(token);
    if (decoded === null) {
      rejected({ reason: "token" });
      return reply.refuse(400, ["token: the URL's token part is not valid percent-encoding (a % must be followed by two hex digits)"]);
    }
    const integration = findIntegration(config, type, decoded);
    if (!integration) {
      rejected({ reason: "token" });
      return reply.refuse(403, ["unknown integration token"]);
    }
    seen.integration = integration.name;
    if (heartbeat) {
      if (req.method !== "GET" && req.method !== "POST" && req.method !== "HEAD") return sendJson(res, 405, { error: "use GET or POST for heartbeats" });
      const watched = await heartbeats.beat(integration, now());
      return sendJson(res, 200, { status: "ok", watched });
    }
    if (req.method === "GET" || req.method === "HEAD") return sendText(res, 200, usage(integration, config.env.publicUrl, req.url ?? ""));
    if (req.method !== "POST") return reply.refuse(405, ["use POST to send alerts"]);
    // A PagerDuty body's routing_key is not checked here: the URL's token names the integration.
    const read = await readJson(req, res, integration.type === "alertmanager" ? MAX_ALERTMANAGER_BODY_BYTES : MAX_BODY_BYTES, integration.type === "pagerduty");
    if (read === null) return;
    return accept(res, integration, read.body);
  }
}

/** A webhook request's outcome, as calpage_webhook_duration_seconds labels it. */
function outcomeOf(status: number, heartbeat: boolean, post: boolean): string {
  if (status === 200 || status === 202) return heartbeat ? "heartbeat" : post ? "accepted" : "usage";
  if (status === 429) return "rate_limited";
  return status < 500 ? "rejected" : "error";
}

function usage(i: IntegrationConfig, publicUrl: string, path: string): string {
  const url = `${publicUrl.replace(/\/$/, "")}${path.split("?")[0]}`;
  const example: Record<IntegrationType, string> = {
    alertmanager: `curl -X POST '${url}' -H 'content-type: application/json' -d '{"version":"4","groupKey":"{}:{alertname=\\"Test\\"}","status":"firing","receiver":"calpage","groupLabels":{"alertname":"Test"},"commonLabels":{"alertname":"Test","severity":"critical"},"commonAnnotations":{},"externalURL":"http://alertmanager:9093","alerts":[{"status":"firing","labels":{"alertname":"Test","severity":"critical"},"annotations":{"summary":"Testing calpage"},"startsAt":"2026-01-01T00:00:00Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://prometheus:9090/graph","fingerprint":"abc"}]}'`,
    grafana_alerting: `curl -X POST '${url}' -H 'content-type: application/json' -d '{"receiver":"calpage","status":"firing","orgId":1,"alerts":[{"status":"firing","labels":{"alertname":"Test"},"annotations":{"summary":"Testing calpage"},"startsAt":"2026-01-01T00:00:00Z","endsAt":"0001-01-01T00:00:00Z","fingerprint":"abc"}],"groupLabels":{},"commonLabels":{"alertname":"Test"},"commonAnnotations":{},"externalURL":"http://grafana:3000/","version":"1","groupKey":"test","title":"[FIRING:1] Test","state":"alerting","message":"Testing calpage"}'`,
    webhook: `curl -X POST '${url}' -H 'content-type: application/json' -d '{"title":"Disk full on db-1","message":"/var is at 99%","severity":"critical","alert_uid":"disk-db-1"}'\n# resolve it:\ncurl -X POST '${url}' -H 'content-type: application/json' -d '{"title":"Disk full on db-1","alert_uid":"disk-db-1","status":"resolved"}'`,
    formatted_webhook: `curl -X POST '${url}' -H 'content-type: application/json' -d '{"title":"Disk full on db-1","message":"/var is at 99%","severity":"critical","alert_uid":"disk-db-1"}'\n# resolve it:\ncurl -X POST '${url}' -H 'content-type: application/json' -d '{"title":"Disk full on db-1","alert_uid":"disk-db-1","status":"resolved"}'`,
    grafana: `curl -X POST '${url}' -H 'content-type: application/json' -d '{"ruleName":"Test","ruleId":1,"state":"alerting","title":"[Alerting] Test","message":"Testing calpage","ruleUrl":"http://grafana:3000/d/abc","evalMatches":[{"metric":"cpu","value":99}]}'\n# resolve it:\ncurl -X POST '${url}' -H 'content-type: application/json' -d '{"ruleName":"Test","ruleId":1,"state":"ok","title":"[OK] Test"}'`,
    pagerduty: `curl -X POST '${url}' -H 'content-type: application/json' -d '{"routing_key":"unused-here","event_action":"trigger","dedup_key":"disk-db-1","payload":{"summary":"Disk full on db-1","source":"db-1","severity":"critical"}}'\n# acknowledge, then resolve it:\ncurl -X POST '${url}' -H 'content-type: application/json' -d '{"routing_key":"unused-here","event_action":"acknowledge","dedup_key":"disk-db-1"}'\ncurl -X POST '${url}' -H 'content-type: application/json' -d '{"routing_key":"unused-here","event_action":"resolve","dedup_key":"disk-db-1"}'`,
  };
  const what: Record<IntegrationType, string> = {
    alertmanager: "Prometheus Alertmanager webhook payloads (version 4). Point a webhook receiver with send_resolved: true here.",
    grafana_alerting: "Grafana Alerting webhook contact point payloads.",
    webhook: "any JSON object; title, message, severity, link/url, alert_uid or group_key are understood, and status: resolved or state: OK resolves.",
    formatted_webhook: "Grafana OnCall formatted webhook payloads: title, message, image_url, link_to_upstream_details, alert_uid; state: OK resolves.",
    grafana: "Grafana alerting webhooks, as Grafana OnCall's grafana URL took them: Grafana Alerting (an alerts list) or legacy alerting (ruleName, state, evalMatches); state: ok resolves.",
    pagerduty: "PagerDuty Events API v2 events (trigger, acknowledge, resolve, by dedup_key). Answers 202 with status, message and dedup_key.",
  };
  return `calpage integration "${i.name}" (${i.type})\n\nPOST ${what[i.type]}\nBodies up to ${i.type === "alertmanager" ? "10 MiB" : "1 MiB"}. Answers ${i.type === "pagerduty" ? "202" : "200"} once the alert is stored, 400 naming the bad field, 403 for an unknown token,\n429 with Retry-After above ${i.rateLimitPerMinute} new or changed alerts a minute (re-sent alerts are not counted).\n${i.heartbeatSeconds ? `Heartbeats: GET or POST ${url.replace(/\/?$/, "/")}heartbeat/ at least every ${i.heartbeatSeconds}s.\n` : ""}\nExample:\n${example[i.type]}\n`;
}
