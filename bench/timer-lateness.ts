import { setTimeout as sleep } from "node:timers/promises";
import { pathToFileURL } from "node:url";
import { alertmanagerPayload, BENCH_TOKEN, groupNumbers, pollUntil, progress, round, SLACK_USERS, startBenchEnv, summarize, type BenchTarget } from "./bench-env.js";
import type { SlackCallRecord } from "./bench-worker.js";
import { instrumentCalpage } from "./instrument.js";

/**
 * Escalation timer lateness: N groups opened one after another, each on a chain
 * `notify Alice -> wait 1s|2s|3s -> notify Bob`. Lateness is when Bob's DM reached the fake Slack
 * minus when it was due (group opened + wait). Broken down from the group's log, whose entries
 * carry the time each escalation.step job ran:
 * - first step delay: group opened -> first escalation.step ran (it is due at once);
 * - timer firing: the escalation.step job after the wait ran -> its own due time (first step + wait);
 * - delivery: that job -> Bob's DM at Slack (notify.page job pickup + Slack call).
 * The groups post to one Slack channel, as a real alert storm would; calpage paces channel posts
 * to Slack's ~1 a second, so a Slack backlog builds up while the timers run.
 * A DM that has not arrived when the benchmark stops waiting counts with the time waited so far
 * (a lower bound; `censored` says how many).
 *
 * With `ladderWaitSeconds`, everyone's personal ladder is `slack_dm -> wait -> slack_dm`, and the
 * lateness of that ladder step is measured too: the second DM at the fake Slack minus (the first
 * page's creation + the wait), for Alice's and Bob's ladders in every group.
 */

export interface TimerOptions {
  groups: number;
  /** Pause between openings. */
  gapMs: number;
  /** p99 target in ms (default 250: the skeleton's timer target). */
  targetP99Ms?: number;
  /** Give everyone the ladder `slack_dm, wait, slack_dm` and measure its step's lateness too. */
  ladderWaitSeconds?: number;
}

export const DEFAULT_TIMERS: TimerOptions = { groups: 200, gapMs: 50 };

const TARGET_P99_MS = 250;
/** How long to wait for the last DMs after the last group opened (its wait is at most 3 s). */
const SETTLE_MS = 8_000;
const WAITS = [1, 2, 3] as const;

const config = (ladderWaitSeconds: number | undefined) => `${
  ladderWaitSeconds ? `notification_rules:\n  default: [slack_dm, {wait: ${ladderWaitSeconds}s}, slack_dm]\n` : ""
}escalation_chains:
${WAITS.map(
  (w) => `  - name: wait${w}
    steps:
      - notify_users: [alice@example.com]
      - wait: ${w}s
      - notify_users: [bob@example.com]
`,
).join("")}integrations:
  - name: bench-am
    type: alertmanager
    token: ${BENCH_TOKEN}
    rate_limit: 1000000
    channel: "#bench-timers"
    routes:
${WAITS.map((w) => `      - matchers: ['wait="${w}"']\n        chain: wait${w}\n`).join("")}`;

