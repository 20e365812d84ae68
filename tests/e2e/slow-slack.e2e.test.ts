import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Calpage } from "../../src/app/create-calpage.js";
import { startFakeSlack, type FakeSlack, type RecordedCall } from "../support/fake-slack.js";
import type { FakeTwilio } from "../support/fake-twilio.js";
import { waitFor } from "../support/wait-for.js";
import { BACKENDS, prepareEnvWithTwilio, sleep, startInProcess, writeConfigText, type Env } from "./harness.js";

/**
 * Failure drill: Slack answers every Web API call only after 10 s (calpage's Slack client gives up
 * at 10 s) for a whole minute while alerts arrive. Webhooks still answer in milliseconds, every SMS
 * and call goes out at once and exactly once, and once Slack is fast again the channel catches up
 * with one message per group (never a second one for a post that timed out). Nothing unexpected
 * reaches Slack or Twilio.
 */

const SID = "AC00000000000000000000000000000003";
const AUTH = "twilio-e2e-slow-slack-auth-token";
const FROM = "+15550009997";
const HOOK_TOKEN = "e2e-webhook-slow-slack-token-01";
const CHANNEL_ID = "C0ALERTS1";
const SLACK_DELAY_MS = 10_000;
const SLOW_FOR_MS = 60_000;
/** Alerts arrive through the slow minute, so each meets Slack work of the earlier ones stuck waiting. */
const GROUPS = 4;
const ALERT_GAP_MS = 12_000;
/** A webhook is answered this soon (milliseconds of work; the bound leaves room for a loaded CI machine). */
const WEBHOOK_BOUND_MS = 1_000;
/** Every SMS and call reaches Twilio this soon after its webhook was answered. */
const PAGE_BOUND_MS = 3_000;

const people = {
  alice: { phone: "+15550000201", slackId: "U0ALICE01", rules: "[slack_dm, sms, call]" },
  bob: { phone: "+15550000202", slackId: "U0BOB0001", rules: "[sms]" },
} as const;
type Person = keyof typeof people;
const email = (p: Person) => `${p}@example.com`;

function configYaml(): string {
  const users = (Object.keys(people) as Person[])
    .map((p) => `  - email: ${email(p)}\n    name: ${p[0]!.toUpperCase()}${p.slice(1)}\n    phone: "${people[p].phone}"\n    notification_rules:\n      default: ${people[p].rules}`)
    .join("\n");
  return `timezone: UTC
users:
${users}
escalation_chains:
  - name: both
    steps:
      - notify_users: [${email("alice")}, ${email("bob")}]
integrations:
  - name: hooks
    type: webhook
    token: ${HOOK_TOKEN}
    chain: both
    channel: "#alerts"
paging:
  sms_per_window: 50
  calls_per_window: 50
  window: 60s
`;
}

const smsText = (n: number, title: string) => `calpage #${n}: ${title}. Reply ${n}a to ack, ${n}r to resolve, ${n}e to escalate.`;
const mentions = (c: RecordedCall, n: number) => String(c.args.text).includes(`#${n} `);

