import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { startFakeSlack, type FakeSlack } from "../support/fake-slack.js";
import { getFreePort } from "../support/free-port.js";
import { startTcpProxy, type TcpProxy } from "../support/tcp-proxy.js";
import { waitFor } from "../support/wait-for.js";
import { startChildCalpage, waitReady, type ChildCalpage } from "./child-calpage.js";
import { AM_TOKEN, PEOPLE, fakeSlackUsers, prepareEnv, sleep, writeConfigText, type Env } from "./harness.js";

const NOISE_TOKEN = "e2e-noise-token-00000001";
const OUTAGE_MS = 20_000;
/**
 * How late a step due after an outage may be: the pools restart within ~1 s of the database
 * answering (checked every 500 ms), and a loaded 2-core test machine adds its own delays.
 */
const LATE_TOLERANCE_MS = 2_500;

const users = Object.values(PEOPLE)
  .map((p) => `  - email: ${p.email}\n    name: ${p.name}`)
  .join("\n");
// Steps and when they run, counting from the alert (t0) and the outages (O1 after bob, O2 after alice's second page):
//   alice t0 · bob t0+3s · [O1 20 s] carol due t0+13s, inside O1: runs once when the database is back ·
//   alice C+8s · [O2 20 s] · bob A2+25s, after O2: on time · carol B2+5s, on time.
const yaml = `timezone: Europe/Berlin
# Ten groups into #noise within a minute would start a storm summary; this drill counts their own messages.
storm: off
users:
${users}
escalation_chains:
  - name: drill
    steps:
      - notify_users: [alice@example.com]
      - wait: 3s
      - notify_users: [bob@example.com]
      - wait: 10s
      - notify_users: [carol@example.com]
      - wait: 8s
      - notify_users: [alice@example.com]
      - wait: 25s
      - notify_users: [bob@example.com]
      - wait: 5s
      - notify_users: [carol@example.com]
integrations:
  - name: prod
    type: webhook
    token: \${AM_TOKEN}
    chain: drill
    channel: "#alerts"
  - name: noise
    type: webhook
    token: \${NOISE_TOKEN}
    channel: "#noise"
`;

interface Probe {
  at: number;
  status: number | string;
  ms: number;
}

async function timed(url: string, init?: RequestInit): Promise<Probe & { retryAfter: string | null }> {
  const at = Date.now();
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(5_000) });
    await res.arrayBuffer();
    return { at, status: res.status, ms: Date.now() - at, retryAfter: res.headers.get("retry-after") };
  } catch (error) {
    return { at, status: (error as Error).name, ms: Date.now() - at, retryAfter: null };
  }
}

