import { ladderOverLimits, ladderOverLimitText } from "../notify/ladder/ladder-limits.js";
import { Checker, describe, isEmpty, isObj, joinKey, suggest } from "./config-checker.js";
import { CALL_UNTIL_ANSWERED, defaultOf, durationField, integerField, keysOf, LADDER_STEP, NOTIFICATION_RULES, PAGING, variantNames } from "./config-shape.js";
import type { LadderStep, NotificationRules, PagingLimits } from "./config-types.js";

/** Team-wide ladders when `notification_rules` is left out: a Slack DM, for important pages too. */
export const DEFAULT_NOTIFICATION_RULES: NotificationRules = {
  default: [{ type: "slack_dm" }],
  important: [{ type: "slack_dm" }],
};

const SMS_PER_WINDOW = integerField(PAGING, "sms_per_window");
const CALLS_PER_WINDOW = integerField(PAGING, "calls_per_window");
const PAGING_WINDOW = durationField(PAGING, "window");
export const DEFAULT_PAGING: PagingLimits = {
  smsPerWindow: defaultOf(SMS_PER_WINDOW),
  callsPerWindow: defaultOf(CALLS_PER_WINDOW),
  windowSeconds: defaultOf(PAGING_WINDOW),
};

const RULES_KEYS = keysOf(NOTIFICATION_RULES);
type LadderType = LadderStep["type"];
/** Rungs in the order messages list them, and those that may be a bare string (`- sms`). */
const LADDER_TYPES: readonly LadderType[] = variantNames(LADDER_STEP);
const PHONE_TYPES: readonly LadderType[] = ["sms", "call", "call_until_answered"];
const BARE_TYPES = variantNames(LADDER_STEP, "bare") as Exclude<LadderType, "wait">[];
const LADDER_EXAMPLE = "[slack_dm, {wait: 2m}, call]";
const STEP_EXPECTATION = "a notification step: slack_dm, sms, call, call_until_answered or {wait: 2m}";
/**
 * `call_until_answered` bounds, shared with `/oncall me rules` (src/paging/settings/ladder-text.ts).
 * `every` is the pause after a call ended unanswered (or its result timed out) before the next call,
 * so even the minimum never overlaps two calls.
 */
const CALL_EVERY = durationField(CALL_UNTIL_ANSWERED, "every");
const CALL_TIMES = integerField(CALL_UNTIL_ANSWERED, "times");
export const DEFAULT_CALL_EVERY_SECONDS = defaultOf(CALL_EVERY);
export const MIN_CALL_EVERY_SECONDS = CALL_EVERY.min;
export const DEFAULT_CALL_TIMES = defaultOf(CALL_TIMES);
export const MAX_CALL_TIMES = CALL_TIMES.max!;

/**
 * The top-level `notification_rules`; each ladder left out is a Slack DM. A ladder the per-number
 * `paging` limits would cut is a warning (see {@link warnOverLimits}).
 */
export function validateTeamRules(c: Checker, v: unknown, paging: PagingLimits): NotificationRules {
  if (isEmpty(v)) return DEFAULT_NOTIFICATION_RULES;
  const obj = c.object(v, "notification_rules", RULES_KEYS, `notification rules like {default: ${LADDER_EXAMPLE}, important: [call]}`);
  if (obj === null) return DEFAULT_NOTIFICATION_RULES;
  const ladder = (key: "default" | "important") => {
    const p = `notification_rules.${key}`;
    const steps = validateLadder(c, obj[key], p, null);
    if (steps) warnOverLimits(c, p, steps, paging);
    return steps ?? DEFAULT_NOTIFICATION_RULES[key];
  };
  return { default: ladder("default"), important: ladder("important") };
}

/**
 * A valid ladder that the per-number limits would cut (calls not placed, texts only bundled) is a
 * warning, not an error: calpage still runs it, and the first calls and texts go out. Every
 * channel it runs into is reported on the ladder's line.
 */
function warnOverLimits(c: Checker, p: string, steps: readonly LadderStep[], paging: PagingLimits): void {
  for (const over of ladderOverLimits(steps, paging)) c.warn(p, ladderOverLimitText(over));
}

/**
 * A user's own `notification_rules`; null when left out (the team-wide rules apply).
 * A ladder the user leaves out is the team-wide one. `phoneless` names the user when they have
 * no phone: their own sms/call steps are then problems (team-wide ones are skipped at send time).
 */
export function validateUserRules(
  c: Checker,
  v: unknown,
  p: string,
  team: NotificationRules,
  phoneless: string | null,
  paging: PagingLimits,
): NotificationRules | null {
  if (isEmpty(v)) return null;
  const obj = c.object(v, p, RULES_KEYS, `notification rules like {default: ${LADDER_EXAMPLE}, important: [call]}`);
  if (obj === null) return null;
  const own = (key: "default" | "important") => {
    const steps = validateLadder(c, obj[key], joinKey(p, key), phoneless);
    // Only the person's own ladders: an inherited team-wide one is reported once, on its own line.
    if (steps) warnOverLimits(c, joinKey(p, key), steps, paging);
    return steps;
  };
  const rules = { default: own("default"), important: own("important") };
  return {
    default: isEmpty(obj.default) ? team.default : rules.default ?? team.default,
    important: isEmpty(obj.important) ? team.important : rules.important ?? team.important,
  };
}

