import type { Config } from "../config/config-types.js";
import { newId } from "../shared/ids.js";
import { fail, ok, type Result } from "../shared/result.js";
import type { CoverRequestRecord } from "../store/repositories/cover-requests-repository.js";
import type { SlackOverrideRecord } from "../store/repositories/slack-overrides-repository.js";
import type { Store } from "../store/store.js";
import { requestCoverMessage, requestScheduleNotice, requestTick } from "./schedule-jobs.js";
import type { ScheduleService } from "./schedule-service.js";
import type { Shift } from "./schedule-types.js";

const DAY = 86_400_000;
/** How far ahead `/oncall cover` lists the asker's shifts. */
export const COVER_LOOKAHEAD_MS = 30 * DAY;

/** Stretches in which `email` is on call, adjacent shifts merged ("my turn", even when co-workers change within it). */
export function turnsOf(shifts: Shift[], email: string): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (const s of shifts) {
    if (!s.users.includes(email)) continue;
    const start = s.start.getTime();
    const end = s.end.getTime();
    const last = out[out.length - 1];
    if (last && last.end === start) last.end = end;
    else out.push({ start, end });
  }
  return out;
}

export type TakeResult =
  | { ok: true; request: CoverRequestRecord; override: SlackOverrideRecord }
  | { ok: false; reason: "unknown" | "own" | "taken" | "withdrawn" | "expired"; request: CoverRequestRecord | null };

/**
 * Cover requests and Slack overrides. Every change is one transaction that also queues what
 * follows from it (the channel message, the tick that re-announces and re-syncs the user group,
 * DMs), so nothing is half done; afterwards this process reloads, so `who` answers at once.
 */
