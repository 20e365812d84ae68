import type { AlertGroupRecord } from "../store/repositories/alert-group-record.js";
import type { Tx } from "../store/store.js";

/** What can happen to an alert group, as outgoing webhooks name it (`events:` in calpage.yaml). */
export const GROUP_EVENTS = ["opened", "acknowledged", "unacknowledged", "resolved", "unresolved", "escalated", "silenced", "unsilenced"] as const;
export type GroupEventName = (typeof GROUP_EVENTS)[number];

/**
 * Who caused an event: a Slack member (`slack`, id `U…`), a phone owner, the CLI, an API
 * caller, or calpage and its sources (`system`: an integration, the escalation chain, a silence
 * running out). Null when nobody in particular did (a chain step firing on its timer).
 */
export interface GroupEventActor {
  kind: "slack" | "phone" | "cli" | "api" | "system";
  id: string;
  name: string;
}

export interface GroupEvent {
  name: GroupEventName;
  actor: GroupEventActor | null;
  /** `escalated` only: the 0-based chain step that fired first. */
  step?: number;
}

/**
 * Told about every change of a group's state, inside the transaction that makes it: whatever it
 * records (outgoing webhook deliveries) is committed with the change or not at all, so an event is
 * never lost nor recorded twice for one change. `group` may be the record as read before the
 * change (its integration and labels say who is interested); a sink that acts re-reads it from
 * `tx` to see the new state.
 */
export interface GroupEventSink {
  emit(tx: Tx, group: AlertGroupRecord, event: GroupEvent, now: number): Promise<void>;
}

/** An actor as group actions know it: a Slack id (`U…`, `W…`) or a plain name (a source, the CLI, the chain). */
export function actorFromName(actor: string): GroupEventActor {
  return /^[UW][A-Z0-9]{2,}$/.test(actor) ? { kind: "slack", id: actor, name: actor } : { kind: "system", id: actor, name: actor };
}

/** Tells `sink` (when there is one) about `event`; see {@link GroupEventSink}. */
export async function emitGroupEvent(tx: Tx, sink: GroupEventSink | undefined, group: AlertGroupRecord, event: GroupEvent, now: number): Promise<void> {
  if (sink) await sink.emit(tx, group, event, now);
}
