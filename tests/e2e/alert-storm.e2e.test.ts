import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertCountsText } from "../../src/alerts/alert-counts-text.js";
import type { Calpage } from "../../src/app/create-calpage.js";
import { alertmanagerBinary, startAlertmanager, type RunningAlertmanager } from "../support/alertmanager.js";
import { startFakeSlack, type FakeSlack } from "../support/fake-slack.js";
import { AM_TOKEN, prepareEnv, sleep, startInProcess, type Backend, type Env } from "./harness.js";

const binary = alertmanagerBinary();
if (!binary) console.warn("SKIPPED alert-storm suite: prometheus-alertmanager is not installed (apt-get install -y prometheus-alertmanager)");

const GROUPS = 50;
const PER_GROUP = 100;
const BATCHES = 10;
const BATCH_EVERY_MS = 6000;
const RESOLVED_GROUPS = 10;

// 25 new groups per channel at once stays below this storm threshold: one message per group, no
// storm summary (tests/e2e/storm-summary.e2e.test.ts covers the summary).
const yaml = `timezone: UTC
users: []
storm: {threshold: 60, window: 1m}
integrations:
  - name: prod
    type: alertmanager
    token: \${AM_TOKEN}
    channel: "#storm-b"
    rate_limit: 100000
    routes:
      - matchers: ['team="a"']
        channel: "#storm-a"
`;

/**
 * 5,000 alerts over a minute into 50 Alertmanager groups, through a real
 * Alertmanager with two routes, into a Slack stand-in that enforces Slack-like
 * per-channel limits. Run twice: as is, and with the stand-in also answering 429s.
 */
