import { suggest } from "../../config/config-checker.js";
import type { LadderStep } from "../../config/config-types.js";
import { formatDuration, parseDuration } from "../../shared/duration.js";

// The bounds calpage.yaml's validation applies, from the same constants; ladder-text.test.ts
// checks both accept and refuse the same ladders.
import { DEFAULT_CALL_EVERY_SECONDS, DEFAULT_CALL_TIMES, MAX_CALL_TIMES, MIN_CALL_EVERY_SECONDS } from "../../config/validate-notification-rules.js";

/** Longest ladder text accepted (also the modal inputs' `max_length`). */
export const LADDER_TEXT_MAX = 1000;

export const LADDER_TEXT_EXAMPLE = "slack_dm, wait 2m, sms, wait 3m, call";
const STEP_HELP = "use slack_dm, sms, call, wait 2m or call until answered every 2m x5";
const STEP_WORDS = ["slack_dm", "dm", "slack", "sms", "text", "call", "wait", "call until answered"];

export type LadderTextResult = { ok: true; steps: LadderStep[] } | { ok: false; errors: string[] };

export interface LadderTextOptions {
  /** Whether the person has a phone calpage may use (verified in Slack, or in calpage.yaml); sms and call need one. */
  hasPhone: boolean;
}

/**
 * Parses a ladder as people write it in Slack — steps separated by commas (or `→`, `->`, `;`,
 * new lines): `slack_dm` (`dm`, `slack`), `sms` (`text`), `call`, `wait <duration>`,
 * `call until answered [every 2m] [x5 | 5 times]` — with calpage.yaml's rules. Every problem is
 * reported, each naming the step it is about. Pure.
 */
export function parseLadderText(text: string, opts: LadderTextOptions): LadderTextResult {
  if (text.length > LADDER_TEXT_MAX) return { ok: false, errors: [`The ladder is longer than ${LADDER_TEXT_MAX} characters.`] };
  const items = text
    .split(/,|;|\n|→|->/)
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (items.length === 0) return { ok: false, errors: [`The ladder is empty; write its steps separated by commas, like \`${LADDER_TEXT_EXAMPLE}\`.`] };
  const errors: string[] = [];
  const steps: LadderStep[] = [];
  items.forEach((raw, i) => {
    const where = `Step ${i + 1} "${raw.length > 40 ? `${raw.slice(0, 37)}...` : raw}"`;
    const step = parseStep(raw);
    if (typeof step === "string") {
      errors.push(`${where}: ${step}`);
      return;
    }
    if (step.type !== "wait" && step.type !== "slack_dm" && !opts.hasPhone) {
      errors.push(`${where}: ${step.type === "sms" ? "texts need" : "calls need"} a phone number; add yours first with \`/oncall me phone +4915112345678\`.`);
      return;
    }
    steps.push(step);
  });
  if (errors.length > 0) return { ok: false, errors };
  if (steps.every((s) => s.type === "wait")) {
    return { ok: false, errors: [`The ladder only waits and never notifies you; add slack_dm, sms or call, like \`${LADDER_TEXT_EXAMPLE}\`.`] };
  }
  return { ok: true, steps };
}

