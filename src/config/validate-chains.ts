import { Checker, describe, isEmpty, isObj, joinKey, missingReference, suggest } from "./config-checker.js";
import { defaultOf, durationField, ESCALATION_CHAIN, ESCALATION_STEP, IF_ALERTS, integerField, isRequired, keysOf, variantNames, WEBHOOK_STEP } from "./config-shape.js";
import type { AckTimeout, EscalationChainConfig, EscalationStep } from "./config-types.js";
import { validateTimeWindow } from "./parse-time-window.js";

export interface UserLookup {
  /** Lower-cased email, name or alias -> the user's email. */
  byIdentifier: Map<string, string>;
  /** Every email, name and alias as written, for did-you-mean hints. */
  identifiers: string[];
}

/** What steps may refer to. */
export interface StepContext {
  scheduleNames: Set<string>;
  users: UserLookup;
  /** The top-level timezone: `if_time` windows without their own zone use it. */
  timezone: string;
}

type StepType = EscalationStep["type"];
/** Step types in the order messages list them, those taking `important: true`, and those that may be a bare string (`- resolve`). */
const STEP_TYPES: readonly StepType[] = variantNames(ESCALATION_STEP);
const IMPORTANT_TYPES: readonly StepType[] = variantNames(ESCALATION_STEP, "important");
const BARE_TYPES: readonly StepType[] = variantNames(ESCALATION_STEP, "bare");
const STEP_EXAMPLES: Record<StepType, string> = {
  wait: "- wait: 5m",
  notify_schedule: "- notify_schedule: primary",
  notify_users: "- notify_users: [alice@example.com]",
  notify_round_robin: "- notify_round_robin: [alice@example.com, bob@example.com]",
  notify_user_group: "- notify_user_group: oncall-db",
  notify_channel: "- notify_channel: here",
  webhook: "- webhook: https://hooks.example.com/page",
  resolve: "- resolve",
  repeat: "- repeat: 2",
  if_time: '- if_time: "09:00-17:00 mon-fri"',
  if_alerts: '- if_alerts: "5 in 10m"',
};
const DEFAULT_REPEAT_TIMES = 3;
const WEBHOOK_TIMEOUT = durationField(WEBHOOK_STEP, "timeout");
const WEBHOOK_RETRIES = integerField(WEBHOOK_STEP, "retries");
const DEFAULT_WEBHOOK_TIMEOUT_SECONDS = defaultOf(WEBHOOK_TIMEOUT);
const DEFAULT_WEBHOOK_RETRIES = defaultOf(WEBHOOK_RETRIES);
const USER_GROUP_RE = /^[a-z0-9][a-z0-9._-]*$/i;
const USER_GROUP_EXPECTATION = "a Slack user group handle like oncall-db";
const USERS_EXPECTATION = "a list of users (email, name or alias) like [alice@example.com, Bob Example]";
const WEBHOOK_EXAMPLE = "https://hooks.example.com/page";
const ALERTS_EXAMPLE = '"5 in 10m" or {count: 5, within: 10m}';

/** How long the acknowledger has to answer "still on it?" unless `ack_timeout.answer_within` says otherwise. */
export const DEFAULT_ACK_ANSWER_WITHIN_SECONDS = 5 * 60;
const ACK_TIMEOUT_EXAMPLE = "a duration like 30m, or {after: 30m, answer_within: 5m}";

/** `ack_timeout: 30m` or `{after: 30m, answer_within: 5m}`; null = not set, undefined = invalid (reported). */
function validateAckTimeout(c: Checker, v: unknown, p: string): AckTimeout | null | undefined {
  if (isEmpty(v)) return null;
  if (isObj(v)) {
    const obj = c.object(v, p, ["after", "answer_within"], ACK_TIMEOUT_EXAMPLE);
    if (obj === null) return undefined;
    const after = c.boundedDuration(obj.after, joinKey(p, "after"), true, "ack_timeout.after", 1, 7 * 86_400);
    const within = isEmpty(obj.answer_within) ? DEFAULT_ACK_ANSWER_WITHIN_SECONDS : c.boundedDuration(obj.answer_within, joinKey(p, "answer_within"), true, "ack_timeout.answer_within", 1, 86_400);
    return after === null || within === null ? undefined : { afterSeconds: after, answerWithinSeconds: within };
  }
  const after = c.boundedDuration(v, p, true, "ack_timeout", 1, 7 * 86_400);
  return after === null ? undefined : { afterSeconds: after, answerWithinSeconds: DEFAULT_ACK_ANSWER_WITHIN_SECONDS };
}

