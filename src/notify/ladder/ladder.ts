import type { LadderStep } from "../../config/config-types.js";
import { formatDuration } from "../../shared/duration.js";

/**
 * PURE: one person's notification ladder for one alert group (their `default` or `important`
 * rules: Slack DM, SMS, call, call until answered, wait), as a state machine like the escalation
 * one: `ladderTransition(state, event, steps, now)` returns the new state and what the shell must
 * do. `now` and every time are epoch milliseconds.
 *
 * `seq` changes whenever a timer is set or cancelled; a timer carries the seq it was set for, so
 * a stale or duplicated tick is ignored. Each `send` carries a key unique to this run × rung ×
 * attempt, so the shell can store pages idempotently: replaying an event never sends twice.
 */

export type LadderChannel = "slack_dm" | "sms" | "call";

export interface LadderState {
  status: "idle" | "active" | "stopped" | "finished";
  /** How many times the ladder was started; part of every key, so a restarted ladder sends again. */
  run: number;
  seq: number;
  /** Index of the next rung to run; while a `call_until_answered` is in progress, that rung. */
  rung: number;
  /** Calls made so far on the current `call_until_answered` rung (0 otherwise). */
  attempt: number;
  /** A `call_until_answered` call is out and its result is awaited. */
  awaitingCall: boolean;
  /** When the pending timer is due, null when none. */
  nextAt: number | null;
}

export const initialLadder: LadderState = { status: "idle", run: 0, seq: 0, rung: 0, attempt: 0, awaitingCall: false, nextAt: null };

export type LadderEvent =
  /** The person is to be notified: run the ladder from its first rung (ignored while it runs). */
  | { type: "start" }
  /** The ladder's timer fired; `seq` is the seq it was set for. */
  | { type: "tick"; seq: number }
  /** The group was acknowledged, resolved or silenced: send nothing more. */
  | { type: "stop"; reason?: string }
  /** How a call placed by this ladder ended (from Twilio's status callback), by its rung and attempt. */
  | { type: "call_result"; rung: number; attempt: number; answered: boolean }
  /**
   * A page this run sent at `rung`/`attempt` has an unknown outcome (calpage stopped while
   * handing it to Slack or Twilio): the person is reached at once by the next rung.
   */
  | { type: "lost"; rung: number; attempt: number };

export type LadderEffect =
  /** Deliver one notification. `attempt` counts calls of a `call_until_answered` rung, else 1. */
  | { type: "send"; channel: LadderChannel; rung: number; attempt: number; key: string }
  | { type: "set_timer"; at: number; seq: number }
  | { type: "cancel_timer" }
  | { type: "log"; text: string };

export interface LadderTransition {
  state: LadderState;
  effects: LadderEffect[];
}

export interface LadderOptions {
  /**
   * A `call_until_answered` call whose result has not arrived after this long counts as not
   * answered, so a lost status callback cannot stall the ladder. Default 600 s: longer than a
   * call rings and plays, so a slow result is not mistaken for a lost one.
   */
  callResultTimeoutSeconds?: number;
  /**
   * Why SMS and call rungs must not go out now (the person's quiet hours during a normal page),
   * e.g. `quiet hours until 07:00 (Europe/Berlin)`; absent = they go out. Such a rung is skipped,
   * not delayed: the log says so and the ladder goes on to its next rung.
   */
  holdPhone?: string | null;
}

export const DEFAULT_CALL_RESULT_TIMEOUT_SECONDS = 600;

/** The key of one send: unique per run × rung × attempt. The shell prefixes its ladder identity (group, user). */
export function ladderSendKey(run: number, rung: number, attempt: number): string {
  return `${run}.${rung}.${attempt}`;
}

/**
 * The ladder state machine.
 *
 * - `slack_dm`, `sms`, `call`: send and go on at once (a `call` that fails or is not answered
 *   simply lets the ladder go on).
 * - `wait`: set a timer; the next tick goes on.
 * - `call_until_answered`: call and wait for the call's result (or for the result timeout).
 *   Answered: go on. Not answered: call again `everySeconds` later, at most `times` calls, then go
 *   on. A `stop` (the group was acknowledged) ends it all.
 * - After the last rung the ladder is `finished`.
 * - With `options.holdPhone` (quiet hours), `sms`, `call` and `call_until_answered` rungs are
 *   skipped with a log line instead.
 */
