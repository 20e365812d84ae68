import type { Config, ScheduleConfig } from "../config/config-types.js";
import type { TaskHandler } from "../jobs/job-queue.js";
import type { Tx, Store } from "../store/store.js";
import { decideChangeDms, type PeopleTurns } from "./diff-people-turns.js";
import { HANDOFF_GRACE_MS, planShiftDms, turnsIn, type PersonTurns, type PlannedShiftDm, type SentShiftMessage, type ShiftDm, type Turn } from "./plan-shift-dms.js";
import { scheduleQueue } from "./schedule-jobs.js";
import type { ScheduleService } from "./schedule-service.js";

export const TASK_SHIFT_DMS = "schedule.shift_dms";
export const TASK_SHIFT_DM = "schedule.shift_dm";

const DAY = 86_400_000;
/** Turns are read whole from this far back (a running turn keeps its real start)… */
const TURNS_BEHIND_MS = 30 * DAY;
/** …to this far ahead (a long turn starting within the longest reminder keeps its real end). */
const TURNS_AHEAD_MS = 45 * DAY;
/** Sent-message rows are kept this long after their shift ended. */
const KEEP_SENT_MS = 30 * DAY;
/** A schedule whose feeds were never loaded is looked at again this soon. */
const NOT_LOADED_RETRY_MS = 60_000;

/** One pending timed run per schedule, and one pending "run now". */
export const shiftDmsJobKey = (schedule: string) => `schedule.shift_dms:${schedule}`;
const shiftDmsNowJobKey = (schedule: string) => `schedule.shift_dms-now:${schedule}`;

/** Who a `schedule.shift_dm` job tells: a person by DM, or the schedule's channel (handoff: channel). */
export type ShiftDmTarget = { email: string; role: "self" | "outgoing" | "incoming" } | { channel: true };

/** The payload of `schedule.shift_dm`: rendered (in the person's Slack time zone) when it runs. */
export interface ShiftDmPayload {
  schedule: string;
  to: ShiftDmTarget;
  dm: ShiftDm;
  /** When it was decided. */
  at: number;
}

/** Asks for the schedule's shift DMs to be planned now (after anything that may change who is on call). */
export async function requestShiftDms(tx: Tx, schedule: string, now: number): Promise<void> {
  await tx.jobs.add({ task: TASK_SHIFT_DMS, payload: { schedule }, runAt: new Date(now), jobKey: shiftDmsNowJobKey(schedule), jobKeyMode: "preserve_run_at", queue: scheduleQueue(schedule), maxAttempts: 5 });
}

/** Arms the schedule's timed planning run (never moving one that is pending when `preserve`). */
export async function armShiftDms(tx: Tx, schedule: string, at: number, preserve = false): Promise<void> {
  await tx.jobs.add({
    task: TASK_SHIFT_DMS,
    payload: { schedule },
    runAt: new Date(at),
    jobKey: shiftDmsJobKey(schedule),
    ...(preserve ? { jobKeyMode: "preserve_run_at" as const } : {}),
    queue: scheduleQueue(schedule),
    maxAttempts: 5,
  });
}

async function queueDm(tx: Tx, payload: ShiftDmPayload, now: number): Promise<void> {
  await tx.jobs.add({ task: TASK_SHIFT_DM, payload: payload as unknown as Record<string, unknown>, runAt: new Date(now), maxAttempts: 10 });
}

/**
 * `schedule.shift_dms` (one timed run per schedule, re-armed at the next reminder time, turn start
 * or end, at most an hour apart; and "now" after every tick): plans the reminders, "shift moved /
 * cancelled", "on call now" and handoff DMs with {@link planShiftDms}, and in one transaction
 * claims each message's `shift_messages` row and queues its `schedule.shift_dm` only when the
 * claim is new — so two replicas, or a run repeated after a crash, send each message once.
 */