// The backends run side by side (each with its own calpage, fakes and database): most of the time is the slow minute.
describe.concurrent.each(BACKENDS)("drill: Slack answers after 10 s for a minute (%s)", (backend) => {
  let slack: FakeSlack;
  let twilio: FakeTwilio;
  let env: Env;
  let app: Calpage;
  let url: string;
  const fired: { n: number; title: string; tookMs: number; acceptedAt: number }[] = [];
  let slowEnd = 0;

  beforeAll(async () => {
    slack = await startFakeSlack({
      users: Object.fromEntries((Object.keys(people) as Person[]).map((p) => [email(p), { id: people[p].slackId, name: p }])),
      channels: { alerts: CHANNEL_ID },
      token: "xoxb-e2e-test",
      // Message ts from the wall clock, as Slack's are: calpage looks for a post that timed out by time (`oldest`).
      tsClock: () => Date.now(),
    });
    let port: number;
    ({ env, twilio, port } = await prepareEnvWithTwilio(backend, slack, { sid: SID, authToken: AUTH, from: FROM }));
    const yaml = configYaml();
    const path = writeConfigText(env, yaml);
    ({ app, url } = await startInProcess(path, env.env, yaml, port));
  });

  afterAll(async () => {
    slack?.setDelay(0);
    await app?.stop();
    await twilio?.close();
    await slack?.close();
    await env?.cleanup();
  });

  const group = async (n: number) => (await app.store.read.groups.getByNumber(n))!;
  const isRootPostOf = (c: RecordedCall, n: number) =>
    c.method === "chat.postMessage" && (c.args.channel === "#alerts" || c.args.channel === CHANNEL_ID) && c.args.thread_ts === undefined && mentions(c, n);

  it.sequential("during the slow minute: webhooks answer at once and every SMS and call goes out within 3 s", async () => {
    slack.setDelay(SLACK_DELAY_MS);
    const slowStart = Date.now();
    for (let i = 0; i < GROUPS; i++) {
      if (i > 0) await sleep(ALERT_GAP_MS);
      const title = `Payments API slow ${i}`;
      const sentAt = Date.now();
      const res = await fetch(`${url}/integrations/v1/webhook/${HOOK_TOKEN}/`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ title, alert_uid: `slow-${i}`, message: "p99 over 5 s." }),
      });
      const acceptedAt = Date.now();
      expect(res.status).toBe(200);
      const n = ((await res.json()) as { groups: { number: number }[] }).groups[0]!.number;
      fired.push({ n, title, tookMs: acceptedAt - sentAt, acceptedAt });
      await waitFor(() => twilio.messages.filter((m) => m.body === smsText(n, title)).length >= 2 && twilio.calls.length >= i + 1, {
        timeoutMs: PAGE_BOUND_MS + 5_000,
        description: `the SMS to alice and bob and the call to alice for #${n}`,
      });
      for (const m of twilio.messages.filter((x) => x.body === smsText(n, title))) expect(m.createdAt - acceptedAt, `SMS to ${m.to} for #${n}`).toBeLessThanOrEqual(PAGE_BOUND_MS);
      expect(twilio.calls[i]!.createdAt - acceptedAt, `call for #${n}`).toBeLessThanOrEqual(PAGE_BOUND_MS);
    }
    expect(fired.filter((f) => f.tookMs > WEBHOOK_BOUND_MS), "webhooks slower than 1 s").toEqual([]);
    await sleep(Math.max(0, slowStart + SLOW_FOR_MS - Date.now()));
    slack.setDelay(0);
    slowEnd = Date.now();
  }, SLOW_FOR_MS + 30_000);

  it.sequential("once Slack is fast again, every group has exactly one channel message and its whole thread", async () => {
    await waitFor(
      async () => {
        for (const { n } of fired) {
          const g = await group(n);
          if (!g.slackTs) return false;
          if ((await app.store.read.log.unposted(g.id)).length > 0) return false;
        }
        return true;
      },
      { timeoutMs: 90_000, intervalMs: 250, description: "every group posted, with its log in the thread" },
    );
    const roots = slack.messagesIn(CHANNEL_ID).filter((m) => m.threadTs === undefined);
    expect(roots).toHaveLength(GROUPS);
    for (const { n, title, acceptedAt } of fired) {
      // Not vacuous: no group's channel message got through fast while Slack was slow.
      const firstPost = slack.callsTo("chat.postMessage").find((c) => isRootPostOf(c, n) && c.status === 200);
      expect(firstPost!.at, `#${n} posted before Slack answered slowly`).toBeGreaterThanOrEqual(Math.min(acceptedAt + SLACK_DELAY_MS - 100, slowEnd));
      const g = await group(n);
      const mine = roots.filter((m) => m.text?.includes(`#${n} `));
      expect(mine).toHaveLength(1);
      expect(mine[0]!.text).toContain(title);
      expect(g.slackTs).toBe(mine[0]!.ts);
      const thread = slack.messagesIn(CHANNEL_ID).filter((m) => m.threadTs === g.slackTs).map((m) => m.text ?? "").join("\n");
      expect(thread).toContain("Sent an SMS to Alice");
      expect(thread).toContain("Sent an SMS to Bob");
      expect(thread).toContain("Calling Alice");
    }
    if (process.env.SLACK_OUTAGE_TIMINGS) {
      const lastPost = Math.max(...slack.callsTo("chat.postMessage").map((c) => c.at));
      console.log(`[${backend}] slow Slack: caught up ${lastPost - slowEnd} ms after it was fast again; webhooks took ${JSON.stringify(fired.map((f) => f.tookMs))} ms`);
    }
  }, 100_000);

  it.sequential("paged nobody twice and sent nothing unexpected", async () => {
    await sleep(1_500);
    await twilio.settled();
    const texts = twilio.messages.map((m) => `${m.from} -> ${m.to}: ${m.body}`).sort();
    const expected = fired.flatMap(({ n, title }) => [people.alice.phone, people.bob.phone].map((to) => `${FROM} -> ${to}: ${smsText(n, title)}`)).sort();
    expect(texts).toEqual(expected);
    expect(twilio.calls.map((c) => `${c.from} -> ${c.to}`)).toEqual(fired.map(() => `${FROM} -> ${people.alice.phone}`));
    expect(twilio.requests.map((r) => r.status)).toEqual(Array.from({ length: 3 * GROUPS }, () => 201));
    expect(twilio.unexpected).toEqual([]);
    expect(slack.unexpected).toEqual([]);
    // Alice's DM is sent at most once per group (one that timed out is not sent again).
    const dms = slack.callsTo("chat.postMessage").filter((c) => c.args.channel === people.alice.slackId);
    for (const { n } of fired) expect(dms.filter((c) => mentions(c, n)).length).toBeLessThanOrEqual(1);
    for (const { n } of fired) expect(slack.callsTo("chat.postMessage").filter((c) => isRootPostOf(c, n) && c.status === 200).length).toBeLessThanOrEqual(1);
  });
});
