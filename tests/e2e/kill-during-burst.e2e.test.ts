import { join } from "node:path";
import { openSqliteDatabase } from "../../src/store/sqlite-driver.js";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { alertmanagerBinary, startAlertmanager, type RunningAlertmanager } from "../support/alertmanager.js";
import { startFakeSlack, type FakeSlack } from "../support/fake-slack.js";
import type { FakeTwilio } from "../support/fake-twilio.js";
import { waitFor } from "../support/wait-for.js";
import { startChildCalpage, waitReady, type ChildCalpage } from "./child-calpage.js";
import { AM_TOKEN, BACKENDS, PEOPLE, fakeSlackUsers, prepareEnvWithTwilio, sleep, writeConfigText, type Env } from "./harness.js";

const binary = alertmanagerBinary();
if (!binary) console.warn("SKIPPED kill-during-burst suite: prometheus-alertmanager is not installed (apt-get install -y prometheus-alertmanager)");

const GROUPS = 50;
const PER_GROUP = 100;
const BATCHES = 10;
// 5,000 alerts over ~40 s; the kill lands after the third batch (once pages go out), about a third of the way in.
const BATCH_EVERY_MS = 4000;
const KILL_AFTER_BATCH = 3;
const BOB_PHONE = "+15550000002";
const FROM = "+15550009999";

// Alice is paged by Slack DM (no phone), Bob by SMS, 9 s after a group opens: the 100 pages of
// the first batch's 50 groups come due about a third of the way in, and the kill waits for them
// to be going out, so it may cut some of them short. The SMS limit and the storm threshold are
// out of the way so that every group gets its own message, DM and text.
const yaml = `timezone: UTC
users:
  - email: ${PEOPLE.alice.email}
    name: ${PEOPLE.alice.name}
  - email: ${PEOPLE.bob.email}
    name: ${PEOPLE.bob.name}
    phone: "${BOB_PHONE}"
    notification_rules:
      default: [sms]
escalation_chains:
  - name: default
    steps:
      - wait: 9s
      - notify_users: [${PEOPLE.alice.email}, ${PEOPLE.bob.email}]
integrations:
  - name: prod
    type: alertmanager
    token: \${AM_TOKEN}
    chain: default
    channel: "#alerts"
    rate_limit: 100000
storm: {threshold: 1000, window: 1m}
paging:
  sms_per_window: 1000
  calls_per_window: 3
  window: 15m
`;

type Row = Record<string, unknown>;

