import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Calpage } from "../../src/app/create-calpage.js";
import { startFakeSlack, type FakeSlack, type FakeSlackFailure, type RecordedCall } from "../support/fake-slack.js";
import type { FakeTwilio } from "../support/fake-twilio.js";
import { waitFor } from "../support/wait-for.js";
import { BACKENDS, prepareEnvWithTwilio, sleep, startInProcess, writeConfigText, type Env } from "./harness.js";

/**
 * Requirement: a Slack outage (HTTP 500s, or 429 with a long Retry-After) never delays SMS or
 * calls. Every Slack Web API method fails while alerts arrive; texts and calls still go out at
 * once and exactly once, and the channel catches up when Slack is back.
 */

const SID = "AC00000000000000000000000000000002";
const AUTH = "twilio-e2e-outage-auth-token";
const FROM = "+15550009998";
const HOOK_TOKEN = "e2e-webhook-outage-token-01";
const CHANNEL_ID = "C0ALERTS1";
const GROUPS = 5;
/** Alerts arrive this far apart, so later ones meet Slack work of earlier ones already failing and retrying. */
const ALERT_GAP_MS = 600;
/** Every SMS and call must reach Twilio this soon after the webhook was answered. */
const PAGE_BOUND_MS = 3000;

const people = {
  alice: { phone: "+15550000101", slackId: "U0ALICE01", rules: "[slack_dm, sms, call]" },
  bob: { phone: "+15550000102", slackId: "U0BOB0001", rules: "[sms]" },
} as const;
type Person = keyof typeof people;
const email = (p: Person) => `${p}@example.com`;

interface Outage {
  label: string;
  failure: Omit<FakeSlackFailure, "times">;
  /** Longest wait for the channel to catch up once Slack is back. */
  recoveryMs: number;
}

const OUTAGES: Outage[] = [
  // A 500 is retried with the job backoff (e^attempt s): a few seconds after Slack is back.
  { label: "every Slack call answers HTTP 500", failure: { status: 500 }, recoveryMs: 40_000 },
  // A channel post refused with Retry-After may wait those 30 s before it is tried again.
  { label: "every Slack call answers 429 with Retry-After: 30", failure: { status: 429, retryAfterSeconds: 30 }, recoveryMs: 60_000 },
];

