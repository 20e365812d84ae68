import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from "node:http";
import type { Metrics } from "./metrics.js";
import { INTEGRATION_PATH, PAGERDUTY_ENQUEUE_PATH } from "./integration-routes.js";
import { serveMetrics } from "./metrics-route.js";
import { sendJson, sendText } from "./send.js";
import { errorText } from "../shared/error-text.js";
import { logContext, withLogContext } from "../shared/log-context.js";
import type { Logger } from "../shared/logger.js";
import { withAcquireDeadline } from "../store/acquire-deadline.js";
import { isDatabaseUnavailable } from "../store/database-unavailable.js";

/**
 * How long a request may wait for a database connection (ms): while the database is down a
 * webhook gets its 503 within a second instead of waiting for the driver's connect timeout.
 */
const REQUEST_DB_WAIT_MS = 750;
/** Retry-After (s) on 503s: the database is away or calpage is shutting down. */
const RETRY_AFTER_S = "10";

/** An X-Request-Id worth keeping: short, no spaces or quotes (anything else gets a fresh id). */
const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,100}$/;

/** A client has this long to send its request line and headers (Node's default is 60 s). */
export const HEADERS_TIMEOUT_MS = 10_000;
/** …and this long to send the whole request, body included (Node's default is 5 minutes). */
export const REQUEST_TIMEOUT_MS = 30_000;
/** How often Node looks for connections over those limits (its default, 30 s, would let a slow client stay 30 s longer). */
const TIMEOUT_CHECK_INTERVAL_MS = 1_000;

export interface HttpDeps {
  metrics: Metrics;
  /** `token` null: PagerDuty's `/v2/enqueue`, where the body's routing_key is the token. */
  integrations: (req: IncomingMessage, res: ServerResponse, type: string, token: string | null, heartbeat: boolean) => Promise<void>;
  /** Feature routes (calendar export, Twilio callbacks…): each returns true when it handled the request. */
  features?: ((req: IncomingMessage, res: ServerResponse, path: string) => Promise<boolean>)[];
  /** Bolt's request listener for /slack/events; null when Slack is not configured for HTTP mode. */
  slack: RequestListener | null;
  slackUnavailableReason: string;
  ready: () => Promise<boolean>;
  /** True once shutdown began: every new request gets 503 (senders retry); requests already started finish. */
  draining?: () => boolean;
  log: (line: string) => void;
  /** Writes the access log: a line per answered request (debug for health checks and /metrics, else info). */
  logger?: Logger;
  /** Override {@link HEADERS_TIMEOUT_MS} / {@link REQUEST_TIMEOUT_MS}. */
  timeouts?: { headersMs?: number; requestMs?: number };
  /** METRICS_TOKEN: /metrics answers 401 without `Authorization: Bearer <it>`. */
  metricsToken?: string | null;
  /** False when /metrics is served on its own port (METRICS_PORT) instead: here it is 404. */
  serveMetrics?: boolean;
}

/** calpage's HTTP server, which knows how many requests it is answering (shutdown waits for them). */
export type CalpageServer = Server & { inFlight(): number };

