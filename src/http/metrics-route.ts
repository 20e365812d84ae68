import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { safeEqual } from "../shared/ids.js";
import type { Metrics } from "./metrics.js";
import { sendJson, sendText } from "./send.js";

/**
 * GET /metrics in Prometheus text format. With a token (METRICS_TOKEN), only for
 * `Authorization: Bearer <token>` (compared in constant time); anything else gets 401.
 */
export async function serveMetrics(req: IncomingMessage, res: ServerResponse, metrics: Metrics, token: string | null): Promise<void> {
  if (token !== null) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "");
    if (!m || !safeEqual(m[1]!, token)) {
      return sendJson(res, 401, { error: "authorization: /metrics needs the header Authorization: Bearer <METRICS_TOKEN>" }, { "www-authenticate": 'Bearer realm="calpage metrics"' });
    }
  }
  if (req.method !== "GET" && req.method !== "HEAD") return sendJson(res, 405, { error: "use GET for /metrics" });
  const body = await metrics.render();
  sendText(res, 200, body, metrics.contentType);
}

/** The separate metrics listener (METRICS_PORT): /metrics and nothing else. */
export function createMetricsServer(metrics: Metrics, token: string | null): Server {
  return createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/metrics") {
      serveMetrics(req, res, metrics, token).catch(() => {
        if (!res.headersSent) sendJson(res, 500, { error: "metrics could not be collected" });
      });
      return;
    }
    sendJson(res, 404, { error: "this port serves only /metrics" });
  });
}
