import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Calpage } from "../../src/app/create-calpage.js";
import { startFakeSlack, type FakeSlack } from "../support/fake-slack.js";
import { slashCommandBody } from "../support/slack-signing.js";
import { BACKENDS, postSignedSlack, prepareEnv, sleep, startInProcess, type Env } from "../e2e/harness.js";

const root = join(import.meta.dirname, "..", "..");
const fixture = (name: string) => readFileSync(join(root, "tests/fixtures/payloads", name), "utf8");
const GRAFANA = "e2e-grafana-token-00000001";
const HOOK = "e2e-webhook-token-00000001";
const ZABBIX = "e2e-zabbix-token-000000001";
const CRON = "e2e-cron-token-0000000000001";
const LIMITED = "e2e-limited-token-00000001";
const BOB = "U0BOB0001";

const yaml = `timezone: UTC
users:
  - email: bob@example.com
    name: Bob Example
    slack_id: ${BOB}
access:
  admins: [bob@example.com]
escalation_chains:
  - name: page-bob
    steps:
      - notify_users: [bob@example.com]
integrations:
  - name: grafana
    type: grafana_alerting
    token: ${GRAFANA}
    chain: page-bob
    channel: "#grafana"
  - name: hooks
    type: webhook
    token: ${HOOK}
    chain: page-bob
    channel: "#hooks"
    routes:
      - matchers: ['severity="info"']
        post_to_slack: false
  - name: zabbix
    type: webhook
    token: ${ZABBIX}
    channel: "#zabbix"
    mapping:
      title: event.name
      message: message
      grouping_key: trigger.id
      severity: event.severity
      resolve_when: { path: event.status, equals: RESOLVED }
  - name: nightly-backup
    type: webhook
    token: ${CRON}
    chain: page-bob
    channel: "#cron"
    heartbeat: 5s
  - name: limited
    type: webhook
    token: ${LIMITED}
    channel: "#limited"
    rate_limit: 5
`;