export function createCoverService(deps: { store: Store; config: Config; schedules: ScheduleService; now: () => number; log: (line: string) => void }) {
  const { store, config, schedules, now, log } = deps;
  const byName = new Map(config.schedules.map((s) => [s.name, s]));

  async function reload(): Promise<void> {
    await schedules.sync().catch((e: unknown) => log(`schedules: reload after a Slack override failed: ${String(e)}`));
  }

  return {
    /** The asker's turns in the next 30 days (an ongoing one from now), per schedule. */
    upcomingTurns(email: string, scheduleNames: string[]): { schedule: string; start: number; end: number }[] {
      const t = now();
      return scheduleNames.flatMap((name) =>
        turnsOf(schedules.shifts(name, new Date(t), new Date(t + COVER_LOOKAHEAD_MS)), email).map((turn) => ({ schedule: name, start: Math.max(turn.start, t), end: turn.end })),
      );
    },

    /**
     * Posts a request for cover of [start, end), which must lie within one of the asker's turns
     * (checked against the schedule now, not against what the modal showed).
     */
    async request(input: { schedule: string; requesterEmail: string; start: number; end: number; note: string | null }): Promise<Result<CoverRequestRecord>> {
      const sc = byName.get(input.schedule);
      if (!sc) return fail(`There is no schedule called "${input.schedule}".`);
      if (!sc.channel) return fail(`${sc.name} has no channel in calpage.yaml, so there is nowhere to post the request.`);
      const t = now();
      const start = Math.max(input.start, t);
      if (!(input.end > start)) return fail("That time is already over.");
      const turns = turnsOf(schedules.shifts(sc.name, new Date(start - 1), new Date(input.end + 1)), input.requesterEmail);
      if (!turns.some((r) => r.start <= start && r.end >= input.end)) return fail("You are not on call for all of that time; pick a range within one of your shifts.");
      const request: CoverRequestRecord = {
        id: newId(9),
        schedule: sc.name,
        requesterEmail: input.requesterEmail,
        startAt: start,
        endAt: input.end,
        note: input.note?.trim() ? input.note.trim().slice(0, 500) : null,
        state: "open",
        takenBy: null,
        overrideId: null,
        channel: null,
        slackTs: null,
        createdAt: t,
        updatedAt: t,
      };
      const channel = sc.channel;
      await store.transaction(async (tx) => {
        await tx.coverRequests.insert(request);
        await requestCoverMessage(tx, request, channel, t);
      });
      log(`schedule ${sc.name}: ${input.requesterEmail} asks for cover ${new Date(start).toISOString()} – ${new Date(input.end).toISOString()}`);
      return ok(request);
    },

    /**
     * The first teammate to take an open request gets an override replacing the asker for its
     * time. Two takers at once: the conditional update lets exactly one through; the other learns
     * who was first.
     */
    async take(id: string, takerEmail: string, takerSlackId: string): Promise<TakeResult> {
      const t = now();
      const result = await store.transaction(async (tx): Promise<TakeResult> => {
        const before = await tx.coverRequests.get(id);
        if (!before) return { ok: false, reason: "unknown", request: null };
        if (before.requesterEmail === takerEmail) return { ok: false, reason: "own", request: before };
        const sc = byName.get(before.schedule);
        const overrideId = newId(9);
        if (!sc?.channel || !(await tx.coverRequests.take(id, takerEmail, overrideId, t))) {
          const now_ = await tx.coverRequests.get(id);
          const reason = now_?.state === "withdrawn" ? "withdrawn" : now_?.state === "taken" ? "taken" : "expired";
          return { ok: false, reason, request: now_ };
        }
        const override: SlackOverrideRecord = {
          id: overrideId,
          schedule: before.schedule,
          userEmail: takerEmail,
          startAt: Math.max(before.startAt, t),
          endAt: before.endAt,
          replacing: before.requesterEmail,
          source: "cover",
          createdBy: takerSlackId,
          createdAt: t,
          cancelledAt: null,
        };
        await tx.slackOverrides.insert(override);
        const request = (await tx.coverRequests.get(id))!;
        await requestCoverMessage(tx, request, sc.channel, t);
        await requestTick(tx, before.schedule, t);
        for (const [to, who] of [
          [takerEmail, "taker"],
          [before.requesterEmail, "requester"],
        ] as const) {
          await requestScheduleNotice(tx, before.schedule, { kind: "cover_taken", to: who, taker: takerEmail, requester: before.requesterEmail, start: override.startAt, end: override.endAt, at: t }, t, { email: to });
        }
        return { ok: true, request, override };
      });
      if (result.ok) {
        log(`schedule ${result.request.schedule}: ${takerEmail} took cover request ${id} of ${result.request.requesterEmail}`);
        await reload();
      }
      return result;
    },

    /** The asker withdraws an open request. */
    async withdraw(id: string, requesterEmail: string): Promise<Result<CoverRequestRecord>> {
      const t = now();
      return store.transaction(async (tx) => {
        const r = await tx.coverRequests.get(id);
        if (!r) return fail("That cover request no longer exists.");
        if (r.requesterEmail !== requesterEmail) return fail("Only the person who asked for cover can withdraw the request.");
        if (!(await tx.coverRequests.withdraw(id, requesterEmail, t))) return fail(`This request is already ${r.state === "open" ? "closed" : r.state}.`);
        const after = (await tx.coverRequests.get(id))!;
        const channel = byName.get(r.schedule)?.channel;
        if (channel) await requestCoverMessage(tx, after, channel, t);
        return ok(after);
      });
    },

    /** Cancels a Slack override (made by a command or a taken cover request); who is on call follows at once. */
    async cancelOverride(id: string, by: string): Promise<Result<SlackOverrideRecord>> {
      const t = now();
      const r = await store.transaction(async (tx): Promise<Result<SlackOverrideRecord>> => {
        const o = await tx.slackOverrides.get(id);
        if (!o) return fail(`There is no override \`${id}\`.`);
        if (!(await tx.slackOverrides.cancel(id, t))) return fail(`Override \`${id}\` is already cancelled.`);
        await requestTick(tx, o.schedule, t);
        return ok(o);
      });
      if (r.ok) {
        log(`schedule ${r.value.schedule}: override ${id} cancelled by ${by}`);
        await reload();
      }
      return r;
    },

    /** `/oncall override`: `userEmail` is on call alone for [start, end) in `schedule`. */
    async override(input: { schedule: string; userEmail: string; start: number; end: number; createdBy: string }): Promise<SlackOverrideRecord> {
      const t = now();
      const o: SlackOverrideRecord = {
        id: newId(9),
        schedule: input.schedule,
        userEmail: input.userEmail,
        startAt: input.start,
        endAt: input.end,
        replacing: null,
        source: "command",
        createdBy: input.createdBy,
        createdAt: t,
        cancelledAt: null,
      };
      await store.transaction(async (tx) => {
        await tx.slackOverrides.insert(o);
        await requestTick(tx, input.schedule, t);
      });
      log(`schedule ${input.schedule}: override ${o.id} by ${input.createdBy}: ${input.userEmail} ${new Date(o.startAt).toISOString()} – ${new Date(o.endAt).toISOString()}`);
      await reload();
      return o;
    },
  };
}

export type CoverService = ReturnType<typeof createCoverService>;
