import { setTimeout as sleep } from "node:timers/promises";
import { pathToFileURL } from "node:url";
import { alertmanagerPayload, BENCH_TOKEN, groupNumbers, pollUntil, progress, round, SLACK_USERS, startBenchEnv, summarize, type BenchTarget } from "./bench-env.js";
import type { SlackCallRecord } from "./bench-worker.js";
import { instrumentCalpage } from "./instrument.js";

/**
 * Webhook-to-Slack latency: webhooks sent one after another with a gap, each opening a new alert
 * group on a route with a Slack channel and a chain that pages Alice at once. Latency is the time
 * the fake Slack recorded the group's channel `chat.postMessage` minus the time the webhook request
 * was sent. Alice's DM latency is reported alongside.
 *
 * Slack accepts about one message a second per channel (thread replies included) and calpage paces
 * its posts to that, so the groups go to several channels in turn, each channel getting a new group
 * every `gapMs * channels` ms: the load stays within what Slack itself would accept.
 * A post that has not arrived when the benchmark stops waiting counts with the time waited so far
 * (a lower bound; `censored` says how many).
 */

export interface SlackLatencyOptions {
  webhooks: number;
  gapMs: number;
  /** Groups go to these many channels in turn (Slack allows ~1 post a second per channel, and calpage paces to that). */
  channels: number;
}

export const DEFAULT_SLACK_LATENCY: SlackLatencyOptions = { webhooks: 30, gapMs: 500, channels: 10 };

/** How long to wait for the last posts after the last webhook. */
const SETTLE_MS = 10_000;

const TARGET_P99_MS = 50;

const configFor = (channels: number) => `escalation_chains:
  - name: page
    steps:
      - notify_users: [alice@example.com]
integrations:
  - name: bench-am
    type: alertmanager
    token: ${BENCH_TOKEN}
    rate_limit: 1000000
    routes:
${Array.from({ length: channels }, (_, k) => `      - matchers: ['ch="${k}"']\n        chain: page\n        channel: "#bench-latency-${k}"\n`).join("")}`;

