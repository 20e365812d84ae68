import { formatDuration } from "../shared/duration.js";
import type {
  EscalationEffect,
  EscalationEvent,
  EscalationFacts,
  EscalationState,
  EscalationStep,
  Transition,
} from "./escalation-state.js";
import { describeTimeWindow, formatLocalTime, isInTimeWindow, nextTimeWindowStart } from "./if-time-window.js";

const NO_FACTS: EscalationFacts = { alertTimes: [] };

/**
 * The pure escalation state machine: given the stored state, what happened, the
 * group's chain (as snapshotted when the group opened), `now` (epoch ms) and what
 * is known about the group's recent alerts, returns the new state and what the
 * shell must do. Without `facts`, the group is taken to have no recent alerts.
 *
 * A tick runs steps until one that makes the chain wait (a `wait`, an `if_time`
 * outside its window, an `if_alerts` below its count), a `resolve`, or the end
 * of the chain. Each notify/webhook effect carries a `key` unique to this pass
 * over this step (`seq.repeatsDone.stepIndex`), so the shell can act
 * idempotently: replaying the same event never pages twice.
 *
 * Events on a state they do not apply to (a stale tick, `alerts_arrived` with no
 * `if_alerts` holding, `stop` after the end) return the state unchanged and no effects.
 */
export function transition(
  state: EscalationState,
  event: EscalationEvent,
  steps: readonly EscalationStep[],
  now: number,
  facts: EscalationFacts = NO_FACTS,
): Transition {
  switch (event.type) {
    case "start": {
      const seq = state.seq + 1;
      return {
        state: { status: "active", seq, stepIndex: 0, repeatsDone: 0, nextAt: now },
        effects: [{ type: "set_timer", at: now, seq }],
      };
    }
    case "stop": {
      if (state.status !== "active" && state.status !== "paused") return unchanged(state);
      return {
        state: { status: "stopped", seq: state.seq + 1, stepIndex: state.stepIndex, repeatsDone: state.repeatsDone, nextAt: null },
        effects: [{ type: "cancel_timer" }, { type: "log", text: `Escalation stopped: ${event.reason}.` }],
      };
    }
    case "silence":
      return silence(state, event.until, now);
    case "tick":
      if (event.seq !== state.seq) return unchanged(state);
      if (state.status === "paused") {
        const restarted = runSteps({ status: "active", seq: state.seq, stepIndex: 0, repeatsDone: 0, nextAt: null }, steps, now, facts);
        restarted.effects.unshift({ type: "log", text: "Silence ended; escalation restarts from the first step." });
        return restarted;
      }
      if (state.status !== "active") return unchanged(state);
      // A holding chain has no timer; a tick that still reaches it is treated like new alerts.
      if (state.holding === "alerts") return resumeHold(state, steps, now, facts);
      return runSteps(state, steps, now, facts);
    case "alerts_arrived":
      if (state.status !== "active" || state.holding !== "alerts") return unchanged(state);
      return resumeHold(state, steps, now, facts);
  }
}

const unchanged = (state: EscalationState): Transition => ({ state, effects: [] });

/** Active, paused and finished chains pause; idle (no chain) and stopped (acknowledged/resolved) ones have nothing to pause. */
function silence(state: EscalationState, until: number | null, now: number): Transition {
  if (state.status === "idle" || state.status === "stopped") return unchanged(state);
  const seq = state.seq + 1;
  const effects: EscalationEffect[] = [{ type: "cancel_timer" }];
  if (until !== null) effects.push({ type: "set_timer", at: until, seq });
  const forWhat = until === null ? "" : ` for ${formatDuration(Math.ceil((until - now) / 1000))}`;
  const restart = until === null ? "when it is unsilenced" : "when the silence ends";
  effects.push({ type: "log", text: `Escalation paused: silenced${forWhat}; it restarts from the first step ${restart}.` });
  return {
    state: { status: "paused", seq, stepIndex: state.stepIndex, repeatsDone: state.repeatsDone, nextAt: until },
    effects,
  };
}

/** Re-evaluates the `if_alerts` step an active chain is held on: no change while the count is not exceeded. */
function resumeHold(state: EscalationState, steps: readonly EscalationStep[], now: number, facts: EscalationFacts): Transition {
  const running: EscalationState = { status: "active", seq: state.seq, stepIndex: state.stepIndex, repeatsDone: state.repeatsDone, nextAt: null };
  const step = steps[state.stepIndex];
  // The chain is a snapshot, so this is always the holding step; anything else just runs on.
  if (step?.type !== "if_alerts") return runSteps(running, steps, now, facts);
  const seen = countAlerts(facts, now, step.withinSeconds);
  if (seen <= step.count) return unchanged(state);
  const resumed = runSteps({ ...running, stepIndex: state.stepIndex + 1 }, steps, now, facts);
  resumed.effects.unshift({
    type: "log",
    text: `Step ${state.stepIndex + 1}: more than ${step.count} alerts in ${formatDuration(step.withinSeconds)} (${seen} so far); continuing.`,
  });
  return resumed;
}

