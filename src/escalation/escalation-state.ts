import type { EscalationStep } from "../config/config-types.js";

/**
 * Where an alert group's escalation stands. Stored as JSON on the group.
 * `seq` changes whenever a timer is set or cancelled; a timer carries the seq it
 * was set for, so a stale or duplicated timer is recognised and ignored.
 *
 * - `idle`: never started (a group without a chain).
 * - `active`: running; either a timer is pending (`nextAt`) or an `if_alerts`
 *   step holds the chain (`holding: "alerts"`, `nextAt: null`).
 * - `paused`: silenced; `nextAt` is the silence end (a timer with the current
 *   seq), or null for a silence without an end. Its tick restarts the chain.
 * - `stopped`: acknowledged or resolved; only `start` runs the chain again.
 * - `finished`: the chain ran out of steps, was repeated enough or resolved the group.
 */
export interface EscalationState {
  status: "idle" | "active" | "paused" | "stopped" | "finished";
  seq: number;
  /** Index of the next step to run (while holding or waiting for a time window: the condition step itself). */
  stepIndex: number;
  /** How many times a `repeat` step has sent the chain back to its start. */
  repeatsDone: number;
  /** When the pending timer is due (epoch ms), null when none. */
  nextAt: number | null;
  /**
   * Present only while an `if_alerts` step holds an active chain: no timer is
   * pending and an `alerts_arrived` event re-evaluates the step. Absent otherwise
   * (also in states stored before this field existed).
   */
  holding?: "alerts";
}

export const initialEscalation: EscalationState = { status: "idle", seq: 0, stepIndex: 0, repeatsDone: 0, nextAt: null };

export type EscalationEvent =
  /** A new group, an unacknowledge, unresolve or unsilence: run the chain from its first step. */
  | { type: "start" }
  /** The group's timer fired; `seq` is the seq it was set for. On a `paused` state it is the silence end. */
  | { type: "tick"; seq: number }
  /** Acknowledged or resolved (or the legacy silence without restart): no more steps. */
  | { type: "stop"; reason: "acknowledged" | "resolved" | "silenced" }
  /** Silenced until `until` (epoch ms; null = until unsilenced): pause, and restart from the first step when it ends. */
  | { type: "silence"; until: number | null }
  /** The group received alerts: re-evaluates an `if_alerts` step that holds the chain; otherwise does nothing. */
  | { type: "alerts_arrived" };

/**
 * What the pure machine knows about the group besides its state. `alertTimes`
 * are the receive times (epoch ms) of the group's recent alerts; the shell passes
 * at least those within the largest `if_alerts` window of the chain.
 */
export interface EscalationFacts {
  alertTimes: readonly number[];
}

/**
 * `step` is the 0-based index of the step that produced the effect. `key` is
 * unique to one pass over that step, so the shell can store what it does
 * idempotently: replaying the same event never pages (or posts, or calls) twice.
 */
export type EscalationEffect =
  | { type: "notify_schedule"; schedule: string; important: boolean; step: number; key: string }
  | { type: "notify_users"; users: string[]; important: boolean; step: number; key: string }
  /** Page one of `users`, chosen by the shell with a rotation counter it stores (per chain step), so successive groups go to successive users. */
  | { type: "notify_round_robin"; users: string[]; important: boolean; step: number; key: string }
  /** Page the members of a Slack user group (handle without @, or an S… id). */
  | { type: "notify_user_group"; group: string; important: boolean; step: number; key: string }
  /** Post an @here / @channel mention in the group's channel. */
  | { type: "notify_channel"; mention: "here" | "channel"; step: number; key: string }
  /** Enqueue one outgoing webhook delivery (POST of the group), with its own timeout and retry budget. */
  | { type: "webhook"; url: string; timeoutSeconds: number; retries: number; step: number; key: string }
  /** Resolve the group (a `resolve` step); the escalation is already finished. */
  | { type: "resolve"; step: number }
  | { type: "log"; text: string }
  | { type: "set_timer"; at: number; seq: number }
  | { type: "cancel_timer" };

export interface Transition {
  state: EscalationState;
  effects: EscalationEffect[];
}

export type { EscalationStep };
