import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterEach, describe, expect, it } from "vitest";
import type { ApiTokenConfig } from "../config/config-types.js";
import { DatabaseUnavailableError } from "../store/database-unavailable.js";
import { createApiRoutes } from "./api-routes.js";
import type { ApiService } from "./api/api-service.js";
import { createHttpServer } from "./http-server.js";
import { createMetrics } from "./metrics.js";
import { OPENAPI_DOCUMENT } from "./api/openapi-document.js";

const ajv = new Ajv2020({ strict: false });
const isApiError = ajv.compile({ ...structuredClone(OPENAPI_DOCUMENT.components.schemas.Error), $id: "error" });

const TOKEN: ApiTokenConfig = { name: "panel", token: "read-token-000000000000000001", scope: "read", as: null };

/** The API's answers when something below it fails, or calpage is stopping: still its own error shape. */
describe("API errors outside the endpoints' own refusals", () => {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
  });

  async function start(oncall: () => unknown, draining = false) {
    const logged: string[] = [];
    const service = { oncall } as unknown as ApiService;
    const server = createHttpServer({
      metrics: createMetrics(),
      integrations: async () => undefined,
      slack: null,
      slackUnavailableReason: "Slack is not configured",
      ready: async () => true,
      draining: () => draining,
      log: (l) => logged.push(l),
      features: [createApiRoutes({ tokens: [TOKEN], service, now: () => 0, log: (l) => logged.push(l) })],
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const get = async () => {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/oncall`, { headers: { authorization: `Bearer ${TOKEN.token}` } });
      const body: unknown = await res.json();
      // openapi.json lists these statuses for every endpoint, with the Error schema.
      expect(isApiError(body), JSON.stringify(body)).toBe(true);
      return { status: res.status, headers: res.headers, body };
    };
    return { get, logged };
  }

  it("a database outage is a 503 database_unavailable with Retry-After", async () => {
    const { get } = await start(() => {
      throw new DatabaseUnavailableError("no connection within 750 ms");
    });
    const res = await get();
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("10");
    expect(res.body).toEqual({ error: { code: "database_unavailable", message: "the database is unavailable; nothing was changed, please retry" } });
  });

  it("an unexpected failure is a 500 internal, and the log says what failed", async () => {
    const { get, logged } = await start(() => {
      throw new Error("boom");
    });
    const res = await get();
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: { code: "internal", message: "internal error; please retry" } });
    expect(logged).toEqual(["api: GET /api/v1/oncall failed: boom"]);
  });

  it("while shutting down an API request gets 503 shutting_down in the API's shape", async () => {
    const { get } = await start(() => ({ at: "", schedules: [] }), true);
    const res = await get();
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ error: { code: "shutting_down", message: "calpage is shutting down; nothing was accepted, please retry" } });
  });
});
