import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertmanagerBinary, startAlertmanager, type RunningAlertmanager } from "../support/alertmanager.js";
import { startFakeSlack, type FakeSlack } from "../support/fake-slack.js";
import { buttonClickBody } from "../support/slack-signing.js";
import {
  AM_TOKEN,
  BACKENDS,
  PEOPLE,
  actionIds,
  buttonValue,
  fakeSlackUsers,
  postSignedSlack,
  prepareEnv,
  sleep,
  startInProcess,
  weeklyRotaIcs,
  writeConfig,
  type Env,
} from "./harness.js";
import type { Calpage } from "../../src/app/create-calpage.js";

const binary = alertmanagerBinary();
if (!binary) console.warn("SKIPPED real-Alertmanager end-to-end suite: prometheus-alertmanager is not installed (apt-get install -y prometheus-alertmanager)");

const CHAIN = `      - wait: 2s
      - notify_schedule: primary
      - wait: 3s
      - notify_users: [bob@example.com]
      - repeat: 1`;

describe.skipIf(!binary).each(BACKENDS)("real Alertmanager -> calpage -> Slack (%s)", (backend) => {
  let slack: FakeSlack;
  let env: Env;
  let app: Calpage;
  let url: string;
  let am: RunningAlertmanager;

  beforeAll(async () => {
    slack = await startFakeSlack({ users: fakeSlackUsers(), channels: { alerts: "C0ALERTS1" }, token: "xoxb-e2e-test" });
    env = await prepareEnv(backend, slack);
    const path = writeConfig(env.dir, { ics: weeklyRotaIcs("Alice Example", new Date()), chain: CHAIN });
    ({ app, url } = await startInProcess(path, env.env, readFileSync(path, "utf8")));
    am = await startAlertmanager({
      receivers: [{ name: "calpage", url: `${url}/integrations/v1/alertmanager/${AM_TOKEN}/`, sendResolved: true }],
      groupBy: ["alertname", "cluster"],
      groupWait: "1s",
      groupInterval: "1s",
    });
  });

  afterAll(async () => {
    await am?.stop();
    await app?.stop();
    await slack?.close();
    await env?.cleanup();
  });

  it("posts the alert, pages the on-call user after the wait, stops on a signed Acknowledge, and shows the resolve", async () => {
    const labels = { alertname: "DiskFull", cluster: "prod", instance: "db-1", severity: "critical" };
    await am.postAlerts([
      {
        labels,
        annotations: { summary: "Disk almost full", runbook_url: "https://runbooks.example.com/disk-full" },
        generatorURL: "http://prometheus.example.com/graph?g0.expr=disk",
      },
    ]);

    // 1. The channel message, with buttons.
    const posted = await slack.waitFor((c) => c.method === "chat.postMessage" && c.args.channel === "#alerts" && !c.args.thread_ts, 15_000);
    const blocks = posted.args.blocks;
    expect(actionIds(blocks)).toEqual(expect.arrayContaining(["alert_ack", "alert_resolve"]));
    const text = JSON.stringify(blocks);
    expect(text).toContain("DiskFull");
    expect(text).toContain("critical");
    expect(text).toContain("https://runbooks.example.com/disk-full");
    expect(text).toContain("http://prometheus.example.com/graph?g0.expr=disk");
    const ts = String((posted.response as { ts: string }).ts);
    const groupId = buttonValue(blocks, "alert_ack");
    expect(groupId).toBeTruthy();

    // 2. No DM before the chain's 2s wait; then Alice (on call per the .ics) gets one.
    const dmToAlice = (c: { method: string; args: Record<string, unknown> }) => c.method === "chat.postMessage" && c.args.channel === PEOPLE.alice.id;
    expect(slack.callsTo("chat.postMessage").filter(dmToAlice)).toHaveLength(0);
    const dm = await slack.waitFor(dmToAlice, 10_000);
    expect(dm.at - posted.at).toBeGreaterThanOrEqual(1500);
    expect(actionIds(dm.args.blocks)).toContain("alert_ack");
    expect(slack.callsTo("users.lookupByEmail").map((c) => c.args.email)).toContain(PEOPLE.alice.email);
    // The step is logged in the thread.
    await slack.waitFor((c) => c.method === "chat.postMessage" && c.args.thread_ts === ts && String(c.args.text).includes("Alice Example"), 5000);

    // 3. Alice clicks Acknowledge (signed like Slack signs it).
    const click = buttonClickBody({ actionId: "alert_ack", value: groupId!, userId: PEOPLE.alice.id, channelId: "C0ALERTS1", messageTs: ts });
    const res = await postSignedSlack(url, click);
    expect(res.status).toBe(200);
    const acked = await slack.waitFor(
      (c) => c.method === "chat.update" && c.args.ts === ts && actionIds(c.args.blocks).includes("alert_unack"),
      5000,
    );
    expect(JSON.stringify(acked.args.blocks)).toContain(`<@${PEOPLE.alice.id}>`);
    expect(actionIds(acked.args.blocks)).not.toContain("alert_ack");

    // 4. The chain would page Bob 3s after Alice; after the ack nobody else is paged.
    await sleep(4500);
    const dms = slack.callsTo("chat.postMessage").filter((c) => String(c.args.channel).startsWith("U") || String(c.args.channel).startsWith("D"));
    expect(dms.map((c) => c.args.channel)).toEqual([PEOPLE.alice.id]);

    // 5. Alertmanager resolves: the same message shows it, with Unresolve.
    await am.resolveAlerts([labels]);
    const resolved = await slack.waitFor(
      (c) => c.method === "chat.update" && c.args.ts === ts && actionIds(c.args.blocks).includes("alert_unresolve"),
      15_000,
    );
    expect(JSON.stringify(resolved.args.blocks)).toContain("Alertmanager");

    // Nothing was sent to Slack that a test of this flow would not expect.
    expect(slack.unexpected).toEqual([]);
    const methods = new Set(slack.calls.map((c) => c.method));
    // users.info: who clicked Acknowledge, for the access rules (guest? deactivated? which calpage user?).
    for (const m of methods) expect(["chat.postMessage", "chat.update", "users.lookupByEmail", "users.info"]).toContain(m);
    expect(slack.callsTo("chat.postMessage").filter((c) => c.args.channel === "#alerts" && !c.args.thread_ts)).toHaveLength(1);
    const group = await app.store.read.groups.get(groupId!);
    expect(group).toMatchObject({ state: "resolved", acknowledgedBy: PEOPLE.alice.id, resolvedBy: "Alertmanager", alertCount: 1, firingCount: 0 });
  });
});