export function ladderTransition(
  state: LadderState,
  event: LadderEvent,
  steps: readonly LadderStep[],
  now: number,
  options: LadderOptions = {},
): LadderTransition {
  switch (event.type) {
    case "start": {
      if (state.status === "active") return { state, effects: [{ type: "log", text: "Notification rules already running; not started again." }] };
      const started: LadderState = { status: "active", run: state.run + 1, seq: state.seq + 1, rung: 0, attempt: 0, awaitingCall: false, nextAt: null };
      return runRungs(started, steps, now, options, []);
    }
    case "stop": {
      if (state.status !== "active") return { state, effects: [] };
      return {
        state: { ...state, status: "stopped", seq: state.seq + 1, awaitingCall: false, nextAt: null },
        effects: [{ type: "cancel_timer" }, { type: "log", text: `Notification rules stopped${event.reason ? `: ${event.reason}` : ""}.` }],
      };
    }
    case "tick": {
      if (state.status !== "active" || event.seq !== state.seq) return { state, effects: [] };
      if (state.awaitingCall) {
        const timeout = options.callResultTimeoutSeconds ?? DEFAULT_CALL_RESULT_TIMEOUT_SECONDS;
        const log: LadderEffect = { type: "log", text: `Rung ${state.rung + 1}: no result for call ${state.attempt} after ${formatDuration(timeout)}; counted as not answered.` };
        return unanswered(state, steps, now, options, [log]);
      }
      return runRungs({ ...state, nextAt: null }, steps, now, options, []);
    }
    case "call_result": {
      if (state.status !== "active" || !state.awaitingCall || event.rung !== state.rung || event.attempt !== state.attempt) return { state, effects: [] };
      // The result-timeout timer is pending: cancel it (a later set_timer replaces it anyway).
      const cancel: LadderEffect = { type: "cancel_timer" };
      if (event.answered) {
        const log: LadderEffect = { type: "log", text: `Rung ${state.rung + 1}: call ${state.attempt} was answered.` };
        return runRungs({ ...state, seq: state.seq + 1, rung: state.rung + 1, attempt: 0, awaitingCall: false, nextAt: null }, steps, now, options, [cancel, log]);
      }
      return unanswered(state, steps, now, options, [cancel, { type: "log", text: `Rung ${state.rung + 1}: call ${state.attempt} was not answered.` }]);
    }
    case "lost":
      return lost(state, event, steps, now, options);
  }
}

/**
 * A page of this run may not have gone out. The person must not wait for a timer to hear about
 * it: the rung after it runs now. When that rung already went out with it (no wait between them)
 * nothing more is needed; a lost `call_until_answered` call calls again at once (or goes on).
 * When no rung is left, nothing is sent here: the shell reaches the person another way.
 */
function lost(state: LadderState, event: { rung: number; attempt: number }, steps: readonly LadderStep[], now: number, options: LadderOptions): LadderTransition {
  if (state.status !== "active") return { state, effects: [] };
  const seq = state.seq + 1;
  const cancel: LadderEffect = { type: "cancel_timer" };
  if (state.awaitingCall) {
    if (event.rung !== state.rung || event.attempt !== state.attempt) return { state, effects: [] };
    const step = steps[state.rung];
    const times = step?.type === "call_until_answered" ? Math.max(1, Math.floor(step.times)) : 1;
    const log: LadderEffect = { type: "log", text: `Rung ${state.rung + 1}: call ${state.attempt} may not have gone out; not waiting.` };
    if (state.attempt < times) return runRungs({ ...state, seq, awaitingCall: false, nextAt: null }, steps, now, options, [cancel, log]);
    return runRungs({ ...state, seq, rung: state.rung + 1, attempt: 0, awaitingCall: false, nextAt: null }, steps, now, options, [cancel, log]);
  }
  // Waiting on a `wait` rung (at state.rung - 1): only when every rung since the lost one is that wait.
  if (state.nextAt === null || event.rung !== state.rung - 2) return { state, effects: [] };
  const log: LadderEffect = { type: "log", text: `Rung ${event.rung + 1} may not have gone out; skipping the wait of rung ${state.rung}.` };
  return runRungs({ ...state, seq, nextAt: null }, steps, now, options, [cancel, log]);
}

