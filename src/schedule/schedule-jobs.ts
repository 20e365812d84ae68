import { configuredZones, type PersonZones } from "../paging/person-zones.js";
import { slackQueueFor } from "../alerts/request-slack-sync.js";
import type { CoverRequestRecord } from "../store/repositories/cover-requests-repository.js";
import type { Config, ScheduleConfig } from "../config/config-types.js";
import type { FeatureTaskName, TaskHandler } from "../jobs/job-queue.js";
import type { Tx, Store } from "../store/store.js";
import { afterRefresh, SWAP_HORIZON_MS, type ScheduleNotice } from "./after-refresh.js";
import { clip } from "./compute-schedule.js";
import { buildScheduleReport } from "./schedule-report.js";
import type { ScheduleService } from "./schedule-service.js";
import { armShiftDms, requestShiftDms } from "./shift-dm-jobs.js";

export const TASK_REFRESH = "schedule.refresh";
export const TASK_TICK = "schedule.tick";
export const TASK_USER_GROUP = "schedule.user_group";
export const TASK_NOTICE = "schedule.notice";
export const TASK_COVER_MESSAGE = "schedule.cover_message";

const HOUR = 3_600_000;
const REPORT_AHEAD_MS = 14 * 24 * HOUR;
/** A tick runs at least this often even when no change is due, re-checking announcements and the user group. */
const MAX_TICK_GAP_MS = 6 * HOUR;
/** A schedule whose feeds were never loaded is looked at again this soon. */
const NOT_LOADED_RETRY_MS = 60_000;

/** Job keys: one pending refresh, one timed tick, one pending "tick now" and one user-group sync per schedule. */
export const refreshJobKey = (schedule: string) => `schedule.refresh:${schedule}`;
export const tickJobKey = (schedule: string) => `schedule.tick:${schedule}`;
export const tickNowJobKey = (schedule: string) => `schedule.tick-now:${schedule}`;
export const userGroupJobKey = (schedule: string) => `schedule.user_group:${schedule}`;
/** Ticks and user-group syncs of one schedule run one at a time, across processes. */
export const scheduleQueue = (schedule: string) => `schedule:${schedule}`;

/** What a `schedule.notice` job posts: rendered when it runs, so mentions can be looked up outside any transaction. */
export type NoticePayload =
  | { kind: "announce"; users: string[]; next: { at: number; users: string[] } | null; at: number }
  | { kind: "refresh"; notice: ScheduleNotice; at: number }
  | { kind: "user_group_empty"; group: string; kept: string[] }
  | { kind: "user_group_missing"; group: string }
  | { kind: "cover_taken"; to: "taker" | "requester"; taker: string; requester: string; start: number; end: number; at: number }
  | { kind: "text"; text: string };

/**
 * Asks for the schedule's tick now: who is on call is re-read, announced once if it changed, and the
 * user group follows. Separate from the timed tick's key, so a tick already running cannot push it later.
 */
export async function requestTick(tx: Tx, schedule: string, now: number): Promise<void> {
  await tx.jobs.add({ task: TASK_TICK, payload: { schedule }, runAt: new Date(now), jobKey: tickNowJobKey(schedule), jobKeyMode: "preserve_run_at", queue: scheduleQueue(schedule), maxAttempts: 5 });
}

/** Posts (first time) or updates a cover request's channel message, in the channel's Slack queue. */
export async function requestCoverMessage(tx: Tx, request: CoverRequestRecord, channel: string, now: number): Promise<void> {
  await tx.jobs.add({
    task: TASK_COVER_MESSAGE,
    payload: { id: request.id },
    runAt: new Date(now),
    jobKey: `schedule.cover:${request.id}`,
    jobKeyMode: "preserve_run_at",
    queue: slackQueueFor(channel),
    maxAttempts: 25,
  });
}

/** Queues a message for the schedule's channel (or a person, with `to`), rendered and posted by `schedule.notice`. */
export async function requestScheduleNotice(tx: Tx, schedule: string, payload: NoticePayload, now: number, to?: { email: string }): Promise<void> {
  await tx.jobs.add({ task: TASK_NOTICE, payload: { schedule, notice: payload, ...(to ? { to } : {}) }, runAt: new Date(now), maxAttempts: 10 });
}