/** A ladder: absent gives null (the caller's fallback); bad gives null after reporting. */
function validateLadder(c: Checker, v: unknown, p: string, phoneless: string | null): LadderStep[] | null {
  if (isEmpty(v)) return null;
  // A single step needs no list: `default: slack_dm`.
  const single = typeof v === "string";
  const items = single ? [v] : c.list(v, p, false, `a list of notification steps like ${LADDER_EXAMPLE}`);
  if (items === null) return null;
  if (items.length === 0) {
    c.report(p, `expected at least one step, like ${LADDER_EXAMPLE} (leave the key out for the team-wide rules)`);
    return null;
  }
  const steps: LadderStep[] = [];
  let good = true;
  items.forEach((item, i) => {
    const stepPath = single ? p : `${p}[${i}]`;
    const step = validateLadderStep(c, item, stepPath);
    if (step === null) {
      good = false;
      return;
    }
    if (phoneless !== null && (PHONE_TYPES as readonly string[]).includes(step.type)) {
      c.report(stepPath, `${step.type} needs a phone number for ${phoneless}`);
      good = false;
      return;
    }
    steps.push(step);
  });
  if (!good) return null;
  if (steps.every((step) => step.type === "wait")) {
    c.report(p, `the ladder only waits and never notifies; add slack_dm, sms, call or call_until_answered, like ${LADDER_EXAMPLE}`);
    return null;
  }
  return steps;
}

function validateLadderStep(c: Checker, v: unknown, p: string): LadderStep | null {
  if (typeof v === "string") {
    const s = v.trim();
    const type = BARE_TYPES.find((t) => t === s);
    if (type === "call_until_answered") return callUntilAnswered(c, null, p);
    if (type !== undefined) return { type };
    if (s === "wait") {
      c.report(p, "wait needs a duration, like - wait: 2m");
      return null;
    }
    c.report(p, unknownStepMessage(s));
    return null;
  }
  if (!isObj(v)) {
    if (isEmpty(v)) c.missing(p, STEP_EXPECTATION);
    else c.report(p, `expected ${STEP_EXPECTATION}, found ${describe(v)}`);
    return null;
  }
  const keys = Object.keys(v);
  const unknown = keys.filter((k) => !(LADDER_TYPES as readonly string[]).includes(k));
  for (const key of unknown) c.report(joinKey(p, key), unknownStepMessage(key), true);
  if (unknown.length > 0) return null;
  if (keys.length !== 1) {
    c.report(p, keys.length === 0 ? `expected ${STEP_EXPECTATION}, found an empty mapping` : `a step has exactly one type, found ${keys.join(" and ")}; put each in its own "- " item`);
    return null;
  }
  const type = keys[0] as LadderType;
  const typePath = joinKey(p, type);
  const value = v[type];
  switch (type) {
    case "wait": {
      const seconds = c.boundedDuration(value, typePath, true, "wait", 1);
      return seconds === null ? null : { type, seconds };
    }
    case "call_until_answered":
      return callUntilAnswered(c, value, typePath);
    default:
      if (!isEmpty(value)) {
        c.report(typePath, `${type} takes no value; write it as - ${type}`);
        return null;
      }
      return { type };
  }
}

function callUntilAnswered(c: Checker, v: unknown, p: string): LadderStep | null {
  if (isEmpty(v)) return { type: "call_until_answered", everySeconds: DEFAULT_CALL_EVERY_SECONDS, times: DEFAULT_CALL_TIMES };
  const obj = c.object(v, p, keysOf(CALL_UNTIL_ANSWERED), `call settings like {every: 2m, times: 5} (empty: every 2m, 5 times)`);
  if (obj === null) return null;
  const everySeconds = isEmpty(obj.every)
    ? DEFAULT_CALL_EVERY_SECONDS
    : c.boundedDuration(obj.every, joinKey(p, "every"), true, "every", MIN_CALL_EVERY_SECONDS);
  const times = c.integer(obj.times, joinKey(p, "times"), { min: CALL_TIMES.min, max: MAX_CALL_TIMES, example: DEFAULT_CALL_TIMES, what: "calls" }, DEFAULT_CALL_TIMES);
  if (everySeconds === null || times === null) return null;
  return { type: "call_until_answered", everySeconds, times };
}

function unknownStepMessage(word: string): string {
  const suggestion = suggest(word, LADDER_TYPES);
  return `unknown notification step ${describe(word)}${suggestion ? ` (did you mean "${suggestion}"?)` : ""}; expected slack_dm, sms, call, call_until_answered or wait: 2m`;
}

/** The top-level `paging` limits; each one left out has its default (5 SMS, 3 calls per 15m). */
export function validatePaging(c: Checker, v: unknown): PagingLimits {
  if (isEmpty(v)) return DEFAULT_PAGING;
  const obj = c.object(v, "paging", keysOf(PAGING), "paging limits like {sms_per_window: 5, calls_per_window: 3, window: 15m}");
  if (obj === null) return DEFAULT_PAGING;
  const smsPerWindow = c.integer(obj.sms_per_window, "paging.sms_per_window", { min: SMS_PER_WINDOW.min, example: DEFAULT_PAGING.smsPerWindow, what: "SMS" }, DEFAULT_PAGING.smsPerWindow);
  const callsPerWindow = c.integer(obj.calls_per_window, "paging.calls_per_window", { min: CALLS_PER_WINDOW.min, example: DEFAULT_PAGING.callsPerWindow, what: "calls" }, DEFAULT_PAGING.callsPerWindow);
  const windowSeconds = isEmpty(obj.window) ? DEFAULT_PAGING.windowSeconds : c.boundedDuration(obj.window, "paging.window", true, "window", PAGING_WINDOW.min);
  return {
    smsPerWindow: smsPerWindow ?? DEFAULT_PAGING.smsPerWindow,
    callsPerWindow: callsPerWindow ?? DEFAULT_PAGING.callsPerWindow,
    windowSeconds: windowSeconds ?? DEFAULT_PAGING.windowSeconds,
  };
}