/** `escalation_chains`: names must be unique; each chain needs at least one step. */
export function validateChains(c: Checker, v: unknown, ctx: StepContext): { list: EscalationChainConfig[]; names: Set<string> } {
  const list: EscalationChainConfig[] = [];
  const names = new Set<string>();
  const seen = new Map<string, string>();
  const items = c.list(v, "escalation_chains", false, "a list of escalation chains like [{name: default, steps: [...]}]") ?? [];

  items.forEach((item, i) => {
    const p = `escalation_chains[${i}]`;
    const obj = c.object(item, p, keysOf(ESCALATION_CHAIN), "an escalation chain like {name: default, steps: [{notify_schedule: primary}]}");
    if (obj === null) return;
    if (typeof obj.name === "string") names.add(obj.name.trim());
    const name = c.name(obj.name, `${p}.name`, "escalation chain", seen);
    const stepItems = c.list(obj.steps, `${p}.steps`, isRequired(ESCALATION_CHAIN, "steps"), "a list of steps like [{notify_schedule: primary}, {wait: 5m}]");
    if (stepItems !== null && stepItems.length === 0) {
      c.report(`${p}.steps`, "expected at least one step, like - notify_schedule: primary");
    }
    const steps: EscalationStep[] = [];
    let complete = stepItems !== null;
    const last = (stepItems?.length ?? 0) - 1;
    (stepItems ?? []).forEach((stepItem, j) => {
      const sp = `${p}.steps[${j}]`;
      const step = validateStep(c, stepItem, sp, ctx);
      if (step === null) {
        complete = false;
        return;
      }
      // Bare `- resolve` has no key of its own: point at the item then.
      const typePath = isObj(stepItem) ? joinKey(sp, step.type) : sp;
      if (step.type === "repeat") {
        if (j !== last) {
          c.report(typePath, "repeat must be the last step (it starts the chain over from the first step)");
        } else if (j === 0) {
          c.report(typePath, "repeat needs steps before it to repeat");
        }
      } else if (step.type === "resolve" && j !== last) {
        c.report(typePath, "resolve ends the chain, so the steps after it never run; make it the last step");
      } else if ((step.type === "if_time" || step.type === "if_alerts") && j === last) {
        c.report(typePath, `${step.type} as the last step guards nothing; put the steps it should guard after it`);
      }
      steps.push(step);
    });
    const ackTimeout = validateAckTimeout(c, obj.ack_timeout, `${p}.ack_timeout`);
    if (name === null || !complete || ackTimeout === undefined) return;
    list.push({ name, steps, ...(ackTimeout ? { ackTimeout } : {}) });
  });
  return { list, names };
}

function validateStep(c: Checker, v: unknown, p: string, ctx: StepContext): EscalationStep | null {
  const allowed = `step types: ${STEP_TYPES.join(", ")}`;
  if (typeof v === "string") {
    const s = v.trim();
    const type = STEP_TYPES.find((t) => t === s);
    if (type !== undefined && BARE_TYPES.includes(type)) return stepOf(c, type, null, p, false, ctx);
    const suggestion = type === undefined && /^[a-z_]+$/i.test(s) ? suggest(s, STEP_TYPES) : null;
    if (type !== undefined) c.report(p, `${type} needs a value, like ${STEP_EXAMPLES[type]}`);
    else if (suggestion !== null) c.report(p, `unknown step type "${s}" (did you mean "${suggestion}"?); expected one of ${STEP_TYPES.join(", ")}`);
    else c.report(p, `expected a step like - wait: 5m (${allowed}), found ${describe(v)}`);
    return null;
  }
  if (!isObj(v)) {
    if (isEmpty(v)) c.missing(p, `a step like - wait: 5m (${allowed})`);
    else c.report(p, `expected a step like - wait: 5m (${allowed}), found ${describe(v)}`);
    return null;
  }
  const keys = Object.keys(v);
  const types = keys.filter((k): k is StepType => (STEP_TYPES as readonly string[]).includes(k));
  const unknown = keys.filter((k) => k !== "important" && !(STEP_TYPES as readonly string[]).includes(k));
  for (const key of unknown) {
    const suggestion = suggest(key, [...STEP_TYPES, "important"]);
    c.report(joinKey(p, key), `unknown step type "${key}"${suggestion ? ` (did you mean "${suggestion}"?)` : ""}; expected one of ${STEP_TYPES.join(", ")}`, true);
  }
  if (types.length === 0) {
    if (unknown.length === 0) c.report(p, `a step needs a type; expected one of ${STEP_TYPES.join(", ")}, like - wait: 5m`);
    return null;
  }
  if (types.length > 1) {
    c.report(p, `a step has exactly one type, found ${types.join(" and ")}; put each in its own "- " item (${allowed})`);
    return null;
  }
  if (unknown.length > 0) return null;
  const type = types[0]!;

  let important = false;
  if ("important" in v) {
    if (!IMPORTANT_TYPES.includes(type)) {
      c.report(joinKey(p, "important"), `important applies only to ${IMPORTANT_TYPES.join(", ")} steps, not to ${type}`);
    } else {
      important = c.bool(v.important, joinKey(p, "important"), false);
    }
  }
  return stepOf(c, type, v[type], joinKey(p, type), important, ctx);
}

