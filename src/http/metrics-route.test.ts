import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createHttpServer, type HttpDeps } from "./http-server.js";
import { createMetrics } from "./metrics.js";
import { createMetricsServer } from "./metrics-route.js";
import { sendJson } from "./send.js";

const METRICS_TOKEN = "metrics-bearer-token-0123456789";
const HOOK_TOKEN = "integration-token-in-the-url-0001";

describe("/metrics protection", () => {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
  });

  async function serve(server: Server): Promise<string> {
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  function mainServer(extra: Partial<HttpDeps>) {
    const metrics = createMetrics();
    const server = createHttpServer({
      metrics,
      integrations: async (_req, res) => sendJson(res, 403, { error: "unknown integration token" }),
      slack: null,
      slackUnavailableReason: "Slack is not configured",
      ready: async () => true,
      log: () => undefined,
      ...extra,
    });
    return { metrics, server };
  }

  it("without METRICS_TOKEN, /metrics is open (as before)", async () => {
    const url = await serve(mainServer({}).server);
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("# TYPE calpage_http_requests_total counter");
  });

  it("with METRICS_TOKEN, /metrics answers 401 without the bearer token or with a wrong one, 200 with it", async () => {
    const url = await serve(mainServer({ metricsToken: METRICS_TOKEN }).server);
    const none = await fetch(`${url}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(await none.json()).toEqual({ error: "authorization: /metrics needs the header Authorization: Bearer <METRICS_TOKEN>" });
    expect((await fetch(`${url}/metrics`, { headers: { authorization: "Bearer wrong-token-0123456789" } })).status).toBe(401);
    expect((await fetch(`${url}/metrics`, { headers: { authorization: `Basic ${METRICS_TOKEN}` } })).status).toBe(401);
    const ok = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(ok.status).toBe(200);
    const text = await ok.text();
    expect(text).toContain('calpage_http_requests_total{code="401",route="/metrics"} 3');
    expect(text).not.toContain(METRICS_TOKEN);
  });

  it("with METRICS_PORT, the main port has no /metrics and the metrics port has nothing else", async () => {
    const { metrics, server } = mainServer({ serveMetrics: false });
    const url = await serve(server);
    const metricsUrl = await serve(createMetricsServer(metrics, null));
    expect((await fetch(`${url}/metrics`)).status).toBe(404);
    expect((await fetch(`${url}/health/live`)).status).toBe(200);
    expect((await fetch(`${metricsUrl}/health/live`)).status).toBe(404);
    const res = await fetch(`${metricsUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('calpage_http_requests_total{code="404",route="/metrics"} 1');
  });

  it("the metrics port takes METRICS_TOKEN too", async () => {
    const metricsUrl = await serve(createMetricsServer(createMetrics(), METRICS_TOKEN));
    expect((await fetch(`${metricsUrl}/metrics`)).status).toBe(401);
    expect((await fetch(`${metricsUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(200);
  });

  it("route labels never carry a token from the URL", async () => {
    const url = await serve(mainServer({}).server);
    await fetch(`${url}/integrations/v1/alertmanager/${HOOK_TOKEN}/`, { method: "POST", body: "{}" });
    await fetch(`${url}/integrations/v1/webhook/${HOOK_TOKEN}/heartbeat/`);
    await fetch(`${url}/integrations/v1/unknown-type/${HOOK_TOKEN}/`);
    await fetch(`${url}/ical/schedules/primary.ics?token=${HOOK_TOKEN}`);
    await fetch(`${url}/${HOOK_TOKEN}`);
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).not.toContain(HOOK_TOKEN);
    expect(text).toContain('calpage_http_requests_total{code="403",route="integration_alertmanager"} 1');
    expect(text).toContain('calpage_http_requests_total{code="403",route="integration_webhook_heartbeat"} 1');
    expect(text).toContain('calpage_http_requests_total{code="404",route="other"} 2');
  });
});
