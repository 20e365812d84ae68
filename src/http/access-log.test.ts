import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { annotateLogContext } from "../shared/log-context.js";
import { createLogger, type LogFields, type LogLevel } from "../shared/logger.js";
import { createHttpServer } from "./http-server.js";
import { createMetrics } from "./metrics.js";
import { sendJson } from "./send.js";

/** Waits (at most 2 s) until `lines` has `n` entries: the access line is written when the response finishes. */
async function untilLines(lines: unknown[], n: number): Promise<void> {
  for (let i = 0; i < 200 && lines.length < n; i++) await new Promise((r) => setTimeout(r, 10));
  expect(lines).toHaveLength(n);
}

describe("the HTTP access log", () => {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
  });

  async function start() {
    const lines: { level: LogLevel; msg: string; fields: LogFields }[] = [];
    const server = createHttpServer({
      metrics: createMetrics(),
      integrations: async (_req, res, type) => {
        // What a route learns while answering (as the integration routes do) is in the access line.
        annotateLogContext({ integration: "prod", group: 12 });
        sendJson(res, 200, { status: "ok", type });
      },
      slack: null,
      slackUnavailableReason: "Slack is not configured",
      ready: async () => true,
      log: () => undefined,
      logger: createLogger((level, msg, fields) => lines.push({ level, msg, fields })),
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    return { lines, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  }

  it("logs each webhook at info with its request id, route, status and what the route learnt — never the token", async () => {
    const { lines, url } = await start();
    const res = await fetch(`${url}/integrations/v1/alertmanager/secret-token-in-url-0001/`, { method: "POST", headers: { "x-request-id": "am-req-7" }, body: "{}" });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toBe("am-req-7");
    await untilLines(lines, 1);
    expect(lines[0]).toEqual({
      level: "info",
      msg: "http: POST integration_alertmanager 200",
      fields: { reqId: "am-req-7", method: "POST", route: "integration_alertmanager", integration: "prod", group: 12, status: 200, ms: expect.any(Number) as unknown },
    });
    expect(JSON.stringify(lines)).not.toContain("secret-token-in-url-0001");
  });

  it("makes a request id when the sender gives none or an unusable one, and logs health checks at debug", async () => {
    const { lines, url } = await start();
    const res = await fetch(`${url}/health/live`, { headers: { "x-request-id": "has spaces and \"quotes\"" } });
    expect(res.status).toBe(200);
    const id = res.headers.get("x-request-id");
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    await untilLines(lines, 1);
    expect(lines[0]).toMatchObject({ level: "debug", msg: "http: GET /health/live 200", fields: { reqId: id, route: "/health/live", status: 200 } });
  });
});
