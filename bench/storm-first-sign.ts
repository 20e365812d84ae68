import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { pathToFileURL } from "node:url";
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { createCalpage, type Calpage } from "../src/app/create-calpage.js";
import { parseConfig } from "../src/config/parse-config.js";
import { startFakeSlack, type FakeSlack, type FakeSlackRateLimit } from "../tests/support/fake-slack.js";
import { alertmanagerPayload, BENCH_TOKEN, createStorage, groupNumbers, percentile, progress, round, summarize, type BenchStorage, type BenchTarget } from "./bench-env.js";
import { startWorkerRpc, type WorkerReply } from "./worker-rpc.js";

/**
 * A storm into one channel (issue 13): `groups` new Alertmanager groups, one webhook every
 * `everyMs` (100 over 30 s), all routed to #storm, into a fake Slack that enforces Slack's
 * per-channel limits (chat.postMessage 1/s, thread replies included; chat.update 2/s) and
 * answers 429 over them. Measured per group: webhook answered -> its first sign in the channel,
 * which is its own root message or the storm summary (posted or edited) listing it; and
 * webhook answered -> its own message (paced at one post a second, so it comes much later in a storm).
 * calpage runs with the default `storm:` settings. The fake Slack and the webhook sender run in
 * this file's worker thread, so calpage alone runs on the main thread.
 */

export interface FirstSignOptions {
  groups: number;
  everyMs: number;
  alertsPerGroup: number;
  /** How long to wait, after the last webhook, for every group's own message and the storm's end. */
  settleTimeoutMs: number;
}

export const DEFAULT_FIRST_SIGN: FirstSignOptions = { groups: 100, everyMs: 300, alertsPerGroup: 3, settleTimeoutMs: 180_000 };

const TARGET_MS = 2000;
const CHANNEL_ID = "C0STORM001";
const RATE_LIMITS: Record<string, FakeSlackRateLimit> = {
  "chat.postMessage": { limit: 1, windowMs: 1000, per: "channel" },
  "chat.update": { limit: 2, windowMs: 1000, per: "channel" },
};

const CONFIG = `timezone: UTC
users: []
schedules: []
integrations:
  - name: storm
    type: alertmanager
    token: ${BENCH_TOKEN}
    channel: "#storm"
    rate_limit: 100000000
`;

// ---------------------------------------------------------------------------------------------
// The worker: fake Slack and the webhook sender.

type Command =
  | { cmd: "startSlack" }
  | { cmd: "send"; url: string; group: number; alertCount: number }
  | { cmd: "signs" }
  | { cmd: "stats" }
  | { cmd: "close" };

interface Sent {
  group: number;
  status: number;
  number: number | undefined;
  answeredAt: number;
}

/** Per group number: first time it showed in the channel, and when its own message was posted. */
interface Signs {
  first: Record<number, number>;
  own: Record<number, number>;
  summaryPosts: number;
  summaryEdits: number;
  summaryText: string | null;
}

const WORKER_KIND = "calpage-bench-storm-first-sign-worker";