/** After an unanswered (or timed-out) `call_until_answered` call: call again later, or go on. */
function unanswered(state: LadderState, steps: readonly LadderStep[], now: number, options: LadderOptions, effects: LadderEffect[]): LadderTransition {
  const step = steps[state.rung];
  const times = step?.type === "call_until_answered" ? Math.max(1, Math.floor(step.times)) : 1;
  const seq = state.seq + 1;
  if (step?.type === "call_until_answered" && state.attempt < times) {
    const at = now + Math.max(0, step.everySeconds) * 1000;
    effects.push({ type: "log", text: `Rung ${state.rung + 1}: calling again in ${formatDuration(step.everySeconds)} (call ${state.attempt + 1} of ${times}).` });
    effects.push({ type: "set_timer", at, seq });
    return { state: { ...state, seq, awaitingCall: false, nextAt: at }, effects };
  }
  effects.push({ type: "log", text: `Rung ${state.rung + 1}: no answer after ${state.attempt} call${state.attempt === 1 ? "" : "s"}; going on.` });
  return runRungs({ ...state, seq, rung: state.rung + 1, attempt: 0, awaitingCall: false, nextAt: null }, steps, now, options, effects);
}

/** Runs rungs from `state.rung` until one has to wait (timer or call result) or the ladder ends. */
function runRungs(state: LadderState, steps: readonly LadderStep[], now: number, options: LadderOptions, effects: LadderEffect[]): LadderTransition {
  let { rung } = state;
  // Each pass either returns or advances `rung`, so steps.length + 1 passes always suffice.
  for (let i = 0; i <= steps.length; i++) {
    const step = steps[rung];
    if (!step) {
      effects.push({ type: "log", text: "Notification rules finished: no more rungs." });
      return { state: { ...state, status: "finished", rung, attempt: 0, awaitingCall: false, nextAt: null }, effects };
    }
    if (options.holdPhone && (step.type === "sms" || step.type === "call" || step.type === "call_until_answered")) {
      effects.push({ type: "log", text: `${options.holdPhone}: ${step.type === "sms" ? "SMS not sent" : "call not made"}.` });
      rung++;
      continue;
    }
    switch (step.type) {
      case "slack_dm":
      case "sms":
      case "call":
        effects.push({ type: "send", channel: step.type, rung, attempt: 1, key: ladderSendKey(state.run, rung, 1) });
        rung++;
        break;
      case "wait": {
        const at = now + Math.max(0, step.seconds) * 1000;
        const seq = state.seq + 1;
        effects.push({ type: "log", text: `Rung ${rung + 1}: waiting ${formatDuration(step.seconds)}.` });
        effects.push({ type: "set_timer", at, seq });
        return { state: { ...state, seq, rung: rung + 1, attempt: 0, awaitingCall: false, nextAt: at }, effects };
      }
      case "call_until_answered": {
        // A tick after "calling again in …" arrives here with the calls made so far in `attempt`.
        const attempt = (rung === state.rung ? state.attempt : 0) + 1;
        const timeout = options.callResultTimeoutSeconds ?? DEFAULT_CALL_RESULT_TIMEOUT_SECONDS;
        const at = now + timeout * 1000;
        const seq = state.seq + 1;
        effects.push({ type: "send", channel: "call", rung, attempt, key: ladderSendKey(state.run, rung, attempt) });
        effects.push({ type: "set_timer", at, seq });
        return { state: { ...state, seq, rung, attempt, awaitingCall: true, nextAt: at }, effects };
      }
    }
  }
  // Unreachable: the loop above returns once `rung` passes the last step.
  effects.push({ type: "log", text: "Notification rules finished." });
  return { state: { ...state, status: "finished", rung, attempt: 0, awaitingCall: false, nextAt: null }, effects };
}

/**
 * Whether a rung after `lostRung` has already sent something in this run (it went out with the
 * lost page, no wait between them): the person is being reached without a further notice.
 */
export function laterRungSent(state: LadderState, steps: readonly LadderStep[], lostRung: number): boolean {
  if (state.status === "idle") return false;
  const end = Math.min(state.rung, steps.length);
  for (let r = lostRung + 1; r < end; r++) if (steps[r]!.type !== "wait") return true;
  // A `call_until_answered` rung being called now counts too.
  return state.awaitingCall && state.rung > lostRung;
}
