import type { AlertGroupRecord } from "../store/repositories/alert-group-record.js";

/** What happened during one shift, for the handoff message. */
export interface HandoffSummary {
  opened: number;
  acknowledged: number;
  resolved: number;
  /** Pages (Slack DMs, SMS, calls) sent to the outgoing person during the shift. */
  pages: number;
  /** Of the groups opened during the shift and acknowledged, the median time from opening to the first acknowledgement (ms); null when none. */
  medianAckMs: number | null;
  /** Groups of the schedule still open now, oldest first. */
  stillOpen: { number: number; title: string; state: AlertGroupRecord["state"] }[];
}

/** Whether a group's escalation chain pages this schedule's on-call people. */
export function groupPagesSchedule(g: Pick<AlertGroupRecord, "chainSteps">, schedule: string): boolean {
  return g.chainSteps.some((s) => s.type === "notify_schedule" && s.schedule === schedule);
}

/**
 * The handoff numbers of the shift [start, end) of a schedule, from the groups alive during it
 * (any chain; those not paging the schedule are left out) and the pages the person received.
 */
export function handoffSummary(groups: AlertGroupRecord[], schedule: string, start: number, end: number, pages: number): HandoffSummary {
  const mine = groups.filter((g) => groupPagesSchedule(g, schedule));
  const within = (t: number | null) => t !== null && t >= start && t < end;
  const ackTimes = mine
    .filter((g) => within(g.createdAt) && g.acknowledgedAt !== null && g.acknowledgedAt >= g.createdAt)
    .map((g) => g.acknowledgedAt! - g.createdAt)
    .sort((a, b) => a - b);
  const mid = ackTimes.length >> 1;
  const medianAckMs = ackTimes.length === 0 ? null : ackTimes.length % 2 ? ackTimes[mid]! : Math.round((ackTimes[mid - 1]! + ackTimes[mid]!) / 2);
  return {
    opened: mine.filter((g) => within(g.createdAt)).length,
    acknowledged: mine.filter((g) => within(g.acknowledgedAt)).length,
    resolved: mine.filter((g) => within(g.resolvedAt)).length,
    pages,
    medianAckMs,
    stillOpen: mine.filter((g) => g.state !== "resolved").map((g) => ({ number: g.number, title: g.title, state: g.state })),
  };
}
