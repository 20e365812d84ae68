import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { pathToFileURL } from "node:url";
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { createCalpage, type Calpage } from "../src/app/create-calpage.js";
import { parseConfig } from "../src/config/parse-config.js";
import { startFakeSlack, type FakeSlack, type FakeSlackRateLimit } from "../tests/support/fake-slack.js";
import { alertmanagerPayload, BENCH_TOKEN, createStorage, groupNumbers, percentile, progress, round, SLACK_USERS, summarize, type BenchStorage, type BenchTarget } from "./bench-env.js";
import { createPoster, runLanes } from "./http-load.js";
import { startWorkerRpc, type WorkerReply } from "./worker-rpc.js";

/**
 * Slack Web API calls per alert group during an alert storm (issue 5), without the real
 * Alertmanager: 5,000 alerts into 50 Alertmanager groups, routed by label to two channels
 * (`team="a"` -> #storm-a, the rest -> #storm-b), sent the way Alertmanager sends them: in
 * `batches` rounds `batchEveryMs` apart, each round one webhook per group carrying every alert the
 * group has so far (Alertmanager re-sends the whole group each group_interval), then one
 * "resolved" webhook for each of the first `resolvedGroups` groups.
 *
 * The fake Slack enforces Slack-like per-channel limits (chat.postMessage 1/s, thread replies
 * included; chat.update 2/s), as tests/e2e/alert-storm.e2e.test.ts configures it, and answers 429
 * over them. It runs in this file's own worker thread with the webhook sender (bench-worker.ts's
 * fake Slack takes no rate limits), so calpage alone runs on the main thread.
 *
 * After the last webhook the benchmark waits (bounded) until Slack has settled: every group's
 * message shows its stored alert count and state, and no Slack call came for `quietMs`. Then it
 * counts the calls per method and per group, the 429s and the densest second per channel.
 * `BENCH_STORM_CALLS_FILE=/tmp/calls.json` also writes every webhook and Slack call there.
 */

export interface StormOptions {
  groups: number;
  alertsPerGroup: number;
  batches: number;
  batchEveryMs: number;
  resolvedGroups: number;
  /** Webhooks in flight at once within a batch (Alertmanager notifies groups in parallel). */
  concurrency: number;
  /** How long to wait for Slack to settle after the last webhook. */
  settleTimeoutMs: number;
  /** Settled also means no Slack call for this long. */
  quietMs: number;
}

export const DEFAULT_STORM: StormOptions = {
  groups: 50,
  alertsPerGroup: 100,
  batches: 10,
  batchEveryMs: 1000,
  resolvedGroups: 10,
  concurrency: 16,
  settleTimeoutMs: 120_000,
  quietMs: 5000,
};

const CHANNELS = { "storm-a": "C0STORMA1", "storm-b": "C0STORMB1" } as const;

/** Slack's limits as the storm e2e test sets them: ~1 post a second per channel (thread replies included), edits ~2 a second. */
const RATE_LIMITS: Record<string, FakeSlackRateLimit> = {
  "chat.postMessage": { limit: 1, windowMs: 1000, per: "channel" },
  "chat.update": { limit: 2, windowMs: 1000, per: "channel" },
};

const CONFIG = `timezone: UTC
users: []
schedules: []
# 25 new groups per channel stay below this: one message per group, as the calls counted here assume
# (bench/storm-first-sign.ts measures the storm summary).
storm: {threshold: 60, window: 1m}
integrations:
  - name: storm
    type: alertmanager
    token: ${BENCH_TOKEN}
    channel: "#storm-b"
    # Far above the storm: this measures the Slack side, not the per-integration 429 limit.
    rate_limit: 100000000
    routes:
      - matchers: ['team="a"']
        channel: "#storm-a"
`;

const teamOf = (g: number) => (g % 2 === 0 ? "a" : "b");
const channelIdOf = (g: number) => (g % 2 === 0 ? CHANNELS["storm-a"] : CHANNELS["storm-b"]);

/**
 * Group `g`'s webhook in round `batch` (0-based): its first `(batch + 1) * perBatch` alerts, or with
 * `resolved`, all of them resolved. Fingerprints are stable across rounds, as Alertmanager's are.
 */
