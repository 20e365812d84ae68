import { distinctAlerts } from "../alerts/alert-identity.js";
import type { IncomingGroup } from "../alerts/incoming-group.js";
import { selectRoute } from "../alerts/select-route.js";
import type { EscalationChainConfig, IntegrationConfig, LadderStep, PagingLimits } from "../config/config-types.js";
import { initialEscalation, type EscalationEvent, type EscalationFacts, type EscalationState, type EscalationStep } from "../escalation/escalation-state.js";
import { transition } from "../escalation/transition.js";
import { initialLadder, ladderTransition, type LadderChannel, type LadderEvent, type LadderState } from "../notify/ladder/ladder.js";
import { decideThrottle } from "../notify/ladder/throttle.js";
import type { EffectiveContact } from "../paging/effective-contact.js";
import { reachableSteps } from "../paging/ladder-pager.js";
import { formatDuration } from "../shared/duration.js";
import type { SimulatedEvent, SimulatedGroup, Simulation, SimulationEndReason } from "./simulation.js";

/** Default span simulated after the alert arrives. */
export const DEFAULT_HORIZON_MS = 24 * 3_600_000;
/** Default most events recorded per simulation (a chain repeated many times with short waits stops here). */
export const DEFAULT_MAX_EVENTS = 500;
/** A call rings this long before Twilio reports it not answered (the page handler's call timeout). */
export const CALL_RING_SECONDS = 30;

/**
 * Quiet hours (`/oncall me quiet`): asked before each text or call of a ladder; a non-null answer
 * holds the send back with that reason, as the pager skips SMS and call rungs of a normal page in
 * the person's quiet hours. The shell builds it from the stored settings and people's zones.
 */
export type QuietHours = (email: string, channel: "sms" | "call", at: number, important: boolean) => string | null;

/** What the simulation reads from the outside world, all synchronous: the shell loads it first. */
export interface SimulationWorld {
  /** Emails on call in `schedule` at `at`; null when calpage does not know (its feed was never fetched). */
  whoIsOnCall(schedule: string, at: number): string[] | null;
  /** How a person is reached (phone, ladders, SMS stopped), as the pager would read it. */
  contactOf(email: string): EffectiveContact;
  nameOf(email: string): string;
  /** Whether Twilio is configured (SMS and call rungs are dropped otherwise, as the pager does). */
  phoneEnabled: boolean;
  paging: PagingLimits;
  /** The value the stored round-robin counter `name` takes on its next use (1 for a fresh one). */
  roundRobinNext(name: string): number;
  /** Sends of this kind to this number already in the limit's window before `at` (epoch ms). */
  sentBefore?(phone: string, channel: "sms" | "call"): readonly number[];
  /** When the integration is in maintenance at the time of the alert: its end, and who started it. */
  maintenance?: { until: number; startedBy: string } | null;
  quietHours?: QuietHours;
  /** The number of the open (not resolved) group of this integration with this grouping key, if any. */
  openGroup?(groupingKey: string): number | null;
}

export interface SimulationRequest {
  integration: IntegrationConfig;
  /** The payload's groups, as the integration's parser read them. */
  groups: readonly IncomingGroup[];
  chains: readonly EscalationChainConfig[];
  at: number;
  horizonMs?: number;
  maxEvents?: number;
}

type Timer =
  | { at: number; order: number; kind: "escalation"; group: number; seq: number }
  | { at: number; order: number; kind: "ladder"; group: number; email: string; seq: number }
  | { at: number; order: number; kind: "call_result"; group: number; email: string; rung: number; attempt: number }
  | { at: number; order: number; kind: "bundle"; phone: string; email: string };

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

interface Ladder {
  state: LadderState;
  steps: LadderStep[];
  important: boolean;
  /** The 1-based chain step that started this run of the ladder (its sends are shown under it). */
  step: number;
}

