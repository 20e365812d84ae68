import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Calpage } from "../../src/app/create-calpage.js";
import { startFakeSlack, type FakeSlack } from "../support/fake-slack.js";
import type { FakeTwilio } from "../support/fake-twilio.js";
import { waitFor } from "../support/wait-for.js";
import { slashCommandBody } from "../support/slack-signing.js";
import { BACKENDS, postSignedSlack, prepareEnvWithTwilio, startInProcess, writeConfigText, type Env } from "../e2e/harness.js";

/**
 * Issue 13: a group counts the alerts really in it. Alertmanager re-sends a still-firing group
 * every repeat_interval with all its alerts; each re-send must update those alerts, not add them.
 */

const SID = "AC00000000000000000000000000000013";
const AUTH = "twilio-counting-auth-token";
const FROM = "+15550001300";
const ALICE_PHONE = "+15550001301";
const TOKENS = { prod: "counting-prod-token-0001", storm: "counting-storm-token-001", burst: "counting-burst-token-001" };

const YAML = `timezone: UTC
users:
  - email: alice@example.com
    name: Alice
    phone: "${ALICE_PHONE}"
    notification_rules:
      default: [sms]
  - email: bob@example.com
    name: Bob
escalation_chains:
  - name: page-alice
    steps:
      - notify_users: [alice@example.com]
  - name: burst
    steps:
      - if_alerts: "3 in 10m"
      - notify_users: [bob@example.com]
integrations:
  - name: prod
    type: alertmanager
    token: ${TOKENS.prod}
    chain: page-alice
    channel: "#alerts"
  - name: storm
    type: alertmanager
    token: ${TOKENS.storm}
    channel: "#storm"
    rate_limit: 100
  - name: burst
    type: alertmanager
    token: ${TOKENS.burst}
    chain: burst
    channel: "#burst"
paging:
  sms_per_window: 50
`;

/** A realistic Alertmanager alert (~750 bytes, like kube-prometheus' KubePodCrashLooping). */
function amAlert(name: string, i: number, status: "firing" | "resolved" = "firing") {
  const pod = `api-7d9f8c6b5-${String(i).padStart(5, "0")}`;
  return {
    status,
    labels: { alertname: name, cluster: "eu-1", container: "api", job: "kube-state-metrics", namespace: "prod", pod, severity: "critical" },
    annotations: {
      description: `Pod prod/${pod} (api) is in waiting state (reason: "CrashLoopBackOff") for longer than 15 minutes.`,
      runbook_url: "https://runbooks.prometheus-operator.dev/runbooks/kubernetes/kubepodcrashlooping",
      summary: "Pod is crash looping.",
    },
    startsAt: "2026-12-04T20:00:00.000Z",
    endsAt: status === "firing" ? "0001-01-01T00:00:00Z" : "2026-12-04T20:30:00.000Z",
    generatorURL:
      "http://prometheus.example:9090/graph?g0.expr=max_over_time%28kube_pod_container_status_waiting_reason%7Breason%3D%22CrashLoopBackOff%22%2Cjob%3D%22kube-state-metrics%22%7D%5B5m%5D%29+%3E%3D+1&g0.tab=1",
    fingerprint: createFingerprint(name, i),
  };
}
const createFingerprint = (name: string, i: number) => `${name.toLowerCase()}-${i.toString(16).padStart(8, "0")}`;

function amGroup(name: string, alerts: ReturnType<typeof amAlert>[], extra: Record<string, unknown> = {}) {
  return {
    version: "4",
    groupKey: `{}:{alertname="${name}"}`,
    truncatedAlerts: 0,
    status: alerts.some((a) => a.status === "firing") ? "firing" : "resolved",
    receiver: "calpage",
    groupLabels: { alertname: name },
    commonLabels: { alertname: name, severity: "critical" },
    commonAnnotations: {},
    externalURL: "http://alertmanager.example:9093",
    alerts,
    ...extra,
  };
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k);