function serveWorker(): void {
  const port = parentPort;
  if (!port) return;
  let slack: FakeSlack | null = null;
  const handle = async (c: Command): Promise<unknown> => {
    switch (c.cmd) {
      case "startSlack":
        slack ??= await startFakeSlack({ channels: { storm: CHANNEL_ID }, rateLimits: RATE_LIMITS });
        return slack.url;
      case "send": {
        const body = alertmanagerPayload({ groupKey: `{}:{alertname="Storm${c.group}"}`, alertname: `Storm${c.group}`, alertCount: c.alertCount });
        try {
          const r = await fetch(c.url, { method: "POST", headers: { "content-type": "application/json" }, body });
          const text = await r.text();
          return { group: c.group, status: r.status, number: r.status === 200 ? groupNumbers(text)[0] : undefined, answeredAt: Date.now() } satisfies Sent;
        } catch {
          return { group: c.group, status: 0, number: undefined, answeredAt: Date.now() } satisfies Sent;
        }
      }
      case "signs": {
        const signs: Signs = { first: {}, own: {}, summaryPosts: 0, summaryEdits: 0, summaryText: null };
        if (!slack) return signs;
        const seen = (n: number, at: number) => {
          if (signs.first[n] === undefined || at < signs.first[n]!) signs.first[n] = at;
        };
        for (const call of slack.calls) {
          if (call.status !== 200 || call.args.thread_ts) continue;
          if (call.method !== "chat.postMessage" && call.method !== "chat.update") continue;
          const text = String(call.args.text ?? "");
          if (text.includes("Alert storm")) {
            if (call.method === "chat.postMessage") signs.summaryPosts++;
            else signs.summaryEdits++;
            signs.summaryText = text;
            for (const m of JSON.stringify(call.args.blocks ?? "").matchAll(/\*#(\d+)\*/g)) seen(Number(m[1]), call.at);
          } else if (call.method === "chat.postMessage") {
            const m = /#(\d+) /.exec(text);
            if (m) {
              seen(Number(m[1]), call.at);
              signs.own[Number(m[1])] ??= call.at;
            }
          }
        }
        return signs;
      }
      case "stats":
        return { rateLimitViolations: slack?.rateLimitViolations ?? 0, unexpected: slack?.unexpected.length ?? 0, answered429: slack?.calls.filter((x) => x.status === 429).length ?? 0 };
      case "close":
        await slack?.close();
        slack = null;
        return undefined;
    }
  };
  port.on("message", (m: { id: number } & Command) => {
    handle(m).then(
      (value) => port.postMessage({ id: m.id, ok: true, value } satisfies WorkerReply),
      (error: unknown) => port.postMessage({ id: m.id, ok: false, message: error instanceof Error ? error.message : String(error) } satisfies WorkerReply),
    );
  });
}

if (!isMainThread && (workerData as { kind?: string } | undefined)?.kind === WORKER_KIND) serveWorker();

// ---------------------------------------------------------------------------------------------
// The benchmark (main thread: calpage alone).

export async function benchStormFirstSign(target: BenchTarget, opts: FirstSignOptions = DEFAULT_FIRST_SIGN) {
  const { request, close } = startWorkerRpc<Command>("storm first-sign worker", import.meta.url, WORKER_KIND, 60_000);
  let storage: BenchStorage | null = null;
  let calpage: Calpage | null = null;
  const failures: string[] = [];
  try {
    const slackUrl = await request<string>({ cmd: "startSlack" });
    storage = await createStorage(target, "storm_first_sign");
    const env = { ...storage.env, SLACK_BOT_TOKEN: "xoxb-bench-token", SLACK_SIGNING_SECRET: "bench-signing-secret", SLACK_API_URL: slackUrl };
    const parsed = parseConfig(CONFIG, join(tmpdir(), "calpage-bench-storm-first-sign.yaml"), env);
    if (!parsed.ok) throw new Error(`config is invalid: ${parsed.errors.map((e) => `${e.path}: ${e.message}`).join("; ")}`);
    const storm = parsed.value.storm;
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
    await sleep(500);

    progress(`${target.backend} storm first sign: ${opts.groups} new groups, one every ${opts.everyMs} ms, into one channel`);
    const startedAt = Date.now();
    const sends: Promise<Sent>[] = [];
    for (let g = 0; g < opts.groups; g++) {
      await sleep(Math.max(0, startedAt + g * opts.everyMs - Date.now()));
      sends.push(request<Sent>({ cmd: "send", url, group: g, alertCount: opts.alertsPerGroup }));
    }
    const sent = await Promise.all(sends);
    const lastWebhookAt = Math.max(...sent.map((s) => s.answeredAt));
    const accepted = sent.filter((s) => s.status === 200 && s.number !== undefined);

    // Wait (bounded) until every group has its own message and the summary says the storm is over.
    let signs = await request<Signs>({ cmd: "signs" });
    const deadline = lastWebhookAt + opts.settleTimeoutMs;
    while (Date.now() < deadline) {
      signs = await request<Signs>({ cmd: "signs" });
      const allOwn = accepted.every((s) => signs.own[s.number!] !== undefined);
      if (allOwn && (signs.summaryPosts === 0 || signs.summaryText?.startsWith("Alert storm over"))) break;
      await sleep(500);
    }
    const stats = await request<{ rateLimitViolations: number; unexpected: number; answered429: number }>({ cmd: "stats" });

    const firstSignMs = accepted.map((s) => (signs.first[s.number!] ?? Number.POSITIVE_INFINITY) - s.answeredAt);
    const ownMessageMs = accepted.filter((s) => signs.own[s.number!] !== undefined).map((s) => signs.own[s.number!]! - s.answeredAt);
    const missing = accepted.filter((s) => signs.first[s.number!] === undefined).map((s) => s.number);
    const p99 = percentile(firstSignMs, 99);
    const max = Math.max(...firstSignMs);
    const ok = accepted.length === opts.groups && missing.length === 0 && max < TARGET_MS && stats.rateLimitViolations === 0 && stats.unexpected === 0;
    return {
      ok,
      target: { firstSignMs: `max < ${TARGET_MS}`, why: "each new group shows in its channel (own message or the storm summary) within 2 s of its webhook, however many arrive" },
      storm: { groups: opts.groups, everyMs: opts.everyMs, seconds: round((lastWebhookAt - startedAt) / 1000), settings: storm, webhooksAccepted: accepted.length },
      /** Webhook answered -> first sign in the channel (own message or the summary listing it). */
      firstSignMs: { ...summarize(firstSignMs), p99: round(p99), max: round(max) },
      ...(missing.length ? { neverShown: missing.slice(0, 10) } : {}),
      /** Webhook answered -> the group's own message (one post a second per channel). */
      ownMessageMs: summarize(ownMessageMs),
      summary: { posts: signs.summaryPosts, edits: signs.summaryEdits, lastText: signs.summaryText },
      rateLimitViolations: stats.rateLimitViolations,
      answered429: stats.answered429,
      unexpectedSlackCalls: stats.unexpected,
      calpageFailures: failures.length,
    };
  } finally {
    await calpage?.stop().catch((e: unknown) => progress(`stopping calpage: ${String(e)}`));
    await close({ cmd: "close" }).catch(() => undefined);
    await storage?.cleanup().catch((e: unknown) => progress(`cleaning up storage: ${String(e)}`));
  }
}

if (isMainThread && process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const backend = process.argv[2] === "postgres" ? "postgres" : "sqlite";
  const { resolvePgAdminUrl } = await import("../tests/support/postgres.js");
  const pg = backend === "postgres" ? await resolvePgAdminUrl({ log: progress }) : null;
  try {
    console.log(JSON.stringify(await benchStormFirstSign({ backend, pgAdminUrl: pg?.url }), null, 2));
  } finally {
    await pg?.stop();
  }
}