/**
 * Makes sure every schedule has its refresh and timed tick pending; never moves one that is.
 * Run at start and now and then, so a lost timer is re-created (and a schedule added to the config starts).
 */
export async function ensureScheduleJobs(store: Store, config: Config, now: number): Promise<void> {
  await store.transaction(async (tx) => {
    for (const s of config.schedules) {
      await tx.jobs.add({ task: TASK_REFRESH, payload: { schedule: s.name }, runAt: new Date(now), jobKey: refreshJobKey(s.name), jobKeyMode: "preserve_run_at", maxAttempts: 3 });
      await tx.jobs.add({ task: TASK_TICK, payload: { schedule: s.name }, runAt: new Date(now), jobKey: tickJobKey(s.name), jobKeyMode: "preserve_run_at", queue: scheduleQueue(s.name), maxAttempts: 5 });
      await armShiftDms(tx, s.name, now, true);
    }
  });
}

export interface ScheduleJobDeps {
  store: Store;
  config: Config;
  schedules: ScheduleService;
  log: (line: string) => void;
  now: () => number;
  /** People's time zones, for `night_warnings`; default calpage.yaml's. */
  zones?: PersonZones;
}

/** Whether two member lists are the same, in order; never when the first is unknown (null). */
export const sameList = (a: readonly string[] | null, b: readonly string[]) => a !== null && a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * The schedule jobs:
 * - `schedule.refresh` (one per schedule, re-arming itself every `refresh`): fetches feeds, then
 *   decides under the schedule's state row lock what to tell the channel (feed failing/recovered,
 *   calendar swaps, report) — so replicas and restarts say each thing once.
 * - `schedule.tick` (timed at the next shift change, and "now" after anything that may change who is
 *   on call): announces a new on-call set once (a conditional update of `announced_users`) and
 *   asks for the user group to follow.
 * `schedule.user_group` and `schedule.notice` talk to Slack: they are made by
 * src/slack/schedule/schedule-slack-handlers.ts.
 */