/** One step, or what is wrong with it. */
function parseStep(raw: string): LadderStep | string {
  // Accept calpage.yaml spellings too: `call_until_answered`, `{wait: 2m}`.
  const s = raw
    .toLowerCase()
    .replace(/[{}:]/g, " ")
    .replace(/_/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  switch (s) {
    case "slack dm":
    case "dm":
    case "slack":
      return { type: "slack_dm" };
    case "sms":
    case "text":
      return { type: "sms" };
    case "call":
    case "phone call":
      return { type: "call" };
    case "wait":
      return "wait needs a duration, like `wait 2m`.";
  }
  const wait = /^wait (?:for )?(.+)$/.exec(s);
  if (wait) {
    const seconds = duration(wait[1]!);
    if (seconds === null) return `"${wait[1]}" is not a duration; use e.g. 30s, 2m or 1h.`;
    if (seconds < 1) return "wait must be longer than 0s; use e.g. 2m.";
    return { type: "wait", seconds };
  }
  const until = /^call until answered(?: (.*))?$/.exec(s);
  if (until) return callUntilAnswered(until[1] ?? "");
  const word = s.split(" ")[0] ?? s;
  const hint = suggest(word, STEP_WORDS) ?? suggest(s, STEP_WORDS);
  return `not a step${hint ? ` (did you mean "${hint}"?)` : ""}; ${STEP_HELP}.`;
}

/** The options after `call until answered`: `every <duration>`, `x5`, `5x`, `5 times`, `times 5`, in any order. */
function callUntilAnswered(rest: string): LadderStep | string {
  const tokens = rest.split(" ").filter((t) => t !== "");
  let everySeconds: number | null = null;
  let times: number | null = null;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    let m: RegExpExecArray | null;
    if (t === "every") {
      // The duration may be written with a space: `every 2 m`.
      const next = tokens[i + 1];
      const unit = tokens[i + 2];
      let seconds = next !== undefined ? duration(next) : null;
      if (seconds === null && next !== undefined && unit !== undefined) {
        seconds = duration(`${next}${unit}`);
        if (seconds !== null) i++;
      }
      if (seconds === null) return next === undefined ? "every needs a duration, like `every 2m`." : `"${next}" is not a duration; use e.g. every 2m.`;
      everySeconds = seconds;
      i++;
    } else if ((m = /^(?:x|×)(\d+)$/.exec(t) ?? /^(\d+)(?:x|×)$/.exec(t))) {
      times = Number(m[1]);
    } else if (/^\d+$/.test(t) && tokens[i + 1] === "times") {
      times = Number(t);
      i++;
    } else if (t === "times" && /^\d+$/.test(tokens[i + 1] ?? "")) {
      times = Number(tokens[i + 1]);
      i++;
    } else {
      return `"${t}" is not understood here; write e.g. \`call until answered every 2m x5\`.`;
    }
  }
  everySeconds ??= DEFAULT_CALL_EVERY_SECONDS;
  times ??= DEFAULT_CALL_TIMES;
  if (everySeconds < MIN_CALL_EVERY_SECONDS) return `every must be at least ${formatDuration(MIN_CALL_EVERY_SECONDS)}, found ${formatDuration(everySeconds)}.`;
  if (times < 1 || times > MAX_CALL_TIMES) return `the number of calls must be from 1 to ${MAX_CALL_TIMES}, found ${times}.`;
  return { type: "call_until_answered", everySeconds, times };
}

/** `2m`, `90s`, also `2min`, `2 minutes`, `1 hour`. */
function duration(text: string): number | null {
  const s = text
    .trim()
    .replace(/(\d)\s*(?:minutes?|mins?)\b/g, "$1m")
    .replace(/(\d)\s*(?:seconds?|secs?)\b/g, "$1s")
    .replace(/(\d)\s*(?:hours?|hrs?)\b/g, "$1h");
  return parseDuration(s);
}

/** The ladder in the form {@link parseLadderText} reads: `slack_dm, wait 2m, sms, call until answered every 2m x5`. */
export function ladderToText(steps: readonly LadderStep[]): string {
  return steps.map(stepToText).join(", ");
}

function stepToText(step: LadderStep): string {
  switch (step.type) {
    case "wait":
      return `wait ${formatDuration(step.seconds)}`;
    case "call_until_answered":
      return `call until answered every ${formatDuration(step.everySeconds)} x${step.times}`;
    default:
      return step.type;
  }
}

/** The ladder in words: `Slack DM → wait 2m → SMS → call`. */
export function describeLadder(steps: readonly LadderStep[]): string {
  if (steps.length === 0) return "nothing";
  return steps.map(describeStep).join(" → ");
}

function describeStep(step: LadderStep): string {
  switch (step.type) {
    case "slack_dm":
      return "Slack DM";
    case "sms":
      return "SMS";
    case "call":
      return "call";
    case "wait":
      return `wait ${formatDuration(step.seconds)}`;
    case "call_until_answered":
      return `call until answered (every ${formatDuration(step.everySeconds)}, at most ${step.times} call${step.times === 1 ? "" : "s"})`;
  }
}

/** Whether two ladders are the same steps. */
export function sameLadder(a: readonly LadderStep[], b: readonly LadderStep[]): boolean {
  return a.length === b.length && a.every((s, i) => ladderToText([s]) === ladderToText([b[i]!]));
}

/** Whether a ladder has a step that needs a phone. */
export function needsPhone(steps: readonly LadderStep[]): boolean {
  return steps.some((s) => s.type === "sms" || s.type === "call" || s.type === "call_until_answered");
}