function stormBody(g: number, alertCount: number, resolved: boolean): string {
  const body = alertmanagerPayload({ groupKey: `{}/{team="${teamOf(g)}"}:{alertname="Storm${g}"}`, alertname: `Storm${g}`, alertCount, labels: { team: teamOf(g), severity: "warning" } });
  if (!resolved) return body;
  const parsed = JSON.parse(body) as { status: string; alerts: { status: string; endsAt: string }[] };
  const endsAt = new Date().toISOString();
  parsed.status = "resolved";
  for (const a of parsed.alerts) {
    a.status = "resolved";
    a.endsAt = endsAt;
  }
  return JSON.stringify(parsed);
}

// ---------------------------------------------------------------------------------------------
// The storm worker: fake Slack with rate limits, and the webhook sender.

/** One recorded Slack call, as the benchmark needs it. */
interface StormCall {
  method: string;
  /** Channel id (`#name` resolved), or the user id of a DM. */
  channel: string | undefined;
  threadTs: string | undefined;
  /** The message the call is about: `ts` answered for posts, the `ts` argument for updates. */
  ts: string | undefined;
  at: number;
  status: number;
}

interface SentWebhook {
  group: number;
  status: number;
  /** Group number calpage answered. */
  number: number | undefined;
  sentAt: number;
  answeredAt: number;
}

interface MessageCheck {
  group: number;
  channel: string;
  ts: string;
  include: string[];
  exclude: string[];
}

type StormCommand =
  | { cmd: "startSlack" }
  | { cmd: "send"; url: string; groups: number[]; alertCount: number; resolved: boolean; concurrency: number }
  | { cmd: "calls" }
  | { cmd: "lastCallAt" }
  | { cmd: "checkMessages"; checks: MessageCheck[] }
  | { cmd: "stats" }
  | { cmd: "close" };


const WORKER_KIND = "calpage-bench-storm-worker";

interface StormWorker {
  startSlack(): Promise<string>;
  /** Sends one webhook per group (built in the worker) and returns calpage's answers. */
  send(job: Omit<Extract<StormCommand, { cmd: "send" }>, "cmd">): Promise<SentWebhook[]>;
  calls(): Promise<StormCall[]>;
  lastCallAt(): Promise<number>;
  /** Groups whose message is missing or does not read as expected, with why. */
  checkMessages(checks: MessageCheck[]): Promise<{ group: number; reason: string }[]>;
  stats(): Promise<{ rateLimitViolations: number; unexpected: number }>;
  close(): Promise<void>;
}

async function startStormWorker(timeoutMs = 240_000): Promise<StormWorker> {
  const { request, close } = startWorkerRpc<StormCommand>("storm worker", import.meta.url, WORKER_KIND, timeoutMs);
  return {
    startSlack: () => request<string>({ cmd: "startSlack" }),
    send: (job) => request<SentWebhook[]>({ cmd: "send", ...job }),
    calls: () => request<StormCall[]>({ cmd: "calls" }),
    lastCallAt: () => request<number>({ cmd: "lastCallAt" }),
    checkMessages: (checks) => request<{ group: number; reason: string }[]>({ cmd: "checkMessages", checks }),
    stats: () => request<{ rateLimitViolations: number; unexpected: number }>({ cmd: "stats" }),
    close: () => close({ cmd: "close" }),
  };
}