export function makeScheduleHandlers(deps: ScheduleJobDeps): Partial<Record<FeatureTaskName, TaskHandler>> {
  const { store, config, schedules, log, now } = deps;
  const zones = deps.zones ?? configuredZones(config);
  const byName = new Map(config.schedules.map((s) => [s.name, s]));
  const scheduleOf = (payload: Record<string, unknown>): ScheduleConfig | null => byName.get(String(payload.schedule)) ?? null;

  async function refresh(payload: Record<string, unknown>): Promise<void> {
    const sc = scheduleOf(payload);
    // A schedule removed from the config: its job ends here, without re-arming.
    if (!sc) return;
    try {
      await schedules.sync();
      const outcome = await schedules.refresh(sc.name);
      const t = now();
      const c = schedules.computed(sc.name);
      // Night hours are counted in each person's zone: ask the chat for those it has not told yet.
      if (c && sc.nightWarnings) await zones.load?.(c.table.range(t, t + REPORT_AHEAD_MS).flatMap((s) => s.users));
      const input = {
        failures: outcome.failures,
        lastGoodAt: outcome.lastGoodAt,
        schedule: c
          ? {
              feedsHash: c.feedsHash,
              feedOnly: clip(c.feedOnly, t, t + SWAP_HORIZON_MS).map((s) => ({ start: s.start.getTime(), end: s.end.getTime(), users: s.users })),
              coveredTo: c.feedOnlyTo,
              report: buildScheduleReport(c.problems, c.table.range(t, t + REPORT_AHEAD_MS), t, t + REPORT_AHEAD_MS, sc.nightWarnings ? (email) => zones.zoneOf(email).zone : undefined),
            }
          : null,
        now: t,
      };
      await store.transaction(async (tx) => {
        const st = await tx.scheduleState.get(sc.name, t, { lock: true });
        const d = afterRefresh({ feedHealth: st.feedHealth, lastReportAt: st.lastReportAt, lastReportHash: st.lastReportHash, snapshot: st.shiftsSnapshot }, input);
        if (Object.keys(d.patch).length > 0) {
          const { snapshot, ...rest } = d.patch;
          await tx.scheduleState.update(sc.name, { ...rest, ...(snapshot !== undefined ? { shiftsSnapshot: snapshot } : {}) }, t);
        }
        for (const n of d.notices) {
          log(`schedule ${sc.name}: ${n.kind}`);
          if (sc.channel) await requestScheduleNotice(tx, sc.name, { kind: "refresh", notice: n, at: t }, t);
        }
        if (outcome.changed || d.feedChanged) await requestTick(tx, sc.name, t);
      });
    } catch (error) {
      log(`schedule ${sc.name}: refresh failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      // Re-armed whatever happened: the periodic refresh must never stop.
      await store
        .transaction((tx) =>
          tx.jobs.add({ task: TASK_REFRESH, payload: { schedule: sc.name }, runAt: new Date(now() + sc.refreshSeconds * 1000), jobKey: refreshJobKey(sc.name), maxAttempts: 3 }),
        )
        .catch((e: unknown) => log(`schedule ${sc.name}: could not re-arm the refresh: ${String(e)}`));
    }
  }

  async function tick(payload: Record<string, unknown>): Promise<void> {
    const sc = scheduleOf(payload);
    if (!sc) return;
    let nextAt = now() + MAX_TICK_GAP_MS;
    try {
      await schedules.sync();
      if (!schedules.isLoaded(sc.name)) {
        // Nothing known yet (first start, feed unreachable): do not announce "nobody".
        nextAt = now() + NOT_LOADED_RETRY_MS;
        return;
      }
      // A timed tick may fire a few ms before its edge by this process's clock: judge at the edge.
      const t = Math.max(now(), typeof payload.at === "number" ? payload.at : 0);
      const at = new Date(t);
      const users = schedules.whoIsOnCall(sc.name, at);
      const next = schedules.nextChange(sc.name, at);
      if (next) nextAt = Math.min(nextAt, next.getTime());
      await store.transaction(async (tx) => {
        const st = await tx.scheduleState.get(sc.name, t);
        if (!sameList(st.announcedUsers, users) && (await tx.scheduleState.claimAnnouncement(sc.name, st.announcedUsers, users, t))) {
          log(`schedule ${sc.name}: now on call: ${users.join(", ") || "nobody"}`);
          if (sc.announce && sc.channel) {
            const nextUsers = next ? schedules.whoIsOnCall(sc.name, next) : [];
            await requestScheduleNotice(tx, sc.name, { kind: "announce", users, next: next ? { at: next.getTime(), users: nextUsers } : null, at: t }, t);
          }
        }
        // Whatever changed who is on call may make a reminder, "moved/cancelled", "on call now" or handoff due.
        await requestShiftDms(tx, sc.name, t);
        // Requests nobody took before their time ran out show that, instead of a dead Take button.
        for (const id of await tx.coverRequests.expire(t)) {
          const r = await tx.coverRequests.get(id);
          const channel = r ? byName.get(r.schedule)?.channel : null;
          if (r && channel) await requestCoverMessage(tx, r, channel, t);
        }
        // Every tick re-checks the group (cheap when it is right), so a hand-edited group is corrected too.
        if (sc.userGroup) {
          await tx.jobs.add({ task: TASK_USER_GROUP, payload: { schedule: sc.name }, runAt: new Date(t), jobKey: userGroupJobKey(sc.name), jobKeyMode: "preserve_run_at", queue: scheduleQueue(sc.name), maxAttempts: 10 });
        }
      });
    } finally {
      const runAt = nextAt;
      await store
        .transaction((tx) =>
          tx.jobs.add({ task: TASK_TICK, payload: { schedule: sc.name, at: runAt }, runAt: new Date(runAt), jobKey: tickJobKey(sc.name), queue: scheduleQueue(sc.name), maxAttempts: 5 }),
        )
        .catch((e: unknown) => log(`schedule ${sc.name}: could not re-arm the tick: ${String(e)}`));
    }
  }

  return { [TASK_REFRESH]: refresh, [TASK_TICK]: tick };
}
