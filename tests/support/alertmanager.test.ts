import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertmanagerBinary, startAlertmanager, type RunningAlertmanager } from "./alertmanager.js";
import { waitFor } from "./wait-for.js";

interface WebhookBody {
  status: string;
  groupKey: string;
  receiver: string;
  alerts: { status: string; labels: Record<string, string>; endsAt: string }[];
}

const binary = alertmanagerBinary();
if (!binary) console.warn("[alertmanager.test] skipped: no Alertmanager binary (install Debian package prometheus-alertmanager or set ALERTMANAGER_BIN)");

describe.skipIf(!binary)("real Alertmanager", () => {
  const received: WebhookBody[] = [];
  let receiver: Server;
  let receiverUrl: string;
  let am: RunningAlertmanager | undefined;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        received.push(JSON.parse(Buffer.concat(chunks).toString("utf8")) as WebhookBody);
        res.writeHead(200).end("ok");
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/integrations/v1/alertmanager/test-token/`;
    am = await startAlertmanager({ receivers: [{ name: "calpage", url: receiverUrl, sendResolved: true }] });
    console.log(`[alertmanager.test] ${binary} on ${am.url} -> ${receiverUrl}`);
  });

  afterAll(async () => {
    await am?.stop();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  it("delivers a firing webhook, then a resolved one", { timeout: 60_000 }, async () => {
    if (!am) throw new Error("Alertmanager did not start");
    const labels = { alertname: "SupportSelfTest", severity: "critical", instance: "db-1" };
    await am.postAlerts([{ labels, annotations: { summary: "disk almost full" }, generatorURL: "http://prometheus.local/graph" }]);

    const firing = await waitFor(() => received.find((body) => body.status === "firing"), { timeoutMs: 20_000, description: "firing webhook" });
    expect(firing.groupKey).toBeTruthy();
    expect(firing.receiver).toBe("calpage");
    expect(firing.alerts[0]?.labels).toMatchObject(labels);

    await am.resolveAlerts([labels]);
    const resolved = await waitFor(() => received.find((body) => body.status === "resolved"), {
      timeoutMs: 20_000,
      description: "resolved webhook",
    });
    expect(resolved.groupKey).toBe(firing.groupKey);
    expect(resolved.alerts[0]?.status).toBe("resolved");
  });
});