export async function benchSlackLatency(target: BenchTarget, opts: SlackLatencyOptions = DEFAULT_SLACK_LATENCY) {
  const env = await startBenchEnv(target, "latency", configFor(opts.channels));
  try {
    const bodies = (prefix: string, n: number) =>
      Array.from({ length: n }, (_, i) =>
        alertmanagerPayload({ groupKey: `{}/{ch="${i % opts.channels}"}:{alertname="${prefix}${i}"}`, alertname: `${prefix}${i}`, alertCount: 1, labels: { ch: String(i % opts.channels) } }),
      );
    // Warm-up (JIT, connections, the Slack user lookup); not measured.
    const warmup = await env.worker.sequence({ url: env.webhookUrl, bodies: bodies("LatencyWarmup", 4), gapMs: opts.gapMs });
    await sleep(1500);

    const probe = instrumentCalpage(env.calpage);
    progress(`${target.backend} slack latency: ${opts.webhooks} webhooks, ${opts.gapMs} ms apart, over ${opts.channels} channels`);
    const sent = await env.worker.sequence({ url: env.webhookUrl, bodies: bodies("Latency", opts.webhooks), gapMs: opts.gapMs });
    const snapshot = probe.snapshot();
    const failed = sent.filter((s) => s.status !== 200);
    if (failed[0]) throw new Error(`${failed.length} webhooks failed, e.g. HTTP ${failed[0].status}: ${failed[0].body.slice(0, 200)}`);

    const isChannelPost = (c: SlackCallRecord) => c.method === "chat.postMessage" && c.status === 200 && c.threadTs === undefined && !c.channel?.startsWith("U");
    const isAliceDm = (c: SlackCallRecord) => c.method === "chat.postMessage" && c.status === 200 && c.channel === SLACK_USERS["alice@example.com"].id;
    const expected = sent.length + warmup.length;
    let calls: SlackCallRecord[] = [];
    const arrived = await pollUntil(async () => {
      calls = await env.worker.slackCalls();
      return calls.filter(isChannelPost).length >= expected && calls.filter(isAliceDm).length >= expected;
    }, SETTLE_MS, 100);
    const gaveUpAt = Date.now();
    if (!arrived) progress(`${target.backend} slack latency: not every post arrived within ${SETTLE_MS / 1000} s of the last webhook`);
    // By the `ts` Slack answered, which calpage stores on the group (channel post) and the page (DM).
    const byTs = (predicate: (c: SlackCallRecord) => boolean) => new Map(calls.filter(predicate).map((c) => [c.ts ?? "", c]));
    const posts = byTs(isChannelPost);
    const dms = byTs(isAliceDm);

    const store = env.calpage.store.read;
    const channelLatency: number[] = [];
    const dmLatency: number[] = [];
    const answerMs: number[] = [];
    const afterAnswerMs: number[] = [];
    let censored = 0;
    for (const s of sent) {
      answerMs.push(s.answeredAt - s.sentAt);
      const number = groupNumbers(s.body)[0];
      const group = number === undefined ? null : await store.groups.getByNumber(number);
      const post = group?.slackTs ? posts.get(group.slackTs) : undefined;
      if (post) {
        channelLatency.push(post.at - s.sentAt);
        afterAnswerMs.push(post.at - s.answeredAt);
      } else {
        channelLatency.push(gaveUpAt - s.sentAt);
        censored += 1;
      }
      const page = group ? (await store.pages.listForGroup(group.id)).find((p) => p.state === "sent") : undefined;
      const dm = page?.externalRef ? dms.get(page.externalRef.split(":")[1] ?? "") : undefined;
      if (dm) dmLatency.push(dm.at - s.sentAt);
    }

    const channel = summarize(channelLatency);
    return {
      ...channel,
      target: `p99<${TARGET_P99_MS}`,
      ok: channel.p99 < TARGET_P99_MS && censored === 0,
      /** Posts that had not arrived when the benchmark stopped waiting; counted with the time waited (lower bounds). */
      censored,
      webhooks: opts.webhooks,
      gapMs: opts.gapMs,
      channels: opts.channels,
      diagnostics: {
        /** Webhook sent -> 200 answered (the transaction that stores the group and its jobs). */
        webhookAnsweredMs: summarize(answerMs),
        /** 200 answered -> channel post: slack.sync job pickup, waiting for its queue and the channel's post slot, the Slack call. */
        answeredToPostMs: summarize(afterAnswerMs),
        /** Server side: route calling ingest -> commit (includes waiting for the SQLite writer / a Postgres connection). */
        ingestCallMs: summarize(snapshot.ingestCallMs),
        /** Webhook sent -> Alice's DM (escalation.step job, then notify.page job, then Slack). */
        dmLatencyMs: summarize(dmLatency),
        /** Share of the time calpage's event loop (this thread) was busy. */
        eventLoopUtilization: round(snapshot.eventLoopUtilization),
        calpageFailures: env.failures.length,
        unexpectedSlackCalls: await env.worker.slackUnexpected(),
      },
    };
  } finally {
    await env.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const backend = process.argv[2] === "postgres" ? "postgres" : "sqlite";
  const { resolvePgAdminUrl } = await import("../tests/support/postgres.js");
  const pg = backend === "postgres" ? await resolvePgAdminUrl({ log: progress }) : null;
  try {
    // Optional overrides for exploring: webhooks gapMs channels.
    const [webhooks, gapMs, channels] = process.argv.slice(3).map(Number);
    const opts = { ...DEFAULT_SLACK_LATENCY, ...(webhooks ? { webhooks } : {}), ...(gapMs ? { gapMs } : {}), ...(channels ? { channels } : {}) };
    console.log(JSON.stringify(await benchSlackLatency({ backend, pgAdminUrl: pg?.url }, opts), null, 2));
  } finally {
    await pg?.stop();
  }
}