describe.each(BACKENDS)("alert sources, heartbeats, limits, maintenance and direct pages (%s)", (backend) => {
  let slack: FakeSlack;
  let env: Env;
  let app: Calpage;
  let url: string;
  const post = (type: string, token: string, body: string) =>
    fetch(`${url}/integrations/v1/${type}/${token}/`, { method: "POST", headers: { "content-type": "application/json" }, body });
  const rootPosts = (channel: string) => slack.callsTo("chat.postMessage").filter((c) => c.args.channel === channel && !c.args.thread_ts);

  beforeAll(async () => {
    slack = await startFakeSlack({ users: { "bob@example.com": { id: BOB, name: "bob" } }, token: "xoxb-e2e-test" });
    env = await prepareEnv(backend, slack);
    const path = join(env.dir, "calpage.yaml");
    writeFileSync(path, yaml);
    ({ app, url } = await startInProcess(path, env.env, yaml));
  });
  afterAll(async () => {
    await app?.stop();
    await slack?.close();
    await env?.cleanup();
  });

  it("Grafana: one group per alert fingerprint, with Grafana's links in the Slack message, and resolve", async () => {
    const res = await post("grafana_alerting", GRAFANA, fixture("grafana-firing.json"));
    expect(res.status).toBe(200);
    const groups = ((await res.json()) as { groups: { number: number; opened: boolean }[] }).groups;
    const firing = JSON.parse(fixture("grafana-firing.json")) as { alerts: { fingerprint: string; dashboardURL?: string; silenceURL?: string }[] };
    expect(groups).toHaveLength(firing.alerts.length);
    const msg = await slack.waitFor((c) => c.method === "chat.postMessage" && c.args.channel === "#grafana" && !c.args.thread_ts, 10_000);
    const text = JSON.stringify(msg.args.blocks);
    const links = firing.alerts.flatMap((a) => [a.dashboardURL, a.silenceURL]).filter(Boolean) as string[];
    expect(links.some((l) => text.includes(l))).toBe(true);
    const resolved = await post("grafana_alerting", GRAFANA, fixture("grafana-resolved.json"));
    expect(resolved.status).toBe(200);
    const states = await Promise.all(groups.map(async (g) => (await app.store.read.groups.getByNumber(g.number))!.state));
    expect(states.filter((s) => s === "resolved").length).toBeGreaterThan(0);
  });

  it("webhook: title/alert_uid group, repeats update its one alert, state OK resolves, and a route can keep Slack out", async () => {
    const body = (extra: object) => JSON.stringify({ title: "Disk full on db-1", message: "/var at 99%", severity: "critical", alert_uid: "disk-db-1", ...extra });
    const first = (await (await post("webhook", HOOK, body({}))).json()) as { groups: { number: number }[] };
    await post("webhook", HOOK, body({}));
    await post("webhook", HOOK, body({}));
    const g = (await app.store.read.groups.getByNumber(first.groups[0]!.number))!;
    // The group's one alert is the alert_uid's: re-sending it does not add alerts.
    expect(g).toMatchObject({ alertCount: 1, firingCount: 1 });
    await post("webhook", HOOK, body({ state: "OK" }));
    expect((await app.store.read.groups.get(g.id))!.state).toBe("resolved");

    const quiet = (await (await post("webhook", HOOK, JSON.stringify({ title: "FYI: deploy done", severity: "info" }))).json()) as { groups: { number: number }[] };
    const q = (await app.store.read.groups.getByNumber(quiet.groups[0]!.number))!;
    expect(q.channel).toBeNull();
    await slack.waitFor((c) => c.method === "chat.postMessage" && c.args.channel === BOB && JSON.stringify(c.args).includes("FYI: deploy done"), 10_000);
    expect(slack.calls.some((c) => c.args.channel === "#hooks" && JSON.stringify(c.args).includes("FYI: deploy done"))).toBe(false);
  });

  it("webhook with a mapping (Zabbix-shaped): title, grouping key, severity and resolve condition from JSON paths", async () => {
    const res = await post("webhook", ZABBIX, fixture("webhook-zabbix.json"));
    expect(res.status).toBe(200);
    const n = ((await res.json()) as { groups: { number: number }[] }).groups[0]!.number;
    const g = (await app.store.read.groups.getByNumber(n))!;
    expect(g).toMatchObject({ title: "High CPU utilization (over 90% for 5m)", groupingKey: "23411", severity: "High" });
    await post("webhook", ZABBIX, fixture("webhook-zabbix-recovery.json"));
    expect((await app.store.read.groups.get(g.id))!.state).toBe("resolved");
    const bad = await post("webhook", ZABBIX, JSON.stringify({ event: {} }));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/^event\.name:/);
  });

  it("heartbeat: a missed heartbeat fires 'No heartbeat from …'; the next one resolves it", async () => {
    expect((await fetch(`${url}/integrations/v1/webhook/${CRON}/heartbeat/`)).status).toBe(200);
    let open = null;
    for (let i = 0; i < 60 && !open; i++) {
      await sleep(250);
      open = (await app.store.read.groups.listOpen()).find((g) => g.integration === "nightly-backup") ?? null;
    }
    expect(open).toMatchObject({ title: "No heartbeat from nightly-backup", state: "firing" });
    await slack.waitFor((c) => c.method === "chat.postMessage" && c.args.channel === "#cron" && !c.args.thread_ts, 10_000);
    const beat = await fetch(`${url}/integrations/v1/webhook/${CRON}/heartbeat/`, { method: "POST" });
    expect(beat.status).toBe(200);
    expect((await app.store.read.groups.get(open!.id))!.state).toBe("resolved");
  });

  it("an integration over its rate limit answers 429 with Retry-After, keeps what it accepted, and says so in Slack once", async () => {
    const send = (i: number) => post("webhook", LIMITED, JSON.stringify({ title: `burst ${i}`, alert_uid: `burst-${i}` }));
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await send(i)).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.slice(5).every((s) => s === 429)).toBe(true);
    const limited = await send(99);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    // Re-sending an alert it already has costs nothing: accepted while new ones are refused.
    expect((await send(0)).status).toBe(200);
    const stored = (await app.store.read.groups.listOpen()).filter((g) => g.integration === "limited");
    expect(stored.reduce((n, g) => n + g.alertCount, 0)).toBe(5);
    await slack.waitFor((c) => c.method === "chat.postMessage" && c.args.channel === "#limited" && String(c.args.text).includes("HTTP 429"), 10_000);
    await sleep(500);
    expect(slack.callsTo("chat.postMessage").filter((c) => c.args.channel === "#limited" && String(c.args.text).includes("HTTP 429"))).toHaveLength(1);
  });

  it("maintenance: alerts are stored and shown but not escalated, and the end is announced", async () => {
    const on = await postSignedSlack(url, slashCommandBody({ command: "/oncall", text: "maintenance hooks 3s", userId: BOB, channelId: "C1" }));
    expect(((await on.json()) as { text: string }).text).toContain("Maintenance for hooks is on");
    const n = ((await (await post("webhook", HOOK, JSON.stringify({ title: "during maintenance", alert_uid: "maint-1" }))).json()) as { groups: { number: number }[] }).groups[0]!.number;
    const g = (await app.store.read.groups.getByNumber(n))!;
    expect(g.escalation.status).toBe("idle");
    await slack.waitFor((c) => c.method === "chat.postMessage" && c.args.channel === "#hooks" && JSON.stringify(c.args).includes("during maintenance"), 10_000);
    await slack.waitFor((c) => c.method === "chat.postMessage" && c.args.channel === "#hooks" && String(c.args.text).includes("Maintenance for *hooks* has ended"), 15_000);
    expect(slack.callsTo("chat.postMessage").filter((c) => c.args.channel === BOB && JSON.stringify(c.args).includes("during maintenance"))).toHaveLength(0);
    expect((await app.store.read.log.list(g.id)).map((e) => e.text).join("\n")).toContain("hooks is in maintenance until");
  });

  it("/oncall page, /oncall alerts and /oncall ack <n>", async () => {
    // Someone who is not in calpage.yaml may not page at all; an important page is for admins (Bob).
    const stranger = await postSignedSlack(url, slashCommandBody({ command: "/oncall", text: `page <@${BOB}|bob> the VPN is down important`, userId: "U0ASKER01", channelId: "C1" }));
    expect(((await stranger.json()) as { text: string }).text).toMatch(/^You are not a calpage user, so you can only use the read-only commands/);
    const paged = await postSignedSlack(url, slashCommandBody({ command: "/oncall", text: `page <@${BOB}|bob> the VPN is down important`, userId: BOB, channelId: "C1" }));
    expect(paged.status).toBe(200);
    const eph = { args: { text: ((await paged.json()) as { text: string }).text } };
    expect(eph.args.text).toMatch(/^Opened #\d+ and paging\./);
    expect(String(eph.args.text)).toContain("Bob Example is not on call right now");
    const dm = await slack.waitFor((c) => c.method === "chat.postMessage" && c.args.channel === BOB && JSON.stringify(c.args).includes("the VPN is down"), 10_000);
    expect(JSON.stringify(dm.args.blocks)).toMatch(/important/i);
    const n = Number(/#(\d+)/.exec(String(eph.args.text))![1]);
    const list = await postSignedSlack(url, slashCommandBody({ command: "/oncall", text: "alerts", userId: BOB, channelId: "C1" }));
    expect(((await list.json()) as { text: string }).text).toContain(`*#${n}* the VPN is down`);
    const ack = await postSignedSlack(url, slashCommandBody({ command: "/oncall", text: `ack ${n}`, userId: BOB, channelId: "C1" }));
    expect(((await ack.json()) as { text: string }).text).toBe(`#${n} is now acknowledged.`);
    const again = await postSignedSlack(url, slashCommandBody({ command: "/oncall", text: `ack ${n}`, userId: BOB, channelId: "C1" }));
    expect(((await again.json()) as { text: string }).text).toContain("already acknowledged");
  });

  it("sent nothing unexpected to Slack", () => {
    expect(slack.unexpected).toEqual([]);
    expect(rootPosts("#limited").length).toBeGreaterThan(0);
  });
});