function configYaml(): string {
  const users = (Object.keys(people) as Person[])
    .map((p) => `  - email: ${email(p)}\n    name: ${p[0]!.toUpperCase()}${p.slice(1)}\n    phone: "${people[p].phone}"\n    notification_rules:\n      default: ${people[p].rules}`)
    .join("\n");
  // Five groups at once would start a storm summary (default 5 a minute); this checks each group's own message and thread.
  return `timezone: UTC
users:
${users}
storm: {threshold: 10, window: 1m}
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

/** What Twilio is asked to text for group `n` (one GSM-7 segment, so the title is not cut). */
const smsText = (n: number, title: string) => `calpage #${n}: ${title}. Reply ${n}a to ack, ${n}r to resolve, ${n}e to escalate.`;
/** Group `n`'s alert in a Slack message text (`🔴 #3 Checkout API down 2 — firing…`). */
const mentions = (c: RecordedCall, n: number) => String(c.args.text).includes(`#${n} `);

describe.each(BACKENDS)("a Slack outage never delays SMS or calls (%s)", (backend) => {
  // The two outages run side by side (each with its own calpage, fakes and database): most of their
  // time is spent waiting for Slack to be retried, and one after the other would take twice as long.
  // The steps inside one outage run in order.
  describe.concurrent.each(OUTAGES)("$label", (outage) => {
    let slack: FakeSlack;
    let twilio: FakeTwilio;
    let env: Env;
    let app: Calpage;
    let url: string;
    const fired: { n: number; title: string; sentAt: number; acceptedAt: number }[] = [];
    let outageStart = 0;
    let outageEnd = 0;

    beforeAll(async () => {
      // Slack is already down when calpage starts: it must start anyway, take alerts and page by phone.
      slack = await startFakeSlack({
        users: Object.fromEntries((Object.keys(people) as Person[]).map((p) => [email(p), { id: people[p].slackId, name: p }])),
        channels: { alerts: CHANNEL_ID },
        token: "xoxb-e2e-test",
      });
      let port: number;
      ({ env, twilio, port } = await prepareEnvWithTwilio(backend, slack, { sid: SID, authToken: AUTH, from: FROM }));
      const yaml = configYaml();
      const path = writeConfigText(env, yaml);
      slack.setFailure("*", { ...outage.failure, times: Infinity });
      outageStart = Date.now();
      ({ app, url } = await startInProcess(path, env.env, yaml, port));
    });

    afterAll(async () => {
      await app?.stop();
      await twilio?.close();
      await slack?.close();
      await env?.cleanup();
    });

    async function alert(uid: string, title: string): Promise<void> {
      const sentAt = Date.now();
      const res = await fetch(`${url}/integrations/v1/webhook/${HOOK_TOKEN}/`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ title, alert_uid: uid, message: "Checkout answers 503 to every request." }),
      });
      const acceptedAt = Date.now();
      expect(res.status).toBe(200);
      const n = ((await res.json()) as { groups: { number: number }[] }).groups[0]!.number;
      fired.push({ n, title, sentAt, acceptedAt });
    }
    const group = async (n: number) => (await app.store.read.groups.getByNumber(n))!;
    const failedCalls = () => slack.calls.filter((c) => c.status === outage.failure.status);
    /** The channel post of group `n` (not a DM, not a thread reply). */
    const isRootPostOf = (c: RecordedCall, n: number) =>
      c.method === "chat.postMessage" && (c.args.channel === "#alerts" || c.args.channel === CHANNEL_ID) && c.args.thread_ts === undefined && mentions(c, n);
    const dmsToAlice = () => slack.callsTo("chat.postMessage").filter((c) => c.args.channel === people.alice.slackId);

    it.sequential(`texts and calls for every group within ${PAGE_BOUND_MS} ms of its webhook while every Slack call fails`, async () => {
      for (let i = 0; i < GROUPS; i++) {
        if (i > 0) await sleep(ALERT_GAP_MS);
        await alert(`outage-${i}`, `Checkout API down ${i}`);
      }
      // Every group pages alice by SMS and call and bob by SMS.
      await waitFor(() => twilio.messages.length >= 2 * GROUPS && twilio.calls.length >= GROUPS, {
        timeoutMs: PAGE_BOUND_MS + 5_000,
        description: `${2 * GROUPS} SMS and ${GROUPS} calls`,
      });
      const delays: { what: string; delayMs: number | null; sinceRequestMs: number | null }[] = [];
      for (const { n, title, acceptedAt, sentAt } of fired) {
        const sms = (p: Person) => twilio.messages.find((m) => m.to === people[p].phone && m.body === smsText(n, title));
        // A call's TwiML URL names its page, and the page its group.
        const callPage = (await app.store.read.pages.listForGroup((await group(n)).id)).find((p) => p.channel === "call");
        const call = callPage && twilio.calls.find((c) => c.url?.includes(`page=${encodeURIComponent(callPage.id)}`));
        for (const [what, at] of [
          [`#${n} SMS to alice`, sms("alice")?.createdAt],
          [`#${n} SMS to bob`, sms("bob")?.createdAt],
          [`#${n} call to alice`, call?.createdAt],
        ] as const) {
          delays.push({ what, delayMs: at === undefined ? null : at - acceptedAt, sinceRequestMs: at === undefined ? null : at - sentAt });
        }
      }
      if (process.env.SLACK_OUTAGE_TIMINGS) console.log(`[${backend}] ${outage.label}: ms from webhook answer to Twilio: ${JSON.stringify(delays)}`);
      // A page may even reach Twilio before the webhook's answer reaches us (a negative delay): fine.
      expect(delays.filter((d) => d.delayMs === null || d.delayMs > PAGE_BOUND_MS)).toEqual([]);

      // Not vacuous: calpage did try Slack — alice's DM for every group, and the channel posts — and
      // Slack failed while each group was being paged.
      await waitFor(
        () =>
          failedCalls().filter((c) => c.method === "users.lookupByEmail" && c.args.email === email("alice")).length >= GROUPS &&
          fired.some(({ n }) => failedCalls().some((c) => isRootPostOf(c, n))),
        { timeoutMs: 10_000, description: "failed DM lookups for every group and a failed channel post" },
      );
      for (const { n, sentAt, acceptedAt } of fired) {
        expect(failedCalls().some((c) => c.at >= sentAt && c.at <= acceptedAt + PAGE_BOUND_MS), `Slack failing while #${n} was paged`).toBe(true);
      }
      // The outage was total: no Slack call got through.
      expect(slack.calls.filter((c) => c.status !== outage.failure.status)).toEqual([]);
      for (const { n } of fired) expect((await group(n)).slackTs).toBeNull();
    });

    it.sequential(
      "once Slack is back, every group gets exactly one channel message and its whole thread",
      async () => {
        slack.clearFailures();
        outageEnd = Date.now();
        await waitFor(
          async () => {
            for (const { n } of fired) {
              const g = await group(n);
              if (!g.slackTs) return false;
              if ((await app.store.read.log.unposted(g.id)).length > 0) return false;
            }
            return true;
          },
          { timeoutMs: outage.recoveryMs, intervalMs: 250, description: "every group posted, with its log in the thread" },
        );
        const inChannel = slack.messagesIn(CHANNEL_ID);
        const roots = inChannel.filter((m) => m.threadTs === undefined);
        expect(roots).toHaveLength(GROUPS);
        for (const { n, title } of fired) {
          const g = await group(n);
          const mine = roots.filter((m) => m.text?.includes(`#${n} `));
          expect(mine).toHaveLength(1);
          expect(mine[0]!.text).toContain(title);
          expect(g.slackTs).toBe(mine[0]!.ts);
          expect(slack.callsTo("chat.postMessage").filter((c) => isRootPostOf(c, n))).toHaveLength(1);
          // The thread tells what happened while Slack was down, the SMS and the call included.
          const thread = inChannel.filter((m) => m.threadTs === g.slackTs).map((m) => m.text ?? "").join("\n");
          expect(thread).toContain("Sent an SMS to Alice");
          expect(thread).toContain("Sent an SMS to Bob");
          expect(thread).toContain("Calling Alice");
        }
        if (process.env.SLACK_OUTAGE_TIMINGS) {
          const lastPost = Math.max(...slack.callsTo("chat.postMessage").map((c) => c.at));
          console.log(`[${backend}] ${outage.label}: outage lasted ${outageEnd - outageStart} ms; the channel caught up ${lastPost - outageEnd} ms after it ended`);
        }
      },
      outage.recoveryMs + 10_000,
    );

    // Finding alice (users.lookupByEmail) failed, or Slack said 429: either way nothing was sent, so the DM is tried again.
    it.sequential("delivers alice's DM for every group once Slack is back, exactly once", async () => {
      await waitFor(() => dmsToAlice().length >= GROUPS, { timeoutMs: 45_000, intervalMs: 250, description: `${GROUPS} DMs to alice` });
      expect(fired.map(({ n }) => dmsToAlice().filter((c) => mentions(c, n)).length)).toEqual(fired.map(() => 1));
    }, 55_000);

    it.sequential("paged nobody twice and sent nothing unexpected", async () => {
      await sleep(1500);
      await twilio.settled();
      const texts = twilio.messages.map((m) => `${m.from} -> ${m.to}: ${m.body}`).sort();
      const expected = fired.flatMap(({ n, title }) => [people.alice.phone, people.bob.phone].map((to) => `${FROM} -> ${to}: ${smsText(n, title)}`)).sort();
      expect(texts).toEqual(expected);
      expect(twilio.calls.map((c) => `${c.from} -> ${c.to}`)).toEqual(fired.map(() => `${FROM} -> ${people.alice.phone}`));
      // One API request per page: nothing was retried or refused.
      expect(twilio.requests.map((r) => r.status)).toEqual(Array.from({ length: 3 * GROUPS }, () => 201));
      expect(twilio.unexpected).toEqual([]);
      expect(slack.unexpected).toEqual([]);
      for (const { n } of fired) expect(dmsToAlice().filter((c) => mentions(c, n)).length).toBe(1);
    });
  });
});