/** Alerts received in (now - withinSeconds, now]. */
function countAlerts(facts: EscalationFacts, now: number, withinSeconds: number): number {
  const since = now - withinSeconds * 1000;
  return facts.alertTimes.reduce((n, t) => (t > since && t <= now ? n + 1 : n), 0);
}

function runSteps(state: EscalationState, steps: readonly EscalationStep[], now: number, facts: EscalationFacts): Transition {
  const effects: EscalationEffect[] = [];
  const { seq } = state;
  let { stepIndex, repeatsDone } = state;
  const finish = (index: number): Transition => ({ state: { status: "finished", seq, stepIndex: index, repeatsDone, nextAt: null }, effects });
  // Every pass either advances stepIndex or consumes one repeat, so this bound is never the reason to stop.
  const maxIterations = (steps.length + 1) * (maxRepeats(steps) + 2);
  for (let i = 0; i < maxIterations; i++) {
    const step = steps[stepIndex];
    if (!step) {
      effects.push({ type: "log", text: "Escalation finished: the chain has no more steps." });
      return finish(stepIndex);
    }
    const key = `${seq}.${repeatsDone}.${stepIndex}`;
    const label = `Step ${stepIndex + 1}`;
    switch (step.type) {
      case "wait": {
        const at = now + step.seconds * 1000;
        effects.push({ type: "log", text: `${label}: waiting ${formatDuration(step.seconds)}.` });
        effects.push({ type: "set_timer", at, seq: seq + 1 });
        return { state: { status: "active", seq: seq + 1, stepIndex: stepIndex + 1, repeatsDone, nextAt: at }, effects };
      }
      case "notify_schedule":
        effects.push({ type: "notify_schedule", schedule: step.schedule, important: step.important, step: stepIndex, key });
        stepIndex++;
        break;
      case "notify_users":
        effects.push({ type: "notify_users", users: step.users, important: step.important, step: stepIndex, key });
        stepIndex++;
        break;
      case "notify_round_robin":
        effects.push({ type: "notify_round_robin", users: step.users, important: step.important, step: stepIndex, key });
        stepIndex++;
        break;
      case "notify_user_group":
        effects.push({ type: "notify_user_group", group: step.group, important: step.important, step: stepIndex, key });
        stepIndex++;
        break;
      case "notify_channel":
        effects.push({ type: "notify_channel", mention: step.mention, step: stepIndex, key });
        stepIndex++;
        break;
      case "webhook":
        effects.push({ type: "webhook", url: step.url, timeoutSeconds: step.timeoutSeconds, retries: step.retries, step: stepIndex, key });
        stepIndex++;
        break;
      case "resolve":
        effects.push({ type: "log", text: `${label}: resolving automatically.` });
        effects.push({ type: "resolve", step: stepIndex });
        return finish(stepIndex + 1);
      case "if_time": {
        if (isInTimeWindow(step, now)) {
          stepIndex++;
          break;
        }
        const at = nextTimeWindowStart(step, now);
        if (at === null) {
          // Config validation makes this unreachable; paging is safer than waiting forever.
          effects.push({ type: "log", text: `${label}: the window ${describeTimeWindow(step)} never opens; continuing.` });
          stepIndex++;
          break;
        }
        effects.push({
          type: "log",
          text: `${label}: outside ${describeTimeWindow(step)}; waiting until ${formatLocalTime(at, step.timezone)}.`,
        });
        effects.push({ type: "set_timer", at, seq: seq + 1 });
        // stepIndex stays on the condition: it is evaluated again when the timer fires.
        return { state: { status: "active", seq: seq + 1, stepIndex, repeatsDone, nextAt: at }, effects };
      }
      case "if_alerts": {
        const seen = countAlerts(facts, now, step.withinSeconds);
        if (seen > step.count) {
          stepIndex++;
          break;
        }
        effects.push({
          type: "log",
          text: `${label}: waiting for more than ${step.count} alerts in ${formatDuration(step.withinSeconds)} (${seen} so far).`,
        });
        return { state: { status: "active", seq, stepIndex, repeatsDone, nextAt: null, holding: "alerts" }, effects };
      }
      case "repeat":
        if (repeatsDone < step.times) {
          repeatsDone++;
          effects.push({ type: "log", text: `${label}: repeating the chain from the start (${repeatsDone} of ${step.times}).` });
          stepIndex = 0;
        } else {
          effects.push({ type: "log", text: `Escalation finished: the chain was repeated ${step.times} times.` });
          return finish(stepIndex + 1);
        }
        break;
    }
  }
  effects.push({ type: "log", text: "Escalation finished: the chain never waits, so it was not repeated further." });
  return finish(stepIndex);
}

function maxRepeats(steps: readonly EscalationStep[]): number {
  return steps.reduce((n, s) => (s.type === "repeat" ? Math.max(n, s.times) : n), 0);
}
