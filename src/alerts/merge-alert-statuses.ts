import type { IncomingAlert } from "./incoming-group.js";

/** A group's alerts by identity, with their status. */
export type AlertStatuses = ReadonlyMap<string, IncomingAlert["status"]>;

export interface MergedStatuses {
  /** The group's alerts after the delivery. */
  statuses: Map<string, IncomingAlert["status"]>;
  /** Alerts the group did not have before. */
  added: number;
  /** New alerts plus known ones that moved between firing and resolved (also those resolved by absence). */
  changes: number;
  /** Firing alerts the delivery no longer lists, resolved because the delivery is the whole group. */
  resolvedAbsent: string[];
  alertCount: number;
  firingCount: number;
}

/**
 * What a delivery does to a group's alerts. Pure. A re-sent alert with the same
 * status changes nothing. With `complete` (the source sent the whole group, as
 * Alertmanager does unless it truncated), firing alerts the delivery leaves out
 * are resolved: Alertmanager keeps a firing alert in every notification of its
 * group, and drops it once it resolved (right away with `send_resolved: false`).
 */
export function mergeAlertStatuses(known: AlertStatuses, delivered: ReadonlyMap<string, IncomingAlert>, opts: { complete: boolean }): MergedStatuses {
  const statuses = new Map(known);
  let added = 0;
  let changes = 0;
  for (const [key, alert] of delivered) {
    const before = known.get(key);
    if (before === undefined) added += 1;
    if (before !== alert.status) changes += 1;
    statuses.set(key, alert.status);
  }
  const resolvedAbsent: string[] = [];
  if (opts.complete) {
    for (const [key, status] of known) {
      if (status === "firing" && !delivered.has(key)) {
        resolvedAbsent.push(key);
        statuses.set(key, "resolved");
      }
    }
  }
  changes += resolvedAbsent.length;
  let firingCount = 0;
  for (const status of statuses.values()) if (status === "firing") firingCount += 1;
  return { statuses, added, changes, resolvedAbsent, alertCount: statuses.size, firingCount };
}
