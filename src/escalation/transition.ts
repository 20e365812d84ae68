import { formatDuration } from "../shared/duration.js";
import type { EscalationEffect, EscalationEvent, EscalationState, EscalationStep, Transition } from "./escalation-state.js";

/**
 * The pure escalation state machine: given the stored state, what happened and
 * the group's chain (as snapshotted when the group opened), returns the new state
 * and what the shell must do. `now` is epoch milliseconds.
 *
 * A tick runs steps until a `wait` (which sets the next timer) or the end of the
 * chain. Each notify effect carries a `key` unique to this pass over this step, so
 * the shell can store pages idempotently: replaying the same tick never pages twice.
 */
export function transition(state: EscalationState, event: EscalationEvent, steps: readonly EscalationStep[], now: number): Transition {
  switch (event.type) {
    case "start": {
      const seq = state.seq + 1;
      return {
        state: { status: "active", seq, stepIndex: 0, repeatsDone: 0, nextAt: now },
        effects: [{ type: "set_timer", at: now, seq }],
      };
    }
    case "stop": {
      if (state.status !== "active") return { state, effects: [] };
      return {
        state: { ...state, status: "stopped", seq: state.seq + 1, nextAt: null },
        effects: [{ type: "cancel_timer" }, { type: "log", text: `Escalation stopped: ${event.reason}.` }],
      };
    }
    case "tick":
      if (state.status !== "active" || event.seq !== state.seq) return { state, effects: [] };
      return runSteps(state, steps, now);
  }
}

function runSteps(state: EscalationState, steps: readonly EscalationStep[], now: number): Transition {
  const effects: EscalationEffect[] = [];
  let { stepIndex, repeatsDone } = state;
  // Every pass either advances stepIndex or consumes one repeat, so this bound is never the reason to stop.
  const maxIterations = (steps.length + 1) * (maxRepeats(steps) + 2);
  for (let i = 0; i < maxIterations; i++) {
    const step = steps[stepIndex];
    if (!step) {
      effects.push({ type: "log", text: "Escalation finished: the chain has no more steps." });
      return { state: { ...state, status: "finished", stepIndex, repeatsDone, nextAt: null }, effects };
    }
    const key = `${state.seq}.${repeatsDone}.${stepIndex}`;
    switch (step.type) {
      case "wait": {
        const at = now + step.seconds * 1000;
        const seq = state.seq + 1;
        effects.push({ type: "log", text: `Step ${stepIndex + 1}: waiting ${formatDuration(step.seconds)}.` });
        effects.push({ type: "set_timer", at, seq });
        return { state: { status: "active", seq, stepIndex: stepIndex + 1, repeatsDone, nextAt: at }, effects };
      }
      case "notify_schedule":
        effects.push({ type: "notify_schedule", schedule: step.schedule, important: step.important, step: stepIndex, key });
        stepIndex++;
        break;
      case "notify_users":
        effects.push({ type: "notify_users", users: step.users, important: step.important, step: stepIndex, key });
        stepIndex++;
        break;
      case "repeat":
        if (repeatsDone < step.times) {
          repeatsDone++;
          effects.push({ type: "log", text: `Step ${stepIndex + 1}: repeating the chain from the start (${repeatsDone} of ${step.times}).` });
          stepIndex = 0;
        } else {
          effects.push({ type: "log", text: `Escalation finished: the chain was repeated ${step.times} times.` });
          return { state: { ...state, status: "finished", stepIndex: stepIndex + 1, repeatsDone, nextAt: null }, effects };
        }
        break;
    }
  }
  effects.push({ type: "log", text: "Escalation finished: the chain never waits, so it was not repeated further." });
  return { state: { ...state, status: "finished", stepIndex, repeatsDone, nextAt: null }, effects };
}

function maxRepeats(steps: readonly EscalationStep[]): number {
  return steps.reduce((n, s) => (s.type === "repeat" ? Math.max(n, s.times) : n), 0);
}