/** One HTTP server for webhooks, Slack, health and metrics. Routes stay thin: they parse, call one service, answer. */
export function createHttpServer(deps: HttpDeps): CalpageServer {
  const requests = deps.metrics.counter("calpage_http_requests_total", "HTTP requests, by route and status.", ["code", "route"]);
  // A client that trickles its headers or body is answered 408 and disconnected once over these limits.
  const requestMs = deps.timeouts?.requestMs ?? REQUEST_TIMEOUT_MS;
  const options = {
    headersTimeout: Math.min(deps.timeouts?.headersMs ?? HEADERS_TIMEOUT_MS, requestMs),
    requestTimeout: requestMs,
    connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
  };
  let inFlight = 0;
  const server = createServer(options, (req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const route = routeName(path);
    // Every line logged while answering says which request it is about (a sender's X-Request-Id is kept).
    const given = req.headers["x-request-id"];
    const reqId = typeof given === "string" && REQUEST_ID_RE.test(given) ? given : randomUUID();
    res.setHeader("x-request-id", reqId);
    withLogContext({ reqId, method: req.method ?? "", route }, () => answer(req, res, path, route));
  });

  function answer(req: IncomingMessage, res: ServerResponse, path: string, route: string): void {
    const started = performance.now();
    // The context object itself: what the route learns later (integration, group) is in the access line.
    const context = logContext();
    res.on("finish", () => {
      requests({ code: String(res.statusCode), route });
      const quiet = route.startsWith("/health/") || route === "/metrics";
      deps.logger?.[quiet ? "debug" : "info"](`http: ${req.method} ${route} ${res.statusCode}`, { ...context, status: res.statusCode, ms: Math.round(performance.now() - started) });
    });
    if (deps.draining?.()) {
      if (path === "/health/live") return sendText(res, 200, "ok\n");
      res.setHeader("connection", "close");
      res.setHeader("retry-after", RETRY_AFTER_S);
      if (path === "/health/ready") return sendText(res, 503, "shutting down\n");
      const message = "calpage is shutting down; nothing was accepted, please retry";
      // The API answers errors in its own shape (README "API").
      return sendJson(res, 503, path.startsWith("/api/") ? { error: { code: "shutting_down", message } } : { error: message });
    }
    inFlight++;
    res.once("close", () => inFlight--);
    void withAcquireDeadline(REQUEST_DB_WAIT_MS, async () => {
      const m = INTEGRATION_PATH.exec(path);
      if (m) return deps.integrations(req, res, m[1]!, m[2]!, m[3] !== undefined);
      if (path === PAGERDUTY_ENQUEUE_PATH) return deps.integrations(req, res, "pagerduty", null, false);

      if (path === "/slack/events") {
        if (deps.slack) return deps.slack(req, res);
        return sendJson(res, 503, { error: deps.slackUnavailableReason });
      }
      if (path === "/health/live") return sendText(res, 200, "ok\n");
      if (path === "/health/ready") return (await deps.ready()) ? sendText(res, 200, "ready\n") : sendText(res, 503, "not ready\n");
      if (path === "/metrics" && deps.serveMetrics !== false) return serveMetrics(req, res, deps.metrics, deps.metricsToken ?? null);
      if (path === "/") return sendText(res, 200, "calpage is running. See /health/ready and /metrics.\n");
      for (const route of deps.features ?? []) if (await route(req, res, path)) return;
      sendJson(res, 404, { error: `no route for ${req.method} ${path}` });
    }).catch((error: unknown) => {
      // A client that went away mid-body (ECONNRESET on its socket) is not a database outage.
      const clientGone = !req.complete && (req.destroyed || req.errored !== null);
      if (!clientGone && isDatabaseUnavailable(error)) {
        deps.log(`http: ${req.method} ${path}: database unavailable (${errorText(error)}); answered 503`);
        if (!res.headersSent) sendJson(res, 503, { error: "the database is unavailable; nothing was accepted, please retry" }, { "retry-after": RETRY_AFTER_S });
        else res.destroy();
        return;
      }
      deps.log(`http: ${req.method} ${path} failed: ${errorText(error)}${error instanceof Error && error.stack ? `\n${error.stack.split("\n").slice(1).join("\n")}` : ""}`);
      if (!res.headersSent) sendJson(res, 500, { error: "internal error; nothing was accepted, please retry" });
      else res.destroy();
    });
  }
  return Object.assign(server, { inFlight: () => inFlight });
}

function routeName(path: string): string {
  const m = INTEGRATION_PATH.exec(path);
  if (m) return `integration_${m[1]}${m[3] ? "_heartbeat" : ""}`;
  if (path === PAGERDUTY_ENQUEUE_PATH) return "integration_pagerduty";
  if (path.startsWith("/ical/")) return "ical";
  if (path.startsWith("/twilio/")) return "twilio";
  if (path === "/api" || path.startsWith("/api/")) return "api";
  if (path === "/web" || path.startsWith("/web/")) return "web";
  if (["/slack/events", "/health/live", "/health/ready", "/metrics", "/"].includes(path)) return path;
  return "other";
}