describe.skipIf(!binary).each([
  ["sqlite", false],
  ["postgres", true],
] as [Backend, boolean][])("alert storm through a real Alertmanager (%s, Slack 429s: %s)", (backend, with429s) => {
  let slack: FakeSlack;
  let env: Env;
  let app: Calpage;
  let url: string;
  let am: RunningAlertmanager;

  beforeAll(async () => {
    slack = await startFakeSlack({
      token: "xoxb-e2e-test",
      channels: { "storm-a": "C0STORMA1", "storm-b": "C0STORMB1" },
      rateLimits: {
        "chat.postMessage": { limit: 1, windowMs: 1000, per: "channel" },
        "chat.update": { limit: 2, windowMs: 1000, per: "channel" },
      },
    });
    env = await prepareEnv(backend, slack);
    const path = join(env.dir, "calpage.yaml");
    writeFileSync(path, yaml);
    ({ app, url } = await startInProcess(path, env.env, yaml));
    const receiver = `${url}/integrations/v1/alertmanager/${AM_TOKEN}/`;
    am = await startAlertmanager({
      receivers: [
        { name: "team-a", url: receiver, sendResolved: true },
        { name: "others", url: receiver, sendResolved: true },
      ],
      routes: [{ receiver: "team-a", matchers: ['team="a"'] }],
      groupBy: ["alertname"],
      groupWait: "1s",
      groupInterval: "2s",
    });
  }, 120_000);

  afterAll(async () => {
    await am?.stop();
    await app?.stop();
    await slack?.close();
    await env?.cleanup();
  });

  it("stores every alert, opens exactly one group per Alertmanager group, stays within Slack's limits, and ends with accurate messages", async () => {
    const labels = (g: number, i: number) => ({ alertname: `Storm${g}`, team: g % 2 === 0 ? "a" : "b", instance: `host-${i}`, severity: "warning" });
    if (with429s) {
      slack.setFailure("chat.postMessage", { status: 429, retryAfterSeconds: 1, times: 8 });
      slack.setFailure("chat.update", { status: 429, retryAfterSeconds: 1, times: 8 });
    }
    for (let b = 0; b < BATCHES; b++) {
      const started = Date.now();
      const batch = [];
      for (let g = 0; g < GROUPS; g++) for (let i = b * (PER_GROUP / BATCHES); i < (b + 1) * (PER_GROUP / BATCHES); i++) batch.push({ labels: labels(g, i) });
      await am.postAlerts(batch);
      if (with429s && b === BATCHES / 2) {
        slack.setFailure("chat.postMessage", { status: 429, retryAfterSeconds: 2, times: 5 });
        slack.setFailure("chat.update", { status: 429, retryAfterSeconds: 2, times: 5 });
      }
      await sleep(Math.max(0, BATCH_EVERY_MS - (Date.now() - started)));
    }
    // Resolve a few whole groups at the end.
    const resolved = Array.from({ length: RESOLVED_GROUPS }, (_, g) => g);
    await am.resolveAlerts(resolved.flatMap((g) => Array.from({ length: PER_GROUP }, (_, i) => labels(g, i))));

    // Alertmanager delivers every alert: each group's distinct alerts reach 100.
    const distinct = async () =>
      app.store.transaction((tx) =>
        tx.db.all<{ group_id: string; n: unknown }>(sql`select group_id, count(distinct fingerprint) as n from alerts group by group_id`),
      );
    for (let i = 0; i < 120; i++) {
      const rows = await distinct();
      if (rows.length === GROUPS && rows.every((r) => Number(r.n) >= PER_GROUP)) break;
      await sleep(500);
    }
    const rows = await distinct();
    expect(rows).toHaveLength(GROUPS);
    for (const r of rows) expect(Number(r.n)).toBe(PER_GROUP);

    // Exactly the expected groups, in the route's channel, resolved where Alertmanager resolved them.
    const groups = await app.store.transaction((tx) =>
      tx.db.all<{ id: string; grouping_key: string; channel: string; state: string }>(sql`select id, grouping_key, channel, state from alert_groups`),
    );
    expect(groups).toHaveLength(GROUPS);
    expect(new Set(groups.map((g) => g.grouping_key)).size).toBe(GROUPS);
    for (let i = 0; i < 120; i++) {
      const states = await app.store.read.groups.listOpen(1000);
      if (states.length === GROUPS - RESOLVED_GROUPS) break;
      await sleep(500);
    }
    expect(await app.store.read.groups.listOpen(1000)).toHaveLength(GROUPS - RESOLVED_GROUPS);

    // Slack catches up: every group's message exists and shows its final count and state.
    const settled = async () => {
      for (const g of await app.store.transaction((tx) => tx.db.all<{ id: string }>(sql`select id from alert_groups`))) {
        const rec = (await app.store.read.groups.get(g.id))!;
        if (!rec.slackTs || !rec.slackChannelId) return false;
        const msg = slack.message(rec.slackChannelId, rec.slackTs);
        const text = JSON.stringify(msg?.blocks ?? "");
        if (!text.includes(alertCountsText(rec))) return false;
        if (rec.state === "resolved" && !text.includes("alert_unresolve")) return false;
      }
      return true;
    };
    let ok = false;
    for (let i = 0; i < 240 && !ok; i++) {
      ok = await settled();
      if (!ok) await sleep(500);
    }
    expect(ok).toBe(true);

    // Bounded Slack traffic: one root post per group, updates coalesced, never over the limits.
    const roots = slack.callsTo("chat.postMessage").filter((c) => !c.args.thread_ts);
    expect(roots).toHaveLength(GROUPS);
    expect(roots.filter((c) => c.args.channel === "#storm-a")).toHaveLength(GROUPS / 2);
    const received = groups.length ? await app.store.read.alerts.countAll() : 0;
    const updates = slack.callsTo("chat.update").length;
    expect(updates).toBeLessThan(received / 10);
    const firstOver = slack.calls.find((c) => c.status === 429 && slack.rateLimitViolations > 0);
    const near = firstOver ? slack.calls.filter((c) => Math.abs(c.at - firstOver.at) < 2500).map((c) => [c.seq, c.method, c.args.channel, c.args.thread_ts ?? "", c.at - firstOver.at, c.status]) : [];
    expect(slack.rateLimitViolations, `calls around the first one over the limit: ${JSON.stringify(near)}`).toBe(0);
    expect(slack.unexpected).toEqual([]);
    console.log(
      `storm (${backend}${with429s ? ", with 429s" : ""}): ${received} alerts stored, ${roots.length} posts, ${updates} updates, ${slack.callsTo("chat.postMessage").length - roots.length} thread replies, ${slack.calls.filter((c) => c.status === 429).length} answered 429`,
    );
  }, 300_000);
});