export function makeShiftDmsHandler(deps: { store: Store; config: Config; schedules: ScheduleService; log: (line: string) => void; now: () => number }): TaskHandler {
  const { store, config, schedules, log, now } = deps;
  const byName = new Map(config.schedules.map((s) => [s.name, s]));

  async function plan(sc: ScheduleConfig, t: number): Promise<number> {
    const c = schedules.computed(sc.name);
    const shifts = (c ? c.table.overlapping(t - TURNS_BEHIND_MS, t + TURNS_AHEAD_MS) : []).map((s) => ({ start: s.start.getTime(), end: s.end.getTime(), users: s.users }));
    let nextAt = t;
    await store.transaction(async (tx) => {
      // One planner at a time per schedule (replicas queue behind the row lock): the change DMs compare with the last snapshot once.
      const state = await tx.scheduleState.get(sc.name, t, { lock: true });
      const sent = await tx.shiftMessages.listEndingAfter(sc.name, t - HANDOFF_GRACE_MS - 1);
      const emails = [...new Set([...shifts.flatMap((s) => s.users), ...sent.map((m) => m.email)])].sort();
      const people: PersonTurns[] = [];
      for (const email of emails) {
        const own = (await tx.userSettings.get(email))?.reminders ?? null;
        people.push({ email, reminders: own ?? sc.reminders.map((s) => s * 1000), turns: turnsIn(shifts, email) });
      }
      const whoAt = (at: number) => shifts.find((s) => s.start <= at && at < s.end)?.users ?? [];
      const d = planShiftDms({ now: t, people, sent, onCallAt: whoAt });
      nextAt = d.nextAt;
      for (const p of d.dms) {
        if (p.dm.kind === "handoff" && sc.handoff === "off") continue;
        const [first, ...rest] = p.claims;
        if (!first || !(await tx.shiftMessages.claim({ schedule: sc.name, email: p.email, ...first, sentAt: t }))) continue;
        for (const c2 of rest) await tx.shiftMessages.claim({ schedule: sc.name, email: p.email, ...c2, sentAt: t });
        log(`schedule ${sc.name}: ${p.dm.kind} DM to ${p.email}`);
        if (p.dm.kind === "handoff") {
          await queueDm(tx, { schedule: sc.name, to: { email: p.email, role: "outgoing" }, dm: p.dm, at: t }, t);
          if (p.dm.lead) for (const e of p.dm.incoming) await queueDm(tx, { schedule: sc.name, to: { email: e, role: "incoming" }, dm: p.dm, at: t }, t);
          if (p.dm.lead && sc.handoff === "channel" && sc.channel) await queueDm(tx, { schedule: sc.name, to: { channel: true }, dm: p.dm, at: t }, t);
        } else {
          await queueDm(tx, { schedule: sc.name, to: { email: p.email, role: "self" }, dm: p.dm, at: t }, t);
        }
      }
      const changesAt = await tellChanges(tx, sc, state.peopleSnapshot, people, sent, d.dms, t);
      if (changesAt !== null) nextAt = Math.min(nextAt, changesAt);
      await tx.shiftMessages.pruneEndedBefore(t - KEEP_SENT_MS);
    });
    return nextAt;
  }

  /**
   * Compares each person's turns over the next 14 days with what they were last told, and DMs each
   * person whose turns changed one message listing every change, once their changes have waited
   * {@link CHANGES_BATCH_MS} (see `decideChangeDms`); what a "moved" or "cancelled" DM says is left
   * out. Returns when to look again for changes still waiting.
   */
  async function tellChanges(tx: Tx, sc: ScheduleConfig, before: PeopleTurns | null, people: PersonTurns[], sent: SentShiftMessage[], planned: PlannedShiftDm[], t: number): Promise<number | null> {
    const current: Record<string, Turn[]> = {};
    for (const p of people) if (p.turns.length > 0) current[p.email] = p.turns;
    const key = (x: Turn) => `${x.start}|${x.end}`;
    const told = (email: string, x: Turn, change: "removed" | "added") =>
      change === "removed"
        ? sent.some((m) => m.email === email && (m.kind === "moved" || m.kind === "cancelled") && m.key === key(x)) ||
          planned.some((p) => p.email === email && ((p.dm.kind === "moved" && key(p.dm.from) === key(x)) || (p.dm.kind === "cancelled" && key(p.dm.turn) === key(x))))
        : sent.some((m) => m.email === email && m.kind === "reminder" && m.key === `${key(x)}|moved`) || planned.some((p) => p.email === email && p.dm.kind === "moved" && key(p.dm.to) === key(x));
    const d = decideChangeDms(before, current, t, told);
    await tx.scheduleState.update(sc.name, { peopleSnapshot: d.after }, t);
    for (const c of d.send) {
      log(`schedule ${sc.name}: shift changes DM to ${c.email}`);
      await queueDm(tx, { schedule: sc.name, to: { email: c.email, role: "self" }, dm: { kind: "changes", removed: c.removed, added: c.added }, at: t }, t);
    }
    return d.nextAt;
  }

  return async (payload) => {
    const sc = byName.get(String(payload.schedule));
    // A schedule removed from the config: its job ends here, without re-arming.
    if (!sc) return;
    let nextAt = now() + NOT_LOADED_RETRY_MS;
    try {
      await schedules.sync();
      // Nothing known yet (first start, feed unreachable): do not take "no shifts" for cancelled ones.
      if (!schedules.isLoaded(sc.name) || !schedules.computed(sc.name)) return;
      nextAt = await plan(sc, now());
    } finally {
      await store.transaction((tx) => armShiftDms(tx, sc.name, nextAt)).catch((e: unknown) => log(`schedule ${sc.name}: could not re-arm the shift DMs: ${String(e)}`));
    }
  };
}