function stepOf(c: Checker, type: StepType, value: unknown, typePath: string, important: boolean, ctx: StepContext): EscalationStep | null {
  switch (type) {
    case "wait": {
      const seconds = c.boundedDuration(value, typePath, true, "wait", 1);
      return seconds === null ? null : { type, seconds };
    }
    case "notify_schedule": {
      const schedule = c.text(value, typePath, true, "the name of a schedule like primary");
      if (schedule === null) return null;
      if (!ctx.scheduleNames.has(schedule)) {
        c.report(typePath, missingReference("schedule", schedule, [...ctx.scheduleNames]));
        return null;
      }
      return { type, schedule, important };
    }
    case "notify_users":
    case "notify_round_robin": {
      const users = userList(c, value, typePath, ctx);
      return users === null ? null : { type, users, important };
    }
    case "notify_user_group": {
      const group = validateUserGroup(c, value, typePath, true);
      return group === null ? null : { type, group, important };
    }
    case "notify_channel": {
      const expectation = "here or channel (an @here or @channel mention in the alert's channel)";
      const s = c.text(value, typePath, true, expectation);
      if (s === null) return null;
      const mention = s.replace(/^@/, "").toLowerCase();
      if (mention !== "here" && mention !== "channel") {
        c.report(typePath, `expected ${expectation}, found ${describe(s)}`);
        return null;
      }
      return { type, mention };
    }
    case "webhook":
      return webhook(c, value, typePath);
    case "resolve": {
      if (isEmpty(value) || value === true) return { type };
      c.report(
        typePath,
        value === false ? "resolve: false does nothing; remove the step, or write - resolve" : `expected - resolve (or resolve: true), found ${describe(value)}`,
      );
      return null;
    }
    case "repeat": {
      if (isEmpty(value)) return { type, times: DEFAULT_REPEAT_TIMES };
      if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
        c.report(typePath, `expected a whole number of repeats of at least 1 like 2 (empty means ${DEFAULT_REPEAT_TIMES}), found ${describe(value)}`);
        return null;
      }
      return { type, times: value };
    }
    case "if_time":
      return validateTimeWindow(c, value, typePath, ctx.timezone);
    case "if_alerts":
      return ifAlerts(c, value, typePath);
  }
}

/** Users by email, name or alias (case-insensitive) -> their emails, without repeats; a single name is a one-item list. */
function userList(c: Checker, value: unknown, typePath: string, ctx: StepContext): string[] | null {
  let entries: { text: unknown; path: string }[];
  if (Array.isArray(value)) {
    if (value.length === 0) {
      c.report(typePath, `expected at least one user; expected ${USERS_EXPECTATION}`);
      return null;
    }
    entries = value.map((text, k) => ({ text, path: `${typePath}[${k}]` }));
  } else if (typeof value === "string" || isEmpty(value)) {
    entries = [{ text: value, path: typePath }];
  } else {
    c.report(typePath, `expected ${USERS_EXPECTATION}, found ${describe(value)}`);
    return null;
  }
  const emails: string[] = [];
  let good = true;
  for (const entry of entries) {
    const who = c.text(entry.text, entry.path, true, USERS_EXPECTATION);
    if (who === null) {
      good = false;
      continue;
    }
    const email = ctx.users.byIdentifier.get(who.toLowerCase());
    if (email === undefined) {
      const suggestion = suggest(who, ctx.users.identifiers);
      const hint = suggestion ? ` (did you mean "${suggestion}"?)` : "";
      c.report(entry.path, `no user "${who}"${hint}; users are matched by email, name or alias (case-insensitive)`);
      good = false;
      continue;
    }
    if (!emails.includes(email)) emails.push(email);
  }
  return good ? emails : null;
}

