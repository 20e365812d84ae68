import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Calpage } from "../../src/app/create-calpage.js";
import { alertmanagerBinary, startAlertmanager, type RunningAlertmanager } from "../support/alertmanager.js";
import { startFakeSlack, type FakeSlack } from "../support/fake-slack.js";
import { waitFor } from "../support/wait-for.js";
import { AM_TOKEN, BACKENDS, fakeSlackUsers, prepareEnv, startInProcess, weeklyRotaIcs, writeConfig, type Env } from "./harness.js";

/**
 * Issue 13 against a real Alertmanager: it re-sends its groups every repeat_interval with all
 * their alerts, resolves single alerts inside a firing group, and truncates to `max_alerts`.
 */

const binary = alertmanagerBinary();
if (!binary) console.warn("SKIPPED real-Alertmanager counting suite: prometheus-alertmanager is not installed (apt-get install -y prometheus-alertmanager)");

describe.skipIf(!binary).each(BACKENDS)("real Alertmanager re-sends, calpage counts each alert once (%s)", (backend) => {
  let slack: FakeSlack;
  let env: Env;
  let app: Calpage;
  let url: string;
  let am: RunningAlertmanager;

  beforeAll(async () => {
    slack = await startFakeSlack({ users: fakeSlackUsers(), channels: { alerts: "C0ALERTS1" }, token: "xoxb-e2e-test" });
    env = await prepareEnv(backend, slack);
    const path = writeConfig(env.dir, { ics: weeklyRotaIcs("Alice Example", new Date()), chain: "      - wait: 1h\n      - notify_schedule: primary" });
    ({ app, url } = await startInProcess(path, env.env, readFileSync(path, "utf8")));
    const hook = `${url}/integrations/v1/alertmanager/${AM_TOKEN}/`;
    am = await startAlertmanager({
      receivers: [
        { name: "calpage", url: hook, sendResolved: true },
        { name: "calpage-max-2", url: hook, sendResolved: true, maxAlerts: 2 },
      ],
      routes: [{ receiver: "calpage-max-2", matchers: ['alertname="Truncated"'] }],
      groupBy: ["alertname"],
      groupWait: "1s",
      groupInterval: "1s",
      repeatInterval: "2s",
    });
  });
  afterAll(async () => {
    await am?.stop();
    await app?.stop();
    await slack?.close();
    await env?.cleanup();
  });

  /** Alerts calpage was sent for this integration (each re-send counts again). */
  async function received(): Promise<number> {
    const metrics = await (await fetch(`${url}/metrics`)).text();
    return Number(/calpage_alerts_received_total\{integration="prod"\} (\d+)/.exec(metrics)?.[1] ?? 0);
  }
  const openGroup = (alertname: string) => app.store.read.groups.listOpen().then((gs) => gs.find((g) => g.title === alertname) ?? null);
  async function slackText(alertname: string): Promise<string | undefined> {
    const g = await openGroup(alertname);
    return g?.slackChannelId && g.slackTs ? slack.message(g.slackChannelId, g.slackTs)?.text : undefined;
  }

  it("three alerts re-sent every repeat_interval stay 3 alerts; one resolving shows 2 firing, 1 resolved", async () => {
    const labels = ["db-1", "db-2", "db-3"].map((instance) => ({ alertname: "DiskFull", instance, severity: "critical" }));
    const before = await received();
    await am.postAlerts(labels.map((l) => ({ labels: l, annotations: { summary: `disk full on ${l.instance}` } })));
    // At least three deliveries of the three alerts.
    await waitFor(async () => (await received()) - before >= 9, { timeoutMs: 30_000, description: "three deliveries from Alertmanager" });
    expect(await openGroup("DiskFull")).toMatchObject({ alertCount: 3, firingCount: 3 });
    await waitFor(async () => (await slackText("DiskFull"))?.endsWith("— firing, critical, 3 alerts"), { timeoutMs: 15_000, description: "Slack to say 3 alerts" });

    await am.resolveAlerts([labels[1]!]);
    await waitFor(async () => (await openGroup("DiskFull"))?.firingCount === 2, { timeoutMs: 30_000, description: "db-2 to resolve inside the group" });
    expect(await openGroup("DiskFull")).toMatchObject({ state: "firing", alertCount: 3, firingCount: 2 });
    await waitFor(async () => (await slackText("DiskFull"))?.endsWith("— firing, critical, 2 firing, 1 resolved"), { timeoutMs: 15_000, description: "Slack to say 2 firing, 1 resolved" });
  });

  it("max_alerts: 2 of 5 alerts: stores 2 and shows the 3 Alertmanager left out", async () => {
    await am.postAlerts(["a", "b", "c", "d", "e"].map((instance) => ({ labels: { alertname: "Truncated", instance } })));
    await waitFor(async () => (await openGroup("Truncated"))?.truncatedAlerts === 3, { timeoutMs: 30_000, description: "a truncated delivery" });
    expect(await openGroup("Truncated")).toMatchObject({ alertCount: 2, firingCount: 2, truncatedAlerts: 3 });
    await waitFor(async () => (await slackText("Truncated"))?.endsWith("2 alerts and 3 more not sent"), { timeoutMs: 15_000, description: "Slack to show the truncation" });
  });
});