export async function benchTimerLateness(target: BenchTarget, opts: TimerOptions = DEFAULT_TIMERS) {
  const env = await startBenchEnv(target, "timers", config(opts.ladderWaitSeconds));
  const dmsPerGroup = opts.ladderWaitSeconds ? 4 : 2;
  try {
    const waitOf = (i: number) => WAITS[i % WAITS.length] ?? 1;
    const bodies = (prefix: string, n: number) =>
      Array.from({ length: n }, (_, i) =>
        alertmanagerPayload({ groupKey: `{}/{wait="${waitOf(i)}"}:{alertname="${prefix}${i}"}`, alertname: `${prefix}${i}`, alertCount: 1, labels: { wait: String(waitOf(i)) } }),
      );
    // Warm-up: a few groups through the whole chain, not measured.
    const warmup = await env.worker.sequence({ url: env.webhookUrl, bodies: bodies("TimerWarmup", 3), gapMs: opts.gapMs });
    await sleep(500);

    const probe = instrumentCalpage(env.calpage);
    progress(`${target.backend} timers: ${opts.groups} groups, ${opts.gapMs} ms apart, waits ${WAITS.join("/")} s`);
    const sent = await env.worker.sequence({ url: env.webhookUrl, bodies: bodies("Timer", opts.groups), gapMs: opts.gapMs });
    const failed = sent.filter((s) => s.status !== 200);
    if (failed[0]) throw new Error(`${failed.length} webhooks failed, e.g. HTTP ${failed[0].status}: ${failed[0].body.slice(0, 200)}`);

    const people = new Set(Object.values(SLACK_USERS).map((u) => u.id));
    const isDm = (c: SlackCallRecord) => c.method === "chat.postMessage" && c.status === 200 && people.has(c.channel ?? "");
    const expected = (sent.length + warmup.length) * dmsPerGroup;
    let calls: SlackCallRecord[] = [];
    const arrived = await pollUntil(async () => {
      calls = await env.worker.slackCalls();
      return calls.filter(isDm).length >= expected;
    }, SETTLE_MS + (opts.ladderWaitSeconds ?? 0) * 1000, 100);
    const gaveUpAt = Date.now();
    const snapshot = probe.snapshot();
    if (!arrived) progress(`${target.backend} timers: not every second-step DM arrived within ${SETTLE_MS / 1000} s of the last opening`);
    // A sent DM page's externalRef is `<IM channel>:<ts>`; the fake Slack's ts are unique.
    const dms = new Map(calls.filter(isDm).map((c) => [c.ts ?? "", c]));
    const dmOf = (page: { externalRef: string | null } | undefined) => (page?.externalRef ? dms.get(page.externalRef.split(":")[1] ?? "") : undefined);

    const store = env.calpage.store.read;
    const lateness: number[] = [];
    const firstStepDelay: number[] = [];
    const timerFiring: number[] = [];
    const delivery: number[] = [];
    const ladderLateness: number[] = [];
    let censored = 0;
    let ladderCensored = 0;
    for (const [i, s] of sent.entries()) {
      const number = groupNumbers(s.body)[0];
      const group = number === undefined ? null : await store.groups.getByNumber(number);
      if (!group) throw new Error(`group #${String(number)} of webhook ${i} is not in the store`);
      const wait = waitOf(i) * 1000;
      const pages = (await store.pages.listForGroup(group.id)).sort((a, b) => a.createdAt - b.createdAt);
      if (opts.ladderWaitSeconds) {
        // The ladder's own step: second DM at Slack - (first page created + wait), for each person.
        for (const email of Object.keys(SLACK_USERS)) {
          const [first, second] = pages.filter((p) => p.userEmail === email);
          if (!first) continue;
          const due = first.createdAt + opts.ladderWaitSeconds * 1000;
          const secondDm = second?.state === "sent" ? dmOf(second) : undefined;
          if (secondDm) ladderLateness.push(secondDm.at - due);
          else {
            ladderLateness.push(gaveUpAt - due);
            ladderCensored += 1;
          }
        }
      }
      const page = pages.find((p) => p.userEmail === "bob@example.com" && p.state === "sent");
      const dm = dmOf(page);
      if (!dm) {
        lateness.push(gaveUpAt - (group.firstAlertAt + wait));
        censored += 1;
        continue;
      }
      lateness.push(dm.at - (group.firstAlertAt + wait));
      // Log entries are written with the time the escalation.step job ran.
      const log = await store.log.list(group.id);
      const waiting = log.find((e) => e.kind === "escalation" && /waiting/.test(e.text));
      const notifyingBob = log.find((e) => e.kind === "escalation" && /notifying Bob/.test(e.text));
      if (waiting && notifyingBob) {
        firstStepDelay.push(waiting.at - group.firstAlertAt);
        timerFiring.push(notifyingBob.at - (waiting.at + wait));
        delivery.push(dm.at - notifyingBob.at);
      }
    }

    const summary = summarize(lateness);
    const targetMs = opts.targetP99Ms ?? TARGET_P99_MS;
    const ladder = opts.ladderWaitSeconds
      ? (() => {
          const s = summarize(ladderLateness);
          return { ...s, target: `p99<${targetMs}`, ok: s.p99 < targetMs && ladderCensored === 0, censored: ladderCensored, waitSeconds: opts.ladderWaitSeconds };
        })()
      : undefined;
    return {
      ...summary,
      target: `p99<${targetMs}`,
      ok: summary.p99 < targetMs && censored === 0 && (ladder?.ok ?? true),
      /** Lateness of the personal ladder's step (second DM), when measured. */
      ...(ladder ? { ladderStepLatenessMs: ladder } : {}),
      /** DMs that had not arrived when the benchmark stopped waiting; counted with the time waited (lower bounds). */
      censored,
      groups: opts.groups,
      gapMs: opts.gapMs,
      waitsSeconds: [...WAITS],
      diagnostics: {
        /** Of the groups whose DM arrived: group opened -> first escalation.step job ran (due at once). */
        firstStepDelayMs: summarize(firstStepDelay),
        /** escalation.step after the wait ran -> its own due time (first step + wait): pure timer firing. */
        timerFiringLatenessMs: summarize(timerFiring),
        /** That job -> Bob's DM at Slack (notify.page job pickup, user lookup, Slack call). */
        deliveryMs: summarize(delivery),
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
    // `npx tsx bench/timer-lateness.ts postgres 1000 0 1`: 1,000 groups, no gap, ladder wait 1 s (the escalation1000 figure).
    const [groups, gapMs, ladderWaitSeconds] = process.argv.slice(3).map(Number);
    const opts: TimerOptions = groups ? { groups, gapMs: gapMs ?? 0, targetP99Ms: ladderWaitSeconds ? 500 : undefined, ladderWaitSeconds: ladderWaitSeconds || undefined } : DEFAULT_TIMERS;
    console.log(JSON.stringify(await benchTimerLateness({ backend, pgAdminUrl: pg?.url }, opts), null, 2));
  } finally {
    await pg?.stop();
  }
}