/** A Slack user group handle (leading @ dropped) or id (S…). */
export function validateUserGroup(c: Checker, v: unknown, p: string, required: boolean): string | null {
  const s = c.text(v, p, required, USER_GROUP_EXPECTATION);
  if (s === null) return null;
  const handle = s.replace(/^@/, "");
  if (!USER_GROUP_RE.test(handle)) {
    c.report(p, `expected ${USER_GROUP_EXPECTATION} (letters, digits, ., _ and -) or a user group id like S0123ABCD, found ${describe(s)}`);
    return null;
  }
  return handle;
}

function webhook(c: Checker, v: unknown, p: string): EscalationStep | null {
  if (typeof v === "string" || isEmpty(v)) {
    const url = c.httpUrl(v, p, true, WEBHOOK_EXAMPLE);
    return url === null ? null : { type: "webhook", url, timeoutSeconds: DEFAULT_WEBHOOK_TIMEOUT_SECONDS, retries: DEFAULT_WEBHOOK_RETRIES };
  }
  const obj = c.object(v, p, keysOf(WEBHOOK_STEP), `a URL like ${WEBHOOK_EXAMPLE} or {url: ${WEBHOOK_EXAMPLE}, timeout: 10s, retries: 3}`);
  if (obj === null) return null;
  const url = c.httpUrl(obj.url, joinKey(p, "url"), isRequired(WEBHOOK_STEP, "url"), WEBHOOK_EXAMPLE);
  const timeoutSeconds = isEmpty(obj.timeout) ? DEFAULT_WEBHOOK_TIMEOUT_SECONDS : c.boundedDuration(obj.timeout, joinKey(p, "timeout"), true, "timeout", WEBHOOK_TIMEOUT.min, WEBHOOK_TIMEOUT.max);
  const retries = c.integer(obj.retries, joinKey(p, "retries"), { min: WEBHOOK_RETRIES.min, max: WEBHOOK_RETRIES.max, example: DEFAULT_WEBHOOK_RETRIES, what: "retries" }, DEFAULT_WEBHOOK_RETRIES);
  if (url === null || timeoutSeconds === null || retries === null) return null;
  return { type: "webhook", url, timeoutSeconds, retries };
}

function ifAlerts(c: Checker, v: unknown, p: string): EscalationStep | null {
  const countRange = { min: integerField(IF_ALERTS, "count").min, example: 5, what: "alerts" };
  if (typeof v === "string") {
    const m = /^\s*(\S+)\s+(?:alerts?\s+)?in\s+(.+?)\s*$/i.exec(v);
    if (!m) {
      c.report(p, `expected an alert count like ${ALERTS_EXAMPLE} (more than 5 alerts in the last 10 minutes), found ${describe(v)}`);
      return null;
    }
    const countText = m[1]!;
    const count = /^\d+$/.test(countText) ? Number(countText) : null;
    if (count === null) c.report(p, `expected a whole number of alerts of at least 0 before "in", like ${ALERTS_EXAMPLE}, found ${describe(countText)}`);
    const withinSeconds = within(c, m[2], p);
    return count === null || withinSeconds === null ? null : { type: "if_alerts", count, withinSeconds };
  }
  const obj = c.object(v, p, keysOf(IF_ALERTS), `an alert count like ${ALERTS_EXAMPLE}`);
  if (obj === null) return null;
  const count = c.integer(obj.count, joinKey(p, "count"), countRange, null);
  const withinSeconds = within(c, obj.within, joinKey(p, "within"));
  return count === null || withinSeconds === null ? null : { type: "if_alerts", count, withinSeconds };
}

function within(c: Checker, v: unknown, p: string): number | null {
  return c.boundedDuration(v, p, true, "the time span", durationField(IF_ALERTS, "within").min);
}