function serveStormWorker(): void {
  const port = parentPort;
  if (!port) return;
  let slack: FakeSlack | null = null;
  const channelOf = (s: FakeSlack, value: unknown): string | undefined => {
    if (typeof value !== "string") return undefined;
    return value.startsWith("#") ? s.channelId(value) : value;
  };
  const handle = async (command: StormCommand): Promise<unknown> => {
    switch (command.cmd) {
      case "startSlack":
        slack ??= await startFakeSlack({ users: SLACK_USERS, channels: { ...CHANNELS }, rateLimits: RATE_LIMITS });
        return slack.url;
      case "send": {
        const poster = createPoster(command.url, command.concurrency);
        const sent: SentWebhook[] = [];
        try {
          const bodies = command.groups.map((g) => stormBody(g, command.alertCount, command.resolved));
          await runLanes(command.groups.length, command.concurrency, async (i) => {
            const group = command.groups[i] ?? 0;
            const sentAt = Date.now();
            let status = 0;
            let number: number | undefined;
            try {
              const r = await poster.post(bodies[i] ?? "");
              status = r.status;
              if (r.status === 200) number = groupNumbers(r.body)[0];
            } catch {
              status = 0;
            }
            sent.push({ group, status, number, sentAt, answeredAt: Date.now() });
          });
        } finally {
          poster.close();
        }
        return sent;
      }
      case "calls": {
        const s = slack;
        if (!s) return [];
        return s.calls.map(
          (c): StormCall => ({
            method: c.method,
            channel: channelOf(s, c.args.channel),
            threadTs: typeof c.args.thread_ts === "string" ? c.args.thread_ts : undefined,
            ts: typeof c.response.ts === "string" ? c.response.ts : typeof c.args.ts === "string" ? c.args.ts : undefined,
            at: c.at,
            status: c.status,
          }),
        );
      }
      case "lastCallAt":
        return slack?.calls.at(-1)?.at ?? 0;
      case "checkMessages": {
        const s = slack;
        if (!s) return command.checks.map((c) => ({ group: c.group, reason: "no fake Slack" }));
        const wrong: { group: number; reason: string }[] = [];
        for (const c of command.checks) {
          const message = s.message(c.channel, c.ts);
          if (!message || message.deleted) {
            wrong.push({ group: c.group, reason: `no message ${c.ts} in ${c.channel}` });
            continue;
          }
          const text = JSON.stringify(message.blocks ?? "");
          const missing = c.include.filter((t) => !text.includes(t));
          const present = c.exclude.filter((t) => text.includes(t));
          if (missing.length || present.length) wrong.push({ group: c.group, reason: `missing ${JSON.stringify(missing)}, unexpected ${JSON.stringify(present)}` });
        }
        return wrong;
      }
      case "stats":
        return { rateLimitViolations: slack?.rateLimitViolations ?? 0, unexpected: slack?.unexpected.length ?? 0 };
      case "close":
        await slack?.close();
        slack = null;
        return undefined;
    }
  };
  port.on("message", (m: { id: number } & StormCommand) => {
    handle(m).then(
      (value) => port.postMessage({ id: m.id, ok: true, value } satisfies WorkerReply),
      (error: unknown) => port.postMessage({ id: m.id, ok: false, message: error instanceof Error ? error.message : String(error) } satisfies WorkerReply),
    );
  });
}

if (!isMainThread && (workerData as { kind?: string } | undefined)?.kind === WORKER_KIND) serveStormWorker();

// ---------------------------------------------------------------------------------------------
// The benchmark (main thread: calpage alone).

/** The most calls in any 1,000 ms window (`[t, t + 1000)`), over sorted arrival times. */
function densestSecond(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let j = 0;
  for (let i = 0; i < sorted.length; i++) {
    while (j < sorted.length && (sorted[j] ?? 0) < (sorted[i] ?? 0) + 1000) j++;
    best = Math.max(best, j - i);
  }
  return best;
}

const p50max = (values: readonly number[]) => ({ p50: round(percentile(values, 50)), max: values.length ? Math.max(...values) : Number.NaN });

