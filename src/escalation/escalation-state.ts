import type { EscalationStep } from "../config/config-types.js";

/**
 * Where an alert group's escalation stands. Stored as JSON on the group.
 * `seq` changes whenever a timer is set or cancelled; a timer carries the seq it
 * was set for, so a stale or duplicated timer is recognised and ignored.
 */
export interface EscalationState {
  status: "idle" | "active" | "stopped" | "finished";
  seq: number;
  /** Index of the next step to run. */
  stepIndex: number;
  /** How many times a `repeat` step has sent the chain back to its start. */
  repeatsDone: number;
  /** When the pending timer is due (epoch ms), null when none. */
  nextAt: number | null;
}

export const initialEscalation: EscalationState = { status: "idle", seq: 0, stepIndex: 0, repeatsDone: 0, nextAt: null };

export type EscalationEvent =
  /** A new group, an unacknowledge or unresolve: run the chain from its first step. */
  | { type: "start" }
  /** The group's timer fired; `seq` is the seq it was set for. */
  | { type: "tick"; seq: number }
  /** Acknowledged, resolved or silenced: no more steps. */
  | { type: "stop"; reason: "acknowledged" | "resolved" | "silenced" };

export type EscalationEffect =
  | { type: "notify_schedule"; schedule: string; important: boolean; step: number; key: string }
  | { type: "notify_users"; users: string[]; important: boolean; step: number; key: string }
  | { type: "log"; text: string }
  | { type: "set_timer"; at: number; seq: number }
  | { type: "cancel_timer" };

export interface Transition {
  state: EscalationState;
  effects: EscalationEffect[];
}

export type { EscalationStep };
