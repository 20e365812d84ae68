import type { Config } from "../config/config-types.js";
import type { ExportedShiftRecord } from "../store/repositories/exported-shifts-repository.js";
import type { Store } from "../store/store.js";
import { turnsOf } from "./cover-service.js";
import { exportShiftsIcs, shiftUid, type CancelledExportEvent } from "./export-shifts-ics.js";
import type { ScheduleService } from "./schedule-service.js";
import type { Shift } from "./schedule-types.js";

const DAY = 86_400_000;
/** The export shows the final schedule from this far back… */
export const EXPORT_BEHIND_MS = 15 * DAY;
/** …to this far ahead. */
export const EXPORT_AHEAD_MS = 180 * DAY;

interface ExportEvent {
  uid: string;
  shift: Shift;
}

/**
 * The calendar exports (`GET /ical/...ics`). Shifts keep their UID (schedule + start) from one
 * export to the next, so subscribed calendars update them in place; every UID published is
 * remembered in `exported_shifts`, so a shift that disappears (the calendar event was deleted, an
 * override split it differently) is published as `STATUS:CANCELLED` and calendar apps remove it
 * instead of keeping a stale copy.
 */
export function createExportService(deps: { store: Store; config: Config; schedules: ScheduleService; now: () => number }) {
  const { store, config, schedules, now } = deps;
  const names = new Map(config.users.map((u) => [u.email, u.name]));

  /** Shifts ending after `from`, starting before `to`: real starts (the window in memory reaches further back), ends cut at `to`. */
  function shiftsFor(name: string, from: number, to: number): Shift[] {
    const c = schedules.computed(name);
    if (!c) return [];
    return c.table.overlapping(from, to).map((s) => (s.end.getTime() > to ? { ...s, end: new Date(to) } : s));
  }

  /** Records what is published now and returns the events published before and gone since. */
  async function reconcile(key: string, events: ExportEvent[], from: number, t: number, cancelledSummary: (r: ExportedShiftRecord) => string): Promise<CancelledExportEvent[]> {
    return store.transaction(async (tx) => {
      const stored = await tx.exportedShifts.list(key, from);
      const byUid = new Map(stored.map((r) => [r.uid, r]));
      const live = new Set<string>();
      for (const e of events) {
        live.add(e.uid);
        const prev = byUid.get(e.uid);
        const start = e.shift.start.getTime();
        const end = e.shift.end.getTime();
        if (prev && !prev.cancelled && prev.startAt === start && prev.endAt === end && prev.users.join(",") === e.shift.users.join(",")) continue;
        await tx.exportedShifts.upsert({ schedule: key, uid: e.uid, startAt: start, endAt: end, users: e.shift.users, cancelled: false, updatedAt: t });
      }
      const cancelled: CancelledExportEvent[] = [];
      for (const r of stored) {
        if (live.has(r.uid)) continue;
        if (!r.cancelled) await tx.exportedShifts.upsert({ ...r, cancelled: true, updatedAt: t });
        cancelled.push({ uid: r.uid, start: new Date(r.startAt), end: new Date(r.endAt), summary: cancelledSummary(r) });
      }
      await tx.exportedShifts.prune(key, from);
      return cancelled;
    });
  }

  return {
    /** The schedule's final schedule as iCalendar; null when the schedule does not exist. */
    async scheduleIcs(name: string): Promise<string | null> {
      const sc = config.schedules.find((s) => s.name === name);
      if (!sc) return null;
      const t = now();
      const from = t - EXPORT_BEHIND_MS;
      const shifts = shiftsFor(name, from, t + EXPORT_AHEAD_MS);
      const events = shifts.map((shift) => ({ uid: shiftUid(name, shift.start), shift }));
      const cancelled = await reconcile(name, events, from, t, (r) => `On call: ${r.users.map((e) => names.get(e) ?? e).join(", ")}`);
      return exportShiftsIcs(shifts, { scheduleName: name, calendarName: `On call: ${name}`, now: new Date(t), users: schedules.users, cancelled });
    },

    /** One person's turns across every schedule as iCalendar; null when they are not a user. */
    async userIcs(email: string): Promise<string | null> {
      if (!names.has(email)) return null;
      const t = now();
      const from = t - EXPORT_BEHIND_MS;
      const to = t + EXPORT_AHEAD_MS;
      const events: (ExportEvent & { schedule: string })[] = [];
      for (const sc of config.schedules) {
        const shifts = shiftsFor(sc.name, from, to);
        for (const turn of turnsOf(shifts, email)) {
          const inTurn = shifts.filter((s) => s.start.getTime() >= turn.start && s.end.getTime() <= turn.end);
          const shift: Shift = {
            start: new Date(turn.start),
            end: new Date(turn.end),
            users: [email],
            reasons: inTurn.flatMap((s) => s.reasons.filter((r) => r.userEmail === email)),
          };
          events.push({ schedule: sc.name, uid: shiftUid(`${sc.name}\u0000user\u0000${email}`, shift.start), shift });
        }
      }
      events.sort((a, b) => a.shift.start.getTime() - b.shift.start.getTime() || a.uid.localeCompare(b.uid));
      const meta = new Map(events.map((e) => [e.shift, e]));
      const cancelled = await reconcile(`user:${email}`, events, from, t, () => "On call");
      return exportShiftsIcs(
        events.map((e) => e.shift),
        {
          scheduleName: `user:${email}`,
          calendarName: `On call: ${names.get(email) ?? email}`,
          now: new Date(t),
          users: schedules.users,
          uid: (s) => meta.get(s)?.uid ?? shiftUid(`user:${email}`, s.start),
          summary: (s) => `On call: ${meta.get(s)?.schedule ?? ""}`,
          cancelled,
        },
      );
    },
  };
}

export type ExportService = ReturnType<typeof createExportService>;