export async function benchStormSlackCalls(target: BenchTarget, opts: StormOptions = DEFAULT_STORM) {
  const perBatch = opts.alertsPerGroup / opts.batches;
  if (!Number.isInteger(perBatch)) throw new Error("alertsPerGroup must be a multiple of batches");
  // Each group changes once per webhook it gets: the first opens it (shown by the root post), every
  // later one changes its count or state. So its message never needs more edits than that;
  // calpage coalesces count-only edits, so fewer is expected.
  const webhooksPerGroup = opts.batches + 1;
  const maxUpdatesPerGroup = webhooksPerGroup - 1;

  const worker = await startStormWorker();
  let storage: BenchStorage | null = null;
  let calpage: Calpage | null = null;
  const failures: string[] = [];
  try {
    const slackUrl = await worker.startSlack();
    storage = await createStorage(target, "storm");
    const env = { ...storage.env, SLACK_BOT_TOKEN: "xoxb-bench-token", SLACK_SIGNING_SECRET: "bench-signing-secret", SLACK_API_URL: slackUrl };
    const parsed = parseConfig(CONFIG, join(tmpdir(), "calpage-bench-storm.yaml"), env);
    if (!parsed.ok) throw new Error(`storm config is invalid: ${parsed.errors.map((e) => `${e.path}: ${e.message}`).join("; ")}`);
    calpage = await createCalpage(parsed.value, {
      log: (line) => {
        if (/fail|error/i.test(line)) {
          failures.push(line);
          if (failures.length <= 5) progress(`calpage: ${line}`);
        }
      },
    });
    const port = await calpage.start(0, "127.0.0.1");
    const url = `http://127.0.0.1:${port}/integrations/v1/alertmanager/${BENCH_TOKEN}/`;
    const store = calpage.store.read;
    await sleep(500);

    progress(`${target.backend} storm: ${opts.groups * opts.alertsPerGroup} alerts into ${opts.groups} groups, ${opts.batches} rounds ${opts.batchEveryMs} ms apart, then ${opts.resolvedGroups} groups resolved`);
    const allGroups = Array.from({ length: opts.groups }, (_, g) => g);
    const sent: SentWebhook[] = [];
    const roundMs: number[] = [];
    const stormStartedAt = Date.now();
    for (let b = 0; b < opts.batches; b++) {
      const started = Date.now();
      sent.push(...(await worker.send({ url, groups: allGroups, alertCount: (b + 1) * perBatch, resolved: false, concurrency: opts.concurrency })));
      roundMs.push(Date.now() - started);
      await sleep(Math.max(0, opts.batchEveryMs - (Date.now() - started)));
    }
    const resolvedGroups = allGroups.slice(0, opts.resolvedGroups);
    const resolveStarted = Date.now();
    sent.push(...(await worker.send({ url, groups: resolvedGroups, alertCount: opts.alertsPerGroup, resolved: true, concurrency: opts.concurrency })));
    roundMs.push(Date.now() - resolveStarted);
    const lastWebhookAt = Math.max(...sent.map((s) => s.answeredAt));
    const failedWebhooks = sent.filter((s) => s.status !== 200);
    if (failedWebhooks[0]) progress(`${target.backend} storm: ${failedWebhooks.length} webhooks failed, e.g. HTTP ${failedWebhooks[0].status}`);

    // Group number of each Alertmanager group, from calpage's answers.
    const numberOf = new Map<number, number>();
    for (const s of sent) if (s.number !== undefined) numberOf.set(s.group, s.number);
    const distinctNumbers = new Set(numberOf.values()).size;
    // Alerts stored per group: every alert of every webhook (re-sent ones too).
    const expectedCount = (g: number) => ((opts.batches + 1) / 2) * opts.alertsPerGroup + (g < opts.resolvedGroups ? opts.alertsPerGroup : 0);

    const wrongStates = async () => {
      const checks: MessageCheck[] = [];
      const wrong: { group: number; reason: string }[] = [];
      for (const g of allGroups) {
        const n = numberOf.get(g);
        const rec = n === undefined ? null : await store.groups.getByNumber(n);
        const resolved = g < opts.resolvedGroups;
        if (!rec) wrong.push({ group: g, reason: "not stored" });
        else if (rec.alertCount !== expectedCount(g)) wrong.push({ group: g, reason: `stored count ${rec.alertCount}, sent ${expectedCount(g)}` });
        else if (rec.state !== (resolved ? "resolved" : "firing")) wrong.push({ group: g, reason: `state ${rec.state}` });
        else if (!rec.slackTs || !rec.slackChannelId) wrong.push({ group: g, reason: "not posted yet" });
        else if (rec.slackChannelId !== channelIdOf(g)) wrong.push({ group: g, reason: `posted in ${rec.slackChannelId}, routed to ${channelIdOf(g)}` });
        // What the storm e2e test checks: the count, and the Unresolve button on resolved groups.
        else checks.push({ group: g, channel: rec.slackChannelId, ts: rec.slackTs, include: [`${expectedCount(g)} alerts`, ...(resolved ? ["alert_unresolve"] : [])], exclude: resolved ? [] : ["alert_unresolve"] });
      }
      return [...wrong, ...(await worker.checkMessages(checks))];
    };
    let wrong: { group: number; reason: string }[] = [];
    let accurateAt: number | null = null;
    const deadline = lastWebhookAt + opts.settleTimeoutMs;
    while (Date.now() < deadline) {
      if (accurateAt === null) {
        wrong = await wrongStates();
        if (wrong.length === 0) accurateAt = Date.now();
      }
      if (accurateAt !== null && Date.now() - (await worker.lastCallAt()) >= opts.quietMs) break;
      await sleep(250);
    }
    if (accurateAt === null) wrong = await wrongStates();
    const lastCallAt = await worker.lastCallAt();
    const quiet = Date.now() - lastCallAt >= opts.quietMs;
    const settled = accurateAt !== null && quiet;
    if (!settled) progress(`${target.backend} storm: Slack did not settle within ${opts.settleTimeoutMs / 1000} s of the last webhook (${wrong.length} groups wrong, e.g. ${JSON.stringify(wrong.slice(0, 3))})`);

    const calls = (await worker.calls()).filter((c) => c.at >= stormStartedAt);
    const stats = await worker.stats();
    const dump = process.env.BENCH_STORM_CALLS_FILE;
    if (dump) {
      const { writeFile } = await import("node:fs/promises");
      await writeFile(dump, JSON.stringify({ stormStartedAt, lastWebhookAt, sent, calls }, null, 1));
      progress(`storm: Slack calls written to ${dump}`);
    }

    // Calls per group, by the message they are about.
    const groupOfTs = new Map<string, number>();
    for (const g of allGroups) {
      const n = numberOf.get(g);
      const rec = n === undefined ? null : await store.groups.getByNumber(n);
      if (rec?.slackTs) groupOfTs.set(rec.slackTs, g);
    }
    const perGroup = allGroups.map(() => ({ posts: 0, threadReplies: 0, updates: 0, rateLimited: 0 }));
    let otherCalls = 0;
    for (const c of calls) {
      const aboutTs = c.method === "chat.postMessage" ? (c.threadTs ?? (c.status === 200 ? c.ts : undefined)) : c.method === "chat.update" ? c.ts : undefined;
      const g = aboutTs === undefined ? undefined : groupOfTs.get(aboutTs);
      const counts = g === undefined ? undefined : perGroup[g];
      if (!counts) {
        otherCalls += 1;
        continue;
      }
      if (c.status === 429) counts.rateLimited += 1;
      else if (c.method === "chat.update") counts.updates += 1;
      else if (c.threadTs) counts.threadReplies += 1;
      else counts.posts += 1;
    }
    const byMethod: Record<string, number> = {};
    for (const c of calls) byMethod[c.method] = (byMethod[c.method] ?? 0) + 1;

    // Densest second per channel, accepted calls and all attempts.
    const perChannel: Record<string, Record<string, number>> = {};
    for (const [name, id] of Object.entries(CHANNELS)) {
      const here = calls.filter((c) => c.channel === id);
      const times = (method: string | null, acceptedOnly: boolean) => here.filter((c) => (method === null || c.method === method) && (!acceptedOnly || c.status === 200)).map((c) => c.at);
      perChannel[`#${name}`] = {
        postMessage: densestSecond(times("chat.postMessage", true)),
        update: densestSecond(times("chat.update", true)),
        allMethods: densestSecond(times(null, true)),
        postMessageAttempts: densestSecond(times("chat.postMessage", false)),
        updateAttempts: densestSecond(times("chat.update", false)),
      };
    }
    // Pacing: gaps between consecutive accepted channel posts (Slack allows one a second; calpage aims at 1,050 ms).
    const postGapsMs: Record<string, ReturnType<typeof summarize>> = {};
    const postRateUse: Record<string, number> = {};
    for (const [name, id] of Object.entries(CHANNELS)) {
      const times = calls.filter((c) => c.channel === id && c.method === "chat.postMessage" && c.status === 200).map((c) => c.at).sort((a, b) => a - b);
      postGapsMs[`#${name}`] = summarize(times.slice(1).map((t, i) => t - (times[i] ?? t)));
      const span = (times.at(-1) ?? 0) - (times[0] ?? 0);
      postRateUse[`#${name}`] = span > 0 ? Math.round(((times.length - 1) * 1000 * 100) / span) / 100 : Number.NaN;
    }
    const maxPostPerSecond = Math.max(...Object.values(perChannel).map((c) => c.postMessage ?? 0));
    const maxUpdatePerSecond = Math.max(...Object.values(perChannel).map((c) => c.update ?? 0));
    const received429 = calls.filter((c) => c.status === 429).length;
    const updates = perGroup.map((c) => c.updates);
    const rootPosts = perGroup.map((c) => c.posts);

    const withinLimits =
      stats.rateLimitViolations === 0 && maxPostPerSecond <= (RATE_LIMITS["chat.postMessage"]?.limit ?? 1) && maxUpdatePerSecond <= (RATE_LIMITS["chat.update"]?.limit ?? 2);
    const bounded = rootPosts.every((n) => n === 1) && Math.max(...updates) <= maxUpdatesPerGroup;
    const ok = settled && wrong.length === 0 && withinLimits && bounded && failedWebhooks.length === 0 && distinctNumbers === opts.groups && stats.unexpected === 0;
    return {
      ok,
      target: {
        updatesPerGroupMax: `<=${maxUpdatesPerGroup}`,
        why: `each group gets ${webhooksPerGroup} webhooks (${opts.batches} rounds + 1 resolve); the first is shown by the root post and each later one changes the message at most once, so it never needs more than ${maxUpdatesPerGroup} edits (count-only edits are coalesced, so fewer is expected)`,
        rootPostsPerGroup: "exactly 1",
        rateLimits: "no call over the fake's Slack-like limits (chat.postMessage 1/s per channel incl. thread replies, chat.update 2/s per channel): 0 violations, densest second within them",
        finalMessages: "every group's message shows its stored alert count, resolved groups the Unresolve button, open ones not",
      },
      slackCalls: calls.length,
      byMethod,
      perGroup: {
        rootPosts: p50max(rootPosts),
        updates: p50max(updates),
        threadReplies: p50max(perGroup.map((c) => c.threadReplies)),
        calls: p50max(perGroup.map((c) => c.posts + c.threadReplies + c.updates + c.rateLimited)),
      },
      /** Calls not about a group's message (user lookups, auth.test, DMs, history lookups; also root posts answered 429, which carry no ts to attribute them by). */
      otherCalls,
      received429,
      rateLimitViolations: stats.rateLimitViolations,
      /** The most calls any channel got in one second (accepted; `…Attempts` include 429s). */
      maxCallsPerChannelPerSecond: perChannel,
      /** Last webhook answered -> every message accurate. */
      accurateAfterLastWebhookMs: accurateAt === null ? null : accurateAt - lastWebhookAt,
      /** Last webhook answered -> last Slack call (thread replies still queue behind Slack's 1 post/s per channel). */
      lastSlackCallAfterLastWebhookMs: lastCallAt - lastWebhookAt,
      settled,
      groupsWrong: wrong.length,
      ...(wrong.length ? { wrongExamples: wrong.slice(0, 5) } : {}),
      storm: {
        alerts: opts.groups * opts.alertsPerGroup,
        groups: opts.groups,
        channels: Object.keys(CHANNELS).length,
        rounds: opts.batches,
        roundEveryMs: opts.batchEveryMs,
        resolvedGroups: opts.resolvedGroups,
        webhooks: sent.length,
        failedWebhooks: failedWebhooks.length,
        groupsOpened: distinctNumbers,
        alertsStored: await store.alerts.countAll(),
        /** Time to send and get answers for each round (the storm is spread as planned only if these stay under roundEveryMs). */
        roundMs,
        stormSeconds: round((lastWebhookAt - stormStartedAt) / 1000),
      },
      diagnostics: {
        /** Gaps between consecutive accepted posts (root posts and thread replies) in each channel. */
        postGapsMs,
        /** Posts a second over each channel's first-to-last post, as a share of Slack's 1/s: how much of the allowed rate calpage used while it had posts to make (~0.95 at its 1,050 ms spacing). */
        postRateUse,
        /** Storm start -> first and last accepted call. */
        firstSlackCallAfterStartMs: calls.length ? Math.min(...calls.map((c) => c.at)) - stormStartedAt : null,
      },
      calpageFailures: failures.length,
      unexpectedSlackCalls: stats.unexpected,
    };
  } finally {
    await calpage?.stop().catch((e: unknown) => progress(`stopping calpage: ${String(e)}`));
    await worker.close().catch(() => undefined);
    await storage?.cleanup().catch((e: unknown) => progress(`cleaning up storage: ${String(e)}`));
  }
}

if (isMainThread && process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const backend = process.argv[2] === "postgres" ? "postgres" : "sqlite";
  const { resolvePgAdminUrl } = await import("../tests/support/postgres.js");
  const pg = backend === "postgres" ? await resolvePgAdminUrl({ log: progress }) : null;
  try {
    console.log(JSON.stringify(await benchStormSlackCalls({ backend, pgAdminUrl: pg?.url }), null, 2));
  } finally {
    await pg?.stop();
  }
}
