import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Calpage } from "../../src/app/create-calpage.js";
import { getFreePort } from "../support/free-port.js";
import { startInProcess } from "../e2e/harness.js";

const YAML = `users: []
integrations:
  - name: hooks
    type: webhook
`;

describe("METRICS_PORT and METRICS_TOKEN on a running calpage", () => {
  const apps: Calpage[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const a of apps.splice(0)) await a.stop();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  async function start(extra: Record<string, string>) {
    const dir = mkdtempSync(join(tmpdir(), "calpage-metrics-"));
    dirs.push(dir);
    const started = await startInProcess(join(dir, "calpage.yaml"), { CALPAGE_DATA_DIR: join(dir, "data"), ...extra }, YAML);
    apps.push(started.app);
    return started;
  }

  it("serves /metrics only on METRICS_PORT (bound to METRICS_HOST), with the bearer token", async () => {
    const metricsPort = await getFreePort();
    const { url, app } = await start({ METRICS_PORT: String(metricsPort), METRICS_HOST: "127.0.0.1", METRICS_TOKEN: "metrics-token-0123456789abcdef" });
    expect((await fetch(`${url}/metrics`)).status).toBe(404);
    expect((await fetch(`${url}/health/live`)).status).toBe(200);
    const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    expect((await fetch(metricsUrl)).status).toBe(401);
    const res = await fetch(metricsUrl, { headers: { authorization: "Bearer metrics-token-0123456789abcdef" } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('calpage_http_requests_total{code="404",route="/metrics"} 1');
    // The generated token of the webhook integration works, and its URL is known to the app.
    const hook = app.integrationUrls[0]!;
    expect(hook).toMatchObject({ name: "hooks", type: "webhook", source: "generated" });
    const token = hook.url.split("/").at(-2)!;
    const posted = await fetch(`${url}/integrations/v1/webhook/${token}/`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"title":"Disk full","alert_uid":"d1"}' });
    expect(posted.status).toBe(200);
  });

  it("stop() closes the metrics port too", async () => {
    const metricsPort = await getFreePort();
    const { app } = await start({ METRICS_PORT: String(metricsPort) });
    expect((await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).status).toBe(200);
    apps.splice(0);
    await app.stop();
    await expect(fetch(`http://127.0.0.1:${metricsPort}/metrics`)).rejects.toThrow();
  });
});
