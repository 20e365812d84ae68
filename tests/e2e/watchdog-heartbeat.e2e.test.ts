import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Calpage } from "../../src/app/create-calpage.js";
import { alertmanagerBinary, startAlertmanager, type RunningAlertmanager } from "../support/alertmanager.js";
import { startFakeSlack, type FakeSlack } from "../support/fake-slack.js";
import { waitFor } from "../support/wait-for.js";
import { fakeSlackUsers, prepareEnv, startInProcess, writeConfigText, type Env } from "./harness.js";

/**
 * The README recipe "Knowing when calpage itself is down": Alertmanager's always-firing Watchdog,
 * routed to a heartbeat integration's /heartbeat/ URL and re-sent every interval, is calpage's
 * heartbeat. While it arrives nothing opens; when Alertmanager stops, "No heartbeat from watchdog"
 * fires. Runs against the real Debian Alertmanager; skipped, saying so, without it.
 */

const binary = alertmanagerBinary();
if (!binary) console.warn("SKIPPED Watchdog heartbeat end-to-end test: prometheus-alertmanager is not installed (apt-get install -y prometheus-alertmanager)");

const WATCHDOG_TOKEN = "watchdog-heartbeat-token-0001";

describe.skipIf(!binary)("Alertmanager Watchdog as calpage's heartbeat (sqlite)", () => {
  let slack: FakeSlack;
  let env: Env;
  let app: Calpage;
  let url: string;
  let am: RunningAlertmanager;

  beforeAll(async () => {
    slack = await startFakeSlack({ users: fakeSlackUsers(), channels: { alerts: "C0ALERTS1" }, token: "xoxb-e2e-test" });
    env = await prepareEnv("sqlite", slack);
    const yaml = `timezone: UTC
users:
  - email: alice@example.com
    name: Alice Example
escalation_chains:
  - name: default
    steps:
      - notify_users: [alice@example.com]
integrations:
  - name: watchdog
    type: alertmanager
    token: ${WATCHDOG_TOKEN}
    heartbeat: 5s
    chain: default
    channel: "#alerts"
`;
    ({ app, url } = await startInProcess(writeConfigText(env, yaml), env.env, yaml));
    am = await startAlertmanager({
      // The root receiver gets everything else (nothing, here); Watchdog goes to the heartbeat URL.
      receivers: [
        { name: "calpage", url: `${url}/integrations/v1/alertmanager/${WATCHDOG_TOKEN}/` },
        { name: "calpage-watchdog", url: `${url}/integrations/v1/alertmanager/${WATCHDOG_TOKEN}/heartbeat/`, sendResolved: false },
      ],
      routes: [{ receiver: "calpage-watchdog", matchers: ['alertname="Watchdog"'], groupWait: "0s", groupInterval: "1s", repeatInterval: "1s" }],
    });
  });

  afterAll(async () => {
    await am?.stop();
    await app?.stop();
    await slack?.close();
    await env?.cleanup();
  });

  it("beats while Watchdog fires, opens nothing, and fires 'No heartbeat from watchdog' once Alertmanager stops", async () => {
    await am.postAlerts([{ labels: { alertname: "Watchdog", severity: "none" }, annotations: { summary: "An alert that should always be firing" } }]);
    const first = await waitFor(async () => (await app.store.read.heartbeats.get("watchdog"))?.lastSeenAt, { timeoutMs: 15_000, description: "a first beat" });
    // Re-sent by repeat_interval: later beats arrive.
    await waitFor(async () => ((await app.store.read.heartbeats.get("watchdog"))?.lastSeenAt ?? 0) > first, { timeoutMs: 15_000, description: "a later beat" });
    expect(await app.store.read.groups.count()).toBe(0);

    await am.stop();
    const group = await waitFor(async () => (await app.store.read.groups.getByNumber(1)) ?? undefined, { timeoutMs: 20_000, description: "the missing-heartbeat group" });
    expect(group.title).toBe("No heartbeat from watchdog");
    expect(group.state).toBe("firing");
  });
});