/** Reads calpage's database from outside the process (the child owns it). */
async function query(env: Env, backend: string, text: string): Promise<Row[]> {
  if (backend === "sqlite") {
    const db = openSqliteDatabase(join(env.env.CALPAGE_DATA_DIR!, "calpage.db"), { readonly: true, fileMustExist: true });
    try {
      db.pragma("busy_timeout = 5000");
      return db.prepare(text).all() as Row[];
    } finally {
      db.close();
    }
  }
  const sql = postgres(env.env.DATABASE_URL!, { max: 1, onnotice: () => undefined });
  try {
    return [...(await sql.unsafe<Row[]>(text))];
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** Webhook requests Alertmanager made that got no 2xx (its own counter, retries included). */
async function failedDeliveries(amUrl: string): Promise<number> {
  const text = await (await fetch(`${amUrl}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith('alertmanager_notification_requests_failed_total{integration="webhook"}'));
  return Number(line?.split(" ").at(-1) ?? 0);
}

const UNKNOWN = /^The (Slack DM|SMS) to (\S+ \S+) may or may not have gone out/;

describe.skipIf(!binary).each(BACKENDS)("kill -9 during a 5,000-alert burst from a real Alertmanager (%s)", (backend) => {
  let slack: FakeSlack;
  let twilio: FakeTwilio;
  let env: Env;
  let port: number;
  let am: RunningAlertmanager | undefined;
  const children: ChildCalpage[] = [];

  beforeAll(async () => {
    slack = await startFakeSlack({ users: fakeSlackUsers(), token: "xoxb-e2e-test", tsClock: () => Date.now() });
    ({ env, twilio, port } = await prepareEnvWithTwilio(backend, slack, { sid: "AC00000000000000000000000000000001", authToken: "twilio-e2e-auth-token", from: FROM }));
  }, 120_000);

  afterAll(async () => {
    await am?.stop();
    for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill("SIGKILL");
    await Promise.all(children.map((c) => Promise.race([c.exited, sleep(5000)])));
    await twilio?.close();
    await slack?.close();
    await env?.cleanup();
  });

  it("after a restart every alert Alertmanager delivered is stored once, each group exists once, and no page went out twice", async () => {
    onTestFailed(() => {
      console.log(`--- calpage output (${backend}) ---\n${children.map((c) => c.output.join("").slice(-4000)).join("\n--- restarted ---\n")}`);
      console.log(`--- alertmanager ---\n${am?.logs() ?? ""}`);
    });
    const configPath = writeConfigText(env, yaml);
    const first = startChildCalpage(env.env, configPath, port);
    children.push(first);
    await waitReady(first.url);
    am = await startAlertmanager({
      receivers: [{ name: "calpage", url: `${first.url}/integrations/v1/alertmanager/${AM_TOKEN}/`, sendResolved: true }],
      groupBy: ["alertname"],
      groupWait: "1s",
      groupInterval: "2s",
    });

    const labels = (g: number, i: number) => ({ alertname: `Burst${g}`, instance: `host-${i}`, severity: "warning" });
    let second: ChildCalpage | undefined;
    let refusedDuringOutage = 0;
    let pagedBeforeKill = "";
    const pageCalls = () => slack.callsTo("chat.postMessage").filter((c) => c.args.channel === PEOPLE.alice.id).length + twilio.messages.length;
    // The kill runs beside the burst, which goes on into the outage as Alertmanager's senders would.
    let killAndRestart: Promise<void> = Promise.resolve();
    for (let b = 0; b < BATCHES; b++) {
      const started = Date.now();
      const batch = [];
      for (let g = 0; g < GROUPS; g++) for (let i = b * (PER_GROUP / BATCHES); i < (b + 1) * (PER_GROUP / BATCHES); i++) batch.push({ labels: labels(g, i) });
      await am.postAlerts(batch);
      if (b === KILL_AFTER_BATCH - 1) {
        killAndRestart = (async () => {
          // A third of the way in, once the first pages are going out (at most 15 s), kill calpage
          // hard; start it again 3 s later on the same port and database.
          await waitFor(() => pageCalls() >= 10, { timeoutMs: 15_000, intervalMs: 20, description: "the first pages going out" }).catch(() => undefined);
          first.child.kill("SIGKILL");
          expect(await first.exited).toBe("SIGKILL");
          pagedBeforeKill = `${pageCalls()} of 100 pages' DMs and texts out before the kill`;
          await sleep(3000);
          second = startChildCalpage(env.env, configPath, port);
          children.push(second);
          await waitReady(second.url);
          refusedDuringOutage = await failedDeliveries(am.url);
        })();
      }
      await sleep(Math.max(0, BATCH_EVERY_MS - (Date.now() - started)));
    }
    await killAndRestart;

    // Alertmanager retries what got no 2xx (and sends each group's alerts again on its next flush): wait for all of them.
    const perGroup = () => query(env, backend, "select group_id, count(distinct alert_key) as n, count(*) as total from alerts group by group_id");
    await waitFor(async () => {
      const rows = await perGroup();
      return rows.length === GROUPS && rows.every((r) => Number(r.n) >= PER_GROUP);
    }, { timeoutMs: 90_000, intervalMs: 1000, description: `${GROUPS * PER_GROUP} distinct alerts stored` });
    // Give a late retry the chance to show up as a duplicate.
    await sleep(3000);
    // The drill is only one if the kill cost Alertmanager deliveries, which it then made again.
    expect(refusedDuringOutage, "webhook requests refused while calpage was down").toBeGreaterThan(0);

    // Every alert stored exactly once: as many rows as distinct keys, 100 per group, 5,000 in all.
    const rows = await perGroup();
    expect(rows).toHaveLength(GROUPS);
    for (const r of rows) {
      expect(Number(r.n)).toBe(PER_GROUP);
      expect(Number(r.total)).toBe(PER_GROUP);
    }
    const [all] = await query(env, backend, "select count(*) as n, count(distinct group_id || ':' || alert_key) as keys from alerts");
    expect(Number(all!.n)).toBe(GROUPS * PER_GROUP);
    expect(Number(all!.keys)).toBe(GROUPS * PER_GROUP);

    // Each Alertmanager group became one calpage group.
    // Slack work may trail the database a little: wait for every group's channel message.
    await waitFor(async () => (await query(env, backend, "select id from alert_groups where slack_ts is null")).length === 0, {
      timeoutMs: 60_000,
      intervalMs: 1000,
      description: "every group's channel message posted",
    });
    const groups = await query(env, backend, "select id, number, grouping_key, title, slack_ts from alert_groups");
    expect(groups).toHaveLength(GROUPS);
    expect(new Set(groups.map((g) => g.grouping_key)).size).toBe(GROUPS);
    expect(new Set(groups.map((g) => g.title)).size).toBe(GROUPS);

    // Paging settles: both people paged in every group, nothing left pending or sending.
    const pages = () => query(env, backend, "select id, group_id, user_email, channel, state, error from pages");
    const settled = async () => {
      const p = await pages();
      const done = p.filter((x) => x.state !== "pending" && x.state !== "sending");
      return done.length === p.length && new Set(p.map((x) => `${String(x.group_id)}:${String(x.user_email)}`)).size === GROUPS * 2;
    };
    await waitFor(settled, { timeoutMs: 60_000, intervalMs: 1000, description: "every page sent or failed, in every group, to both people" });
    // A page the kill left in `sending` brings a second notice: give any to come, and go out.
    await sleep(5000);
    await waitFor(settled, { timeoutMs: 30_000, intervalMs: 1000, description: "second notices sent" });

    const numberOf = new Map(groups.map((g) => [String(g.id), Number(g.number)]));
    const finalPages = await pages();
    const unknownLines = await query(env, backend, "select group_id, text, slack_ts from log_entries where kind = 'notify_failed'");

    // Provider calls per group and person: Slack DMs (the group's number in the message) and texts (`calpage #N`).
    const dmsBy = new Map<string, number>();
    for (const c of slack.callsTo("chat.postMessage")) {
      const to = Object.values(PEOPLE).find((p) => p.id === c.args.channel);
      if (!to) continue;
      const n = /#(\d+) /.exec(JSON.stringify(c.args.blocks ?? ""))?.[1];
      expect(n, `a DM without a group number: ${JSON.stringify(c.args)}`).toBeDefined();
      dmsBy.set(`${n}:${to.email}`, (dmsBy.get(`${n}:${to.email}`) ?? 0) + 1);
    }
    const smsBy = new Map<string, number>();
    for (const m of twilio.messages) {
      expect(m.to).toBe(BOB_PHONE);
      const n = /^calpage #(\d+)/.exec(m.body)?.[1];
      expect(n, `a text without a group number: ${m.body}`).toBeDefined();
      smsBy.set(`${n}:${PEOPLE.bob.email}`, (smsBy.get(`${n}:${PEOPLE.bob.email}`) ?? 0) + 1);
    }

    // Each unknown outcome is said in its group's thread. All 50 groups share one channel and Slack
    // takes about one post a second there, so the threads trail the database by a minute or more.
    const threadOf = (slackTs: unknown) =>
      slack
        .callsTo("chat.postMessage")
        .filter((c) => slackTs && c.args.thread_ts === slackTs)
        .map((c) => String(c.args.text ?? ""))
        .join("\n");
    const said = (groupId: unknown, text: string) => threadOf(groups.find((g) => g.id === groupId)?.slack_ts).includes(/^[^:]*/.exec(text)![0]);
    await waitFor(() => unknownLines.filter((l) => UNKNOWN.test(String(l.text))).every((l) => said(l.group_id, String(l.text))), {
      timeoutMs: 120_000,
      intervalMs: 500,
      description: "every unknown outcome said in its group's thread",
    }).catch(() => undefined);

    const names = new Map([[PEOPLE.alice.name, PEOPLE.alice.email], [PEOPLE.bob.name, PEOPLE.bob.email]]);
    let unknownCount = 0;
    for (const g of groups) {
      const id = String(g.id);
      const n = numberOf.get(id)!;
      for (const email of [PEOPLE.alice.email, PEOPLE.bob.email]) {
        const mine = finalPages.filter((p) => p.group_id === id && p.user_email === email);
        const unknown = unknownLines.filter((l) => l.group_id === id && names.get(UNKNOWN.exec(String(l.text))?.[2] ?? "") === email);
        unknownCount += unknown.length;
        // Each unknown outcome is said in the group's thread.
        for (const line of unknown) expect(said(id, String(line.text)), `group #${n}: ${String(line.text)} not in its thread (root ${String(g.slack_ts)}, line posted as ${String(line.slack_ts)}, replies: ${JSON.stringify(slack.callsTo("chat.postMessage").filter((c) => c.args.thread_ts && (c.args.thread_ts === g.slack_ts || c.args.thread_ts === line.slack_ts || String(c.args.text).includes("may or may not"))).map((c) => [c.args.channel, c.args.thread_ts, c.status, c.args.text]))})`).toBe(true);
        const dms = dmsBy.get(`${n}:${email}`) ?? 0;
        const texts = smsBy.get(`${n}:${email}`) ?? 0;
        const where = `group #${n}, ${email}: ${dms} DMs, ${texts} texts, pages ${JSON.stringify(mine)}`;
        // A provider call at most once per page row, on that row's channel.
        expect(dms, where).toBeLessThanOrEqual(mine.filter((p) => p.channel === "slack_dm").length);
        expect(texts, where).toBeLessThanOrEqual(mine.filter((p) => p.channel === "sms").length);
        // Reached at least once, and a second notice only where a thread line says the first one's outcome is unknown.
        expect(dms + texts, where).toBeGreaterThanOrEqual(1);
        expect(dms + texts, where).toBeLessThanOrEqual(1 + unknown.length);
        expect(mine.length, where).toBe(1 + unknown.length);
        // Every page the process saw through is sent; only the ones the kill cut short failed, as unknown.
        for (const p of mine) if (p.state === "failed") expect(p.error, where).toMatch(/outcome unknown/);
      }
    }
    // One channel message per group, even for a post the kill cut short.
    const dmIds = new Set(Object.values(PEOPLE).map((p) => p.id));
    const roots = slack.callsTo("chat.postMessage").filter((c) => !dmIds.has(String(c.args.channel)) && !c.args.thread_ts);
    expect(new Set(roots.map((c) => c.args.channel)).size, JSON.stringify(roots.map((c) => c.args.channel))).toBe(1);
    expect(roots).toHaveLength(GROUPS);

    expect(slack.unexpected).toEqual([]);
    expect(twilio.unexpected).toEqual([]);
    console.log(
      `kill during burst (${backend}): ${Number(all!.n)} alerts stored, ${groups.length} groups, ${[...dmsBy.values()].reduce((a, b) => a + b, 0)} DMs, ${twilio.messages.length} texts, ${unknownCount} unknown outcomes (${pagedBeforeKill}), ${refusedDuringOutage} Alertmanager webhook requests refused while calpage was down`,
    );
    second!.child.kill("SIGTERM");
    await Promise.race([second!.exited, sleep(15_000)]);
  }, 300_000);
});