describe.each(BACKENDS)("alert groups count the alerts really in them (%s)", (backend) => {
  let slack: FakeSlack;
  let twilio: FakeTwilio;
  let env: Env;
  let app: Calpage;
  let url: string;

  beforeAll(async () => {
    slack = await startFakeSlack({
      users: { "alice@example.com": { id: "U0ALICE1", name: "alice" }, "bob@example.com": { id: "U0BOB001", name: "bob" } },
      channels: { alerts: "C0ALERTS1", storm: "C0STORM01", burst: "C0BURST01" },
      token: "xoxb-e2e-test",
    });
    let port: number;
    ({ env, twilio, port } = await prepareEnvWithTwilio(backend, slack, { sid: SID, authToken: AUTH, from: FROM }));
    const path = writeConfigText(env, YAML);
    ({ app, url } = await startInProcess(path, env.env, YAML, port));
  });
  afterAll(async () => {
    await app?.stop();
    await twilio?.close();
    await slack?.close();
    await env?.cleanup();
  });

  const post = (token: string, body: unknown) =>
    fetch(`${url}/integrations/v1/alertmanager/${token}/`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  async function deliver(token: string, body: unknown): Promise<number> {
    const res = await post(token, body);
    expect(res.status, await res.clone().text()).toBe(200);
    return ((await res.json()) as { groups: { number: number }[] }).groups[0]!.number;
  }
  const group = async (n: number) => (await app.store.read.groups.getByNumber(n))!;
  /** Waits until the group's channel message says `text` (in its fallback text, which carries the count). */
  async function slackSays(n: number, text: string): Promise<string> {
    return waitFor(
      async () => {
        const g = await group(n);
        const message = g.slackChannelId && g.slackTs ? slack.message(g.slackChannelId, g.slackTs) : undefined;
        return message?.text?.includes(text) ? message.text : undefined;
      },
      { timeoutMs: 15_000, description: `group #${n}'s Slack message to say "${text}"` },
    );
  }

  it("one alert re-sent three times is 1 alert, paged once", async () => {
    const body = amGroup("ResentOnce", [amAlert("ResentOnce", 1)]);
    const n = await deliver(TOKENS.prod, body);
    for (let k = 0; k < 3; k++) {
      const res = await post(TOKENS.prod, body);
      // The answer says what the group holds now.
      expect(await res.json()).toEqual({ status: "ok", groups: [{ number: n, state: "firing", opened: false, alerts: 1, firing: 1 }], changes: 0 });
    }
    const g = await group(n);
    expect(g).toMatchObject({ alertCount: 1, firingCount: 1, truncatedAlerts: 0 });
    expect(await app.store.read.alerts.countForGroup(g.id)).toBe(1);
    expect(await slackSays(n, "1 alert")).toMatch(/— firing, critical, 1 alert$/);
    // The links line names each link once (it used to repeat Source and Silence); PUBLIC_URL is set, so the group's web page is last.
    const g1 = await group(n);
    const blocks = slack.message(g1.slackChannelId!, g1.slackTs!)?.blocks as { block_id?: string; text?: { text: string } }[];
    const links = blocks.find((b) => b.block_id === "alert_group_links")?.text?.text ?? "";
    expect([...links.matchAll(/\|([^>]+)>/g)].map((m) => m[1])).toEqual(["Source", "Runbook", "Alertmanager", "Silence in Alertmanager", "Timeline"]);
    expect(links).toContain(`<${env.env.PUBLIC_URL}/web/groups/${n}|Timeline>`);
    const sms = await twilio.waitForMessage((m) => m.to === ALICE_PHONE && m.body.includes(`#${n} `), 15_000);
    expect(sms.body).toBe(`calpage #${n} CRITICAL: ResentOnce. Reply ${n}a to ack, ${n}r to resolve, ${n}e to escalate.`);
    expect(await app.store.read.pages.listForGroup(g.id)).toHaveLength(1);
  });

  it("a group growing 10 at a time to 100 counts 100 (not 10+20+…+100 = 550); one starting at 100 and growing to 190 counts 190", async () => {
    let n = 0;
    for (const size of range(1, 11).map((k) => k * 10)) n = await deliver(TOKENS.prod, amGroup("Growing", range(0, size).map((i) => amAlert("Growing", i))));
    expect(await group(n)).toMatchObject({ alertCount: 100, firingCount: 100 });
    await slackSays(n, "100 alerts");

    let m = 0;
    for (const size of range(10, 20).map((k) => k * 10)) m = await deliver(TOKENS.prod, amGroup("FromHundred", range(0, size).map((i) => amAlert("FromHundred", i))));
    expect(await group(m)).toMatchObject({ alertCount: 190, firingCount: 190 });
    await slackSays(m, "190 alerts");
  });

  it("3 firing and 2 resolved inside a firing group show as such in Slack and in the SMS", async () => {
    const alerts = [...range(0, 3).map((i) => amAlert("HalfResolved", i)), ...range(3, 5).map((i) => amAlert("HalfResolved", i, "resolved"))];
    const n = await deliver(TOKENS.prod, amGroup("HalfResolved", alerts));
    expect(await group(n)).toMatchObject({ state: "firing", alertCount: 5, firingCount: 3 });
    expect(await slackSays(n, "3 firing, 2 resolved")).toContain("— firing, critical, 3 firing, 2 resolved");
    const sms = await twilio.waitForMessage((m) => m.to === ALICE_PHONE && m.body.includes(`#${n} `), 15_000);
    expect(sms.body).toBe(`calpage #${n} CRITICAL: HalfResolved - 3 firing, 2 resolved. Reply ${n}a to ack, ${n}r to resolve, ${n}e to escalate.`);
    // `/oncall alerts` says the same.
    const list = await postSignedSlack(url, slashCommandBody({ command: "/oncall", text: "alerts", userId: "U0ALICE1", channelId: "C0ALERTS1" }));
    expect(((await list.json()) as { text: string }).text).toContain(`*#${n}* HalfResolved — firing, 3 firing, 2 resolved`);
  });

  it("alerts Alertmanager stops sending (after they resolved) count as resolved; truncated payloads resolve nothing", async () => {
    const n = await deliver(TOKENS.prod, amGroup("Shrinking", range(0, 5).map((i) => amAlert("Shrinking", i))));
    // send_resolved: false — the two resolved alerts simply disappear from the next notification.
    await deliver(TOKENS.prod, amGroup("Shrinking", range(0, 3).map((i) => amAlert("Shrinking", i))));
    expect(await group(n)).toMatchObject({ alertCount: 5, firingCount: 3 });
    // A truncated payload (max_alerts) lists only some alerts: the others are not taken as resolved.
    await deliver(TOKENS.prod, amGroup("Shrinking", range(0, 1).map((i) => amAlert("Shrinking", i)), { truncatedAlerts: 2 }));
    expect(await group(n)).toMatchObject({ alertCount: 5, firingCount: 3, truncatedAlerts: 2 });
    await slackSays(n, "3 firing, 2 resolved and 2 more not sent");
  });

  it("accepts a 1,500-alert group of more than 1 MiB, stores every alert and pages once; a re-send changes nothing", async () => {
    const body = JSON.stringify(amGroup("Huge", range(0, 1500).map((i) => amAlert("Huge", i))));
    expect(body.length).toBeGreaterThan(1024 * 1024);
    const res = await fetch(`${url}/integrations/v1/alertmanager/${TOKENS.prod}/`, { method: "POST", headers: { "content-type": "application/json" }, body });
    expect(res.status).toBe(200);
    const n = ((await res.json()) as { groups: { number: number }[] }).groups[0]!.number;
    const g = await group(n);
    expect(g).toMatchObject({ alertCount: 1500, firingCount: 1500 });
    expect(await app.store.read.alerts.countForGroup(g.id)).toBe(1500);
    await slackSays(n, "1500 alerts");
    await twilio.waitForMessage((m) => m.to === ALICE_PHONE && m.body.includes(`#${n} `), 15_000);
    expect((await fetch(`${url}/integrations/v1/alertmanager/${TOKENS.prod}/`, { method: "POST", headers: { "content-type": "application/json" }, body })).status).toBe(200);
    expect(await app.store.read.alerts.countForGroup(g.id)).toBe(1500);
    expect(await app.store.read.pages.listForGroup(g.id)).toHaveLength(1);
  });

  it("shows the alerts Alertmanager left out (truncatedAlerts)", async () => {
    const n = await deliver(TOKENS.prod, amGroup("Truncated", range(0, 20).map((i) => amAlert("Truncated", i)), { truncatedAlerts: 480 }));
    expect(await group(n)).toMatchObject({ alertCount: 20, truncatedAlerts: 480 });
    await slackSays(n, "20 alerts and 480 more not sent");
    const sms = await twilio.waitForMessage((m) => m.to === ALICE_PHONE && m.body.includes(`#${n} `), 15_000);
    expect(sms.body).toContain(" - 20 alerts and 480 more not sent. Reply");
  });

  it("the rate limit counts new and changed alerts: a re-sent group is never refused, a flood of new ones is", async () => {
    const first = amGroup("Storm", range(0, 80).map((i) => amAlert("Storm", i)));
    const n = await deliver(TOKENS.storm, first);
    // Five re-sends of the same 80 alerts: 400 alerts by the old count, against a limit of 100 a minute.
    for (let k = 0; k < 5; k++) expect((await post(TOKENS.storm, first)).status).toBe(200);
    // 80 more new alerts do not fit in what is left of the minute's 100.
    const flood = amGroup("Storm", range(0, 160).map((i) => amAlert("Storm", i)));
    const refused = await post(TOKENS.storm, flood);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(((await refused.json()) as { error: string }).error).toMatch(/^rate limited: storm accepts 100 new or changed alerts a minute and this request has 80; retry in \d+s$/);
    // Refused means nothing stored.
    expect(await group(n)).toMatchObject({ alertCount: 80, firingCount: 80 });
    // Resolving 2 alerts is 2 changes: still accepted.
    const resolving = amGroup("Storm", [...range(0, 78).map((i) => amAlert("Storm", i)), amAlert("Storm", 78, "resolved"), amAlert("Storm", 79, "resolved")]);
    expect((await post(TOKENS.storm, resolving)).status).toBe(200);
    expect(await group(n)).toMatchObject({ alertCount: 80, firingCount: 78 });
  });

  it("if_alerts counts new alerts in its window, not re-sends", async () => {
    const two = amGroup("Burst", range(0, 2).map((i) => amAlert("Burst", i)));
    const n = await deliver(TOKENS.burst, two);
    for (let k = 0; k < 4; k++) await deliver(TOKENS.burst, two);
    const g = await group(n);
    expect(g.escalation).toMatchObject({ status: "active", holding: "alerts" });
    expect(await app.store.read.pages.listForGroup(g.id)).toHaveLength(0);
    // Two more distinct alerts: 4 in 10 minutes, more than 3.
    await deliver(TOKENS.burst, amGroup("Burst", range(0, 4).map((i) => amAlert("Burst", i))));
    const pages = await app.store.read.pages.listForGroup(g.id);
    expect(pages.map((p) => p.userEmail)).toEqual(["bob@example.com"]);
    const log = (await app.store.read.log.list(g.id)).map((e) => e.text);
    expect(log).toContainEqual(expect.stringMatching(/waiting for more than 3 alerts in 10m \(2 so far\)/));
    expect(log).toContainEqual(expect.stringMatching(/more than 3 alerts in 10m \(4 so far\); continuing/));
  });
});