interface GroupRun {
  out: SimulatedGroup;
  chain: string | null;
  steps: readonly EscalationStep[];
  state: EscalationState;
  facts: EscalationFacts;
  ladders: Map<string, Ladder>;
  resolvedAt: number | null;
  /** Set when the chain stopped for a reason other than running out (resolve, hold). */
  stopped: SimulationEndReason | null;
}

/**
 * PURE: plays what the server would do with `request.groups` arriving at `request.at`, with the
 * same escalation state machine ({@link transition}), the same ladders ({@link ladderTransition},
 * {@link reachableSteps}) and the same per-number limit ({@link decideThrottle}) — forward in
 * simulated time, asking `world.whoIsOnCall` at each step's own time. Nobody acknowledges and no
 * call is answered, so it shows everything the chain can do. Nothing is written anywhere.
 *
 * Bounded: it stops when the chain and every ladder have ended, at `horizonMs` after the alert
 * (default 24 h) or after `maxEvents` events (default 500), and says which.
 */
export function simulatePage(request: SimulationRequest, world: SimulationWorld): Simulation {
  const { integration, at } = request;
  const horizonMs = request.horizonMs ?? DEFAULT_HORIZON_MS;
  const maxEvents = request.maxEvents ?? DEFAULT_MAX_EVENTS;
  const chains = new Map(request.chains.map((c) => [c.name, c]));
  const timers: Timer[] = [];
  let order = 0;
  let events = 0;
  const addTimer = (t: DistributiveOmit<Timer, "order">) => timers.push({ ...t, order: order++ } as Timer);

  // Per-number limit state shared by all groups: what went out, held-back texts waiting for their bundle.
  const sent = new Map<string, number[]>();
  const heldTexts = new Map<string, number>();
  const bundleAt = new Map<string, number>();
  const heldNoticeAt = new Map<string, number>();
  const roundRobinUsed = new Map<string, number>();
  const sentTo = (channel: "sms" | "call", phone: string): number[] => {
    const k = `${channel}:${phone}`;
    let list = sent.get(k);
    if (!list) {
      list = [...(world.sentBefore?.(phone, channel) ?? [])];
      sent.set(k, list);
    }
    return list;
  };

  const runs: GroupRun[] = [];
  const seenKeys = new Set<string>();
  for (const g of request.groups) {
    const alerts = distinctAlerts(g.alerts).size;
    const route = selectRoute(integration, g.labels);
    const chain = route.chain ? (chains.get(route.chain) ?? null) : null;
    const out: SimulatedGroup = {
      title: g.title,
      groupingKey: g.groupingKey,
      alerts,
      route: {
        index: route.index,
        label: route.index === null ? "the default route" : `route ${route.index + 1}`,
        chain: chain?.name ?? null,
        channel: route.postToSlack === false ? null : route.channel,
      },
      events: [],
      end: { reason: "chain_end", at, text: "" },
    };
    const run: GroupRun = { out, chain: chain?.name ?? null, steps: chain?.steps ?? [], state: initialEscalation, facts: { alertTimes: Array<number>(alerts).fill(at) }, ladders: new Map(), resolvedAt: null, stopped: null };
    runs.push(run);
    if (g.status === "resolved" || g.acknowledge === true) {
      const what = g.acknowledge === true ? "acknowledges" : "resolves";
      const open = world.openGroup?.(g.groupingKey) ?? null;
      const target = open === null ? `the open group with grouping key "${g.groupingKey}", but none is open now` : `alert group #${open}`;
      out.end = { reason: "not_opened", at, text: `This payload ${what} ${target}; it opens nothing and pages nobody.` };
      continue;
    }
    if (seenKeys.has(g.groupingKey)) {
      out.end = { reason: "not_opened", at, text: `An earlier group of this payload has the same grouping key "${g.groupingKey}": these alerts join it.` };
      continue;
    }
    seenKeys.add(g.groupingKey);
    if (!chain) {
      out.end = { reason: "no_chain", at, text: `${out.route.label.charAt(0).toUpperCase()}${out.route.label.slice(1)} has no escalation chain: the group is posted${out.route.channel ? ` in ${out.route.channel}` : ""} and nobody is paged.` };
      continue;
    }
    const open = world.openGroup?.(g.groupingKey) ?? null;
    if (open !== null) {
      record(run, {
        at,
        kind: "note",
        text: `Alert group #${open} is open with this grouping key: the server would add these alerts to it (its chain is already running) instead of opening a new one. Shown below as a new group.`,
      });
    }
    const m = world.maintenance;
    if (m && m.until > at) {
      out.end = { reason: "maintenance", at, text: `${integration.name} is in maintenance until ${new Date(m.until).toISOString()} (started by ${m.startedBy}): the group opens but is not escalated.` };
      continue;
    }
    escalate(runs.length - 1, { type: "start" }, at);
  }

  const limitReached = () => events >= maxEvents;
  function record(run: GroupRun, e: Partial<SimulatedEvent> & Pick<SimulatedEvent, "at" | "kind" | "text">): void {
    events++;
    run.out.events.push({ step: null, email: null, name: null, channel: null, rung: null, attempt: null, important: false, ...e });
  }

  function escalate(index: number, event: EscalationEvent, now: number): void {
    const run = runs[index]!;
    const t = transition(run.state, event, run.steps, now, run.facts);
    run.state = t.state;
    for (const effect of t.effects) {
      switch (effect.type) {
        case "set_timer":
          addTimer({ at: effect.at, kind: "escalation", group: index, seq: effect.seq });
          break;
        case "cancel_timer":
          break;
        case "log":
          record(run, { at: now, kind: "step", step: stepOf(effect.text), text: effect.text });
          break;
        case "notify_schedule": {
          const step = effect.step + 1;
          const emails = world.whoIsOnCall(effect.schedule, now);
          if (emails === null) {
            record(run, { at: now, kind: "step", step, text: `Step ${step}: who is on call in ${effect.schedule} is unknown — its feed was never fetched and no copy of it is stored; the server would page nobody.` });
          } else if (emails.length === 0) {
            record(run, { at: now, kind: "step", step, text: `Step ${step}: nobody is on call in schedule ${effect.schedule}; continuing.` });
          } else {
            record(run, { at: now, kind: "step", step, text: `Step ${step}: notifying on-call of ${effect.schedule}: ${emails.map(world.nameOf).join(", ")}.` });
            page(index, emails, effect.important, step, now);
          }
          break;
        }
        case "notify_users":
          record(run, { at: now, kind: "step", step: effect.step + 1, text: `Step ${effect.step + 1}: notifying ${effect.users.map(world.nameOf).join(", ")}.` });
          page(index, effect.users, effect.important, effect.step + 1, now);
          break;
        case "notify_round_robin": {
          const counter = `round_robin:${run.chain}:${effect.step}`;
          const turn = (roundRobinUsed.get(counter) ?? world.roundRobinNext(counter) - 1) + 1;
          roundRobinUsed.set(counter, turn);
          const email = effect.users[(turn - 1) % effect.users.length]!;
          record(run, { at: now, kind: "step", step: effect.step + 1, text: `Step ${effect.step + 1}: notifying ${world.nameOf(email)} (round robin, turn ${turn}).` });
          page(index, [email], effect.important, effect.step + 1, now);
          break;
        }
        case "notify_user_group":
          record(run, {
            at: now,
            kind: "step",
            step: effect.step + 1,
            important: effect.important,
            text: `Step ${effect.step + 1}: notifying the members of Slack user group @${effect.group} — who they are is asked from Slack when it pages, so their ladders are not shown.`,
          });
          break;
        case "notify_channel":
          if (run.out.route.channel) record(run, { at: now, kind: "mention", step: effect.step + 1, text: `Step ${effect.step + 1}: @${effect.mention} in ${run.out.route.channel}.` });
          else record(run, { at: now, kind: "step", step: effect.step + 1, text: `Step ${effect.step + 1}: the group has no Slack channel, so there is no one to @${effect.mention}.` });
          break;
        case "webhook":
          record(run, { at: now, kind: "webhook", step: effect.step + 1, text: `Step ${effect.step + 1}: calling webhook ${hostOf(effect.url)} (POST of the group; not called by the simulation).` });
          break;
        case "resolve":
          run.resolvedAt = now;
          run.stopped = "resolved";
          break;
      }
    }
    if (run.state.status === "active" && run.state.holding === "alerts") run.stopped = "holding";
  }

  /** The default pager: each person runs their own ladder; someone already being notified is not started again. */
  function page(index: number, emails: readonly string[], important: boolean, step: number, now: number): void {
    const run = runs[index]!;
    for (const email of emails) {
      const name = world.nameOf(email);
      const existing = run.ladders.get(email);
      if (existing?.state.status === "active") {
        record(run, { at: now, kind: "note", step, email, name, text: `${name} is already being notified about this group.` });
        continue;
      }
      const contact = world.contactOf(email);
      const wanted = important ? contact.rules.important : contact.rules.default;
      const { steps, dropped } = reachableSteps(wanted, contact.phone !== null, world.phoneEnabled, contact.smsOptOut);
      if (dropped) record(run, { at: now, kind: "note", step, email, name, text: `${name}: ${dropped}` });
      const ladder: Ladder = { state: existing?.state ?? initialLadder, steps: steps.length > 0 ? steps : [{ type: "slack_dm" }], important, step };
      run.ladders.set(email, ladder);
      ladderEvent(index, email, { type: "start" }, now);
    }
  }

  function ladderEvent(index: number, email: string, event: LadderEvent, now: number): void {
    const run = runs[index]!;
    const ladder = run.ladders.get(email)!;
    const step = ladder.step;
    const t = ladderTransition(ladder.state, event, ladder.steps, now);
    ladder.state = t.state;
    const name = world.nameOf(email);
    for (const e of t.effects) {
      switch (e.type) {
        case "send":
          deliver(index, email, ladder, e.channel, e.rung, e.attempt, now);
          break;
        case "set_timer":
          addTimer({ at: e.at, kind: "ladder", group: index, email, seq: e.seq });
          break;
        case "cancel_timer":
          break;
        case "log":
          // "finished" lines add nothing to a timeline; waits and call results do.
          if (!e.text.startsWith("Notification rules finished")) record(run, { at: now, kind: "note", step, email, name, text: `${name}: ${e.text}` });
          break;
      }
    }
  }

  /** The page handler's part: per-number limit (and quiet hours, when calpage has them), then the send. */
  function deliver(index: number, email: string, ladder: Ladder, channel: LadderChannel, rung: number, attempt: number, now: number): void {
    const run = runs[index]!;
    const step = ladder.step;
    const name = world.nameOf(email);
    const base = { at: now, step, email, name, channel, rung: rung + 1, attempt, important: ladder.important };
    const untilAnswered = ladder.steps[rung]?.type === "call_until_answered";
    const what = channel === "slack_dm" ? "Slack DM" : channel === "sms" ? "SMS" : untilAnswered ? `call ${attempt} (until answered)` : "call";
    if (channel === "slack_dm") {
      record(run, { ...base, kind: "page", text: `${what} to ${name}.` });
      return;
    }
    const phone = world.contactOf(email).phone;
    if (!phone) {
      record(run, { ...base, kind: "held_back", text: `Could not reach ${name} by ${channel}: no phone number.` });
      return;
    }
    const quiet = world.quietHours?.(email, channel, now, ladder.important) ?? null;
    if (quiet !== null) {
      record(run, { ...base, kind: "held_back", text: `The ${what} to ${name} is held back: ${quiet}` });
      if (untilAnswered) ladderEvent(index, email, { type: "call_result", rung, attempt, answered: false }, now);
      return;
    }
    const limits = world.paging;
    const limit = channel === "sms" ? limits.smsPerWindow : limits.callsPerWindow;
    const history = sentTo(channel, phone);
    const decision = decideThrottle(history.filter((s) => s > now - limits.windowSeconds * 1000), limit, limits.windowSeconds, now);
    if (!decision.allow) {
      const window = formatDuration(limits.windowSeconds);
      const per = `${channel === "sms" ? "paging.sms_per_window" : "paging.calls_per_window"} is ${limit} per ${window}`;
      if (channel === "sms") {
        heldTexts.set(phone, (heldTexts.get(phone) ?? 0) + 1);
        // One bundle job per number; a pending one keeps its time.
        if (!bundleAt.has(phone)) {
          bundleAt.set(phone, decision.bundleAt);
          addTimer({ at: decision.bundleAt, kind: "bundle", phone, email });
        }
        record(run, { ...base, kind: "held_back", text: `The SMS to ${name} is held back (${per}); it goes out bundled ${formatDuration(Math.max(0, Math.round((bundleAt.get(phone)! - now) / 1000)))} later at the earliest.` });
      } else {
        record(run, { ...base, kind: "held_back", text: `The ${what} to ${name} is held back (${per}): it is not placed.` });
      }
      if (ladder.important) heldBackNotice(run, email, phone, now);
      if (channel === "call") ladderEvent(index, email, { type: "call_result", rung, attempt, answered: false }, now);
      return;
    }
    history.push(now);
    record(run, { ...base, kind: "page", text: `${what.charAt(0).toUpperCase()}${what.slice(1)} to ${name}.` });
    // Nobody answers: a `call_until_answered` call's "not answered" arrives once it has rung out.
    if (channel === "call" && untilAnswered) addTimer({ at: now + CALL_RING_SECONDS * 1000, kind: "call_result", group: index, email, rung, attempt });
  }

  /** An important page held back: one SMS per window tells the person so (it counts against the SMS limit). */
  function heldBackNotice(run: GroupRun, email: string, phone: string, now: number): void {
    if (!world.phoneEnabled || world.contactOf(email).smsOptOut) return;
    const last = heldNoticeAt.get(phone);
    if (last !== undefined && now - last < world.paging.windowSeconds * 1000) return;
    heldNoticeAt.set(phone, now);
    sentTo("sms", phone).push(now);
    const name = world.nameOf(email);
    record(run, { at: now, kind: "page", email, name, channel: "sms", important: true, text: `SMS telling ${name} that an important page was held back.` });
  }

  function bundle(timer: Extract<Timer, { kind: "bundle" }>): void {
    const { phone, email } = timer;
    const history = sentTo("sms", phone);
    const limits = world.paging;
    const decision = decideThrottle(history.filter((s) => s > timer.at - limits.windowSeconds * 1000), limits.smsPerWindow, limits.windowSeconds, timer.at);
    if (!decision.allow) {
      bundleAt.set(phone, decision.bundleAt);
      addTimer({ at: decision.bundleAt, kind: "bundle", phone, email });
      return;
    }
    const count = heldTexts.get(phone) ?? 0;
    heldTexts.delete(phone);
    bundleAt.delete(phone);
    history.push(timer.at);
    const name = world.nameOf(email);
    // Shown with the first group still running (a bundle covers texts of every group).
    const run = runs.find((r) => r.ladders.has(email)) ?? runs[0]!;
    record(run, { at: timer.at, kind: "bundle", email, name, channel: "sms", text: `One SMS to ${name} bundling ${count} held-back text${count === 1 ? "" : "s"}.` });
  }

  /** Whether a timer still matters: stale ones (a seq that moved on, a resolved group) would do nothing on the server either. */
  function current(timer: Timer): boolean {
    if (timer.kind === "bundle") return true;
    const run = runs[timer.group]!;
    if (run.resolvedAt !== null) return false;
    if (timer.kind === "escalation") return run.state.seq === timer.seq && run.state.status === "active";
    const ladder = run.ladders.get(timer.email);
    if (ladder?.state.status !== "active") return false;
    if (timer.kind === "ladder") return ladder.state.seq === timer.seq;
    return ladder.state.awaitingCall && ladder.state.rung === timer.rung && ladder.state.attempt === timer.attempt;
  }

  /** A time in the stop texts, as a span from the alert: the timeline around it shows times in its own zone. */
  const afterAlert = (t: number) => `${formatDuration(Math.round((t - at) / 1000))} after the alert`;

  // The clock: always the earliest pending timer, until none is left or a bound is reached.
  const horizon = at + horizonMs;
  let stoppedBy: { reason: "horizon" | "event_limit"; at: number; text: string } | null = null;
  for (let guard = 0; timers.length > 0 && guard < maxEvents * 10; guard++) {
    timers.sort((a, b) => a.at - b.at || a.order - b.order);
    const timer = timers.shift()!;
    if (!current(timer)) continue;
    if (timer.at > horizon) {
      stoppedBy = { reason: "horizon", at: horizon, text: `Stopped at the ${formatDuration(horizonMs / 1000)} limit: the next event would be ${afterAlert(timer.at)}.` };
      break;
    }
    if (limitReached()) {
      stoppedBy = { reason: "event_limit", at: timer.at, text: `Stopped after ${maxEvents} events; more would follow from ${afterAlert(timer.at)}.` };
      break;
    }
    switch (timer.kind) {
      case "escalation":
        escalate(timer.group, { type: "tick", seq: timer.seq }, timer.at);
        break;
      case "ladder":
        ladderEvent(timer.group, timer.email, { type: "tick", seq: timer.seq }, timer.at);
        break;
      case "call_result":
        ladderEvent(timer.group, timer.email, { type: "call_result", rung: timer.rung, attempt: timer.attempt, answered: false }, timer.at);
        break;
      case "bundle":
        bundle(timer);
        break;
    }
  }

  const pending = timers.filter(current).sort((a, b) => a.at - b.at)[0];
  if (!stoppedBy && pending) stoppedBy = { reason: "event_limit", at: pending.at, text: `Stopped after ${events} events; more would follow from ${afterAlert(pending.at)}.` };

  for (const run of runs) {
    if (run.out.end.text !== "") continue;
    const last = run.out.events.reduce((t, e) => Math.max(t, e.at), at);
    const laddersRunning = [...run.ladders.values()].some((l) => l.state.status === "active");
    const chainWaiting = run.state.status === "active" && run.stopped !== "holding";
    if (run.stopped === "resolved") run.out.end = { reason: "resolved", at: run.resolvedAt!, text: "A resolve step resolved the group: nothing more is sent." };
    else if (stoppedBy && (chainWaiting || laddersRunning)) run.out.end = { ...stoppedBy };
    else if (run.stopped === "holding") {
      const step = run.steps[run.state.stepIndex];
      const cond = step?.type === "if_alerts" ? `more than ${step.count} alerts within ${formatDuration(step.withinSeconds)}` : "more alerts";
      run.out.end = { reason: "holding", at: last, text: `Step ${run.state.stepIndex + 1} holds the chain until ${cond}; the simulation sends no further alerts, so it holds here.` };
    } else run.out.end = { reason: "chain_end", at: last, text: "The chain ended and every notification ladder finished." };
  }

  return {
    integration: integration.name,
    integrationType: integration.type,
    at,
    horizonMs,
    groups: runs.map((r) => r.out),
    assumptions: [
      "Nobody acknowledges and no call is answered, so every step and rung runs.",
      `A call made by a call-until-answered rung counts as not answered ${CALL_RING_SECONDS}s after it is placed (it rings that long).`,
      "No further alerts arrive for the group after this payload.",
      "Jobs run on time; a real page may go out a moment later.",
    ],
  };
}

/** `Step 3: …` -> 3. */
function stepOf(text: string): number | null {
  const m = /^Step (\d+):/.exec(text);
  return m ? Number(m[1]) : null;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