describe("Postgres unreachable for 20 s, twice, mid-escalation (TCP proxy between calpage and Postgres)", () => {
  let slack: FakeSlack;
  let env: Env;
  let proxy: TcpProxy;
  let calpage: ChildCalpage;
  const probes: Probe[] = [];
  let probing = true;
  let prober: Promise<void> = Promise.resolve();

  beforeAll(async () => {
    slack = await startFakeSlack({ users: fakeSlackUsers(), token: "xoxb-e2e-test", tsClock: () => Date.now() });
    env = await prepareEnv("postgres", slack, await getFreePort());
    const real = new URL(env.env.DATABASE_URL!);
    proxy = await startTcpProxy({ host: real.hostname, port: Number(real.port || 5432) });
    real.host = `127.0.0.1:${proxy.port}`;
    const configPath = writeConfigText(env, yaml);
    calpage = startChildCalpage({ ...env.env, DATABASE_URL: real.toString(), NOISE_TOKEN }, configPath, Number(env.env.PORT));
    await waitReady(calpage.url);
    // Readiness as a load balancer sees it: every 250 ms, each answer timed.
    prober = (async () => {
      // Bounded: the test turns `probing` off in afterAll (and every round sleeps).
      while (probing) {
        probes.push(await timed(`${calpage.url}/health/ready`));
        await sleep(250);
      }
    })();
  });

  afterAll(async () => {
    probing = false;
    await prober;
    if (calpage?.child.exitCode === null) calpage.child.kill("SIGKILL");
    await proxy?.close();
    await slack?.close();
    await env?.cleanup();
  });

  it("answers 503 fast while it is down, resumes alone, and pages every step once, the later ones on time", { timeout: 240_000 }, async () => {
    onTestFailed(() => console.log(`--- calpage's output ---\n${calpage.output.join("")}`));
    const dmsTo = (id: string) => slack.callsTo("chat.postMessage").filter((c) => c.args.channel === id);
    const nthDm = (id: string, n: number, timeoutMs: number) =>
      waitFor(() => dmsTo(id)[n - 1], { timeoutMs, intervalMs: 50, description: `DM ${n} to ${id}` });
    const post = (token: string, body: unknown) =>
      timed(`${calpage.url}/integrations/v1/webhook/${token}/`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    /** Alerts of other groups (Slack posts and syncs: jobs running when the database goes). */
    const noise = (n: number, tag: string) => Promise.all(Array.from({ length: n }, (_, i) => post(NOISE_TOKEN, { title: `noise ${tag} ${i}`, alert_uid: `noise-${tag}-${i}` })));

    const opened = await post(AM_TOKEN, { title: "Database drill", severity: "critical", alert_uid: "drill-1" });
    expect(opened.status).toBe(200);
    await nthDm(PEOPLE.alice.id, 1, 10_000);
    const bob1 = await nthDm(PEOPLE.bob.id, 1, 10_000);

    // Outage 1: carol's step falls due inside it.
    await sleep(1_500);
    expect((await noise(5, "a")).map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const cut1 = Date.now();
    await proxy.cut();
    const during1 = await duringOutage();
    await proxy.restore();
    const back1 = Date.now();
    const carol1 = await nthDm(PEOPLE.carol.id, 1, 15_000);
    expect(bob1.at + 10_000, "carol's step was due inside the outage").toBeLessThan(back1);
    expect(carol1.at).toBeGreaterThan(back1);
    expect(carol1.at - back1, "the step due during the outage runs soon after the database is back").toBeLessThan(5_000);
    const alice2 = await nthDm(PEOPLE.alice.id, 2, 8_000 + 10_000);
    // Carol's DM (a page job of its own) can trail her step by a moment right after the resume, so the gap can look a bit short.
    expect(alice2.at - carol1.at).toBeGreaterThanOrEqual(8_000 - 1_000);
    expect(alice2.at - carol1.at).toBeLessThan(8_000 + LATE_TOLERANCE_MS);

    // Outage 2: bob's next step is due after it ends.
    await sleep(1_000);
    expect((await noise(5, "b")).map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const cut2 = Date.now();
    await proxy.cut();
    const during2 = await duringOutage();
    await proxy.restore();
    const back2 = Date.now();
    const bob2 = await nthDm(PEOPLE.bob.id, 2, 25_000);
    expect(bob2.at).toBeGreaterThan(back2);
    // Measured between DMs, and a DM (a page job of its own) can trail its step under load: the wait runs from
    // alice's step, not her DM, so the gap can look short — CI measured 24,877 ms. Early by a second is still caught.
    expect(bob2.at - alice2.at).toBeGreaterThanOrEqual(25_000 - 1_000);
    expect(bob2.at - alice2.at, "bob's second page, due after the outage, is on time").toBeLessThan(25_000 + LATE_TOLERANCE_MS);
    const carol2 = await nthDm(PEOPLE.carol.id, 2, 15_000);
    expect(carol2.at - bob2.at).toBeGreaterThanOrEqual(5_000 - 1_000);
    expect(carol2.at - bob2.at).toBeLessThan(5_000 + LATE_TOLERANCE_MS);

    // Give a doubled step time to show up, then count: every step exactly once.
    await sleep(4_000);
    expect(dmsTo(PEOPLE.alice.id)).toHaveLength(2);
    expect(dmsTo(PEOPLE.bob.id)).toHaveLength(2);
    expect(dmsTo(PEOPLE.carol.id)).toHaveLength(2);

    // Webhooks during each outage: 503 with Retry-After, each within a second; alerts after it: stored.
    for (const during of [during1, during2]) {
      expect(during.webhooks.length).toBeGreaterThanOrEqual(3);
      for (const w of during.webhooks) {
        expect(w.status).toBe(503);
        expect(w.retryAfter).toMatch(/^\d+$/);
        expect(w.ms).toBeLessThan(1_000);
      }
    }
    const after = await post(AM_TOKEN, { title: "After the drill", alert_uid: "drill-2" });
    expect(after.status).toBe(200);
    // The alerts sent just before each outage were stored and reach Slack once each.
    const noiseRoots = () => slack.callsTo("chat.postMessage").filter((c) => c.args.channel === "#noise" && !c.args.thread_ts);
    await waitFor(() => noiseRoots().length >= 10, { timeoutMs: 20_000, description: "the 10 noise groups posted" });
    expect(new Set(noiseRoots().map((c) => c.args.text)).size).toBe(10);

    // Readiness: red during each outage (each answer within a second), green after each.
    for (const [cut, back] of [[cut1, back1], [cut2, back2]] as const) {
      const inside = probes.filter((p) => p.at > cut + 3_000 && p.at < back - 500);
      expect(inside.length).toBeGreaterThan(10);
      expect(inside.every((p) => p.status === 503)).toBe(true);
      const green = probes.find((p) => p.at > back && p.status === 200);
      expect(green, "ready again after the outage").toBeDefined();
      expect(green!.at - back).toBeLessThan(5_000);
    }
    expect(probes.filter((p) => p.ms >= 1_000)).toEqual([]);

    // No crash; nothing unexpected asked of Slack.
    expect(calpage.child.exitCode).toBeNull();
    expect(calpage.output.join("")).not.toMatch(/uncaught exception/);
    expect(slack.unexpected).toEqual([]);
    calpage.child.kill("SIGTERM");
    expect(await calpage.exited).toBe(0);

    async function duringOutage(): Promise<{ webhooks: (Probe & { retryAfter: string | null })[] }> {
      const webhooks: (Probe & { retryAfter: string | null })[] = [];
      const end = Date.now() + OUTAGE_MS;
      // Bounded by the outage's end; a webhook every ~4 s.
      for (let i = 0; Date.now() < end - 1_000; i++) {
        webhooks.push(await post(AM_TOKEN, { title: `during outage ${i}`, alert_uid: `outage-${Date.now()}` }));
        await sleep(Math.min(4_000, Math.max(0, end - Date.now() - 1_000)));
      }
      await sleep(Math.max(0, end - Date.now()));
      return { webhooks };
    }
  });
});
