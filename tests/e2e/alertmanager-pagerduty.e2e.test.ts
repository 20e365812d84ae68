import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Calpage } from "../../src/app/create-calpage.js";
import { alertmanagerBinary, startAlertmanager, type RunningAlertmanager } from "../support/alertmanager.js";
import { startFakeSlack, type FakeSlack } from "../support/fake-slack.js";
import { waitFor } from "../support/wait-for.js";
import { BACKENDS, prepareEnv, startInProcess, type Env } from "./harness.js";

/**
 * A real Alertmanager whose existing PagerDuty receiver (`pagerduty_configs`, Events API v2)
 * is pointed at calpage's `/v2/enqueue` with the integration's token as `routing_key`.
 */
const binary = alertmanagerBinary();
if (!binary) console.warn("SKIPPED real-Alertmanager PagerDuty suite: prometheus-alertmanager is not installed (apt-get install -y prometheus-alertmanager)");

/** 32 hex digits, the length of a PagerDuty integration key. */
const ROUTING_KEY = "0123456789abcdef0123456789abcdef";
const BOB = "U0BOB0001";

const yaml = `timezone: UTC
users:
  - email: bob@example.com
    name: Bob Example
    slack_id: ${BOB}
escalation_chains:
  - name: page-bob
    steps:
      - notify_users: [bob@example.com]
integrations:
  - name: pd-compatible
    type: pagerduty
    token: ${ROUTING_KEY}
    chain: page-bob
    channel: "#pd"
`;

describe.skipIf(!binary).each(BACKENDS)("real Alertmanager's pagerduty_configs -> calpage /v2/enqueue (%s)", (backend) => {
  let slack: FakeSlack;
  let env: Env;
  let app: Calpage;
  let url: string;
  let am: RunningAlertmanager;

  beforeAll(async () => {
    slack = await startFakeSlack({ users: { "bob@example.com": { id: BOB, name: "bob" } }, token: "xoxb-e2e-test" });
    env = await prepareEnv(backend, slack);
    const path = join(env.dir, "calpage.yaml");
    writeFileSync(path, yaml);
    ({ app, url } = await startInProcess(path, env.env, yaml));
    am = await startAlertmanager({
      receivers: [{ name: "pagerduty", url: `${url}/v2/enqueue`, pagerDutyRoutingKey: ROUTING_KEY, sendResolved: true }],
      groupBy: ["alertname", "cluster"],
    });
  });

  afterAll(async () => {
    await am?.stop();
    await app?.stop();
    await slack?.close();
    await env?.cleanup();
  });

  it("a firing group opens one calpage group and pages; its resolve resolves it", async () => {
    const labels = { alertname: "DiskFull", cluster: "prod", instance: "db-1" };
    await am.postAlerts([{ labels, annotations: { summary: "Disk almost full" } }]);
    const open = await waitFor(async () => (await app.store.read.groups.listOpen()).find((g) => g.integration === "pd-compatible") ?? null, {
      timeoutMs: 20_000,
      description: `a group from Alertmanager's PagerDuty receiver\n${am.logs()}`,
    });
    // Alertmanager's default PagerDuty description and severity.
    expect(open).toMatchObject({ title: expect.stringMatching(/^\[FIRING:1\] DiskFull/), severity: "error", channel: "#pd", alertCount: 1 });
    expect(open.labels).toMatchObject({ client: "Alertmanager", num_firing: "1" });
    await slack.waitFor((c) => c.method === "chat.postMessage" && c.args.channel === BOB && JSON.stringify(c.args).includes("DiskFull"), 15_000);

    await am.resolveAlerts([labels]);
    const resolved = await waitFor(async () => {
      const g = await app.store.read.groups.get(open.id);
      return g?.state === "resolved" ? g : null;
    }, { timeoutMs: 20_000, description: `the group resolved by Alertmanager's resolve event\n${am.logs()}` });
    expect(resolved.resolvedBy).toBe("the PagerDuty Events source");
    expect((await app.store.read.groups.listOpen()).filter((g) => g.integration === "pd-compatible")).toEqual([]);
  });

  it("sent nothing unexpected to Slack", () => {
    expect(slack.unexpected).toEqual([]);
  });
});
