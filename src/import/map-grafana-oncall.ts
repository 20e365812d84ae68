import { IANAZone } from "luxon";
import { parseJsonPath } from "../alerts/json-path.js";
import { stringify } from "yaml";
import type { OncallExport, OncallIntegration, OncallEscalationPolicy, OncallRouteSlack, OncallSchedule, OncallUser } from "./grafana-oncall-types.js";
import { routeMatchers } from "./route-matchers.js";
import { shiftEvents, writeIcs, type ShiftEvent } from "./shift-events.js";

/**
 * Grafana OnCall's objects (public API v1) as a calpage configuration: `calpage.yaml`, one `.ics`
 * per schedule made of on-call shifts, and the report of everything not carried over, and why.
 * Pure: `now` is only the DTSTAMP of the calendar events.
 */

export interface ImportedFile {
  /** Relative to the output folder, e.g. `schedules/primary.ics`. */
  path: string;
  text: string;
}

export interface ImportResult {
  yaml: string;
  files: ImportedFile[];
  /** One line per thing not carried over (or carried differently), saying why. */
  report: string[];
  counts: { users: number; schedules: number; chains: number; integrations: number };
}

/** OnCall integration types → the calpage intake that reads the same payloads. */
const INTEGRATION_TYPES: Record<string, string> = {
  alertmanager: "alertmanager",
  legacy_alertmanager: "alertmanager",
  grafana_alerting: "grafana_alerting",
  legacy_grafana_alerting: "grafana_alerting",
  webhook: "webhook",
  formatted_webhook: "formatted_webhook",
  grafana: "grafana",
};
/** OnCall repeats a chain at most 5 times (EscalationPolicy.MAX_TIMES_REPEAT). */
const ONCALL_REPEAT_TIMES = 5;
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE_RE = /^\+\d{8,15}$/;
const SLACK_USER_RE = /^[UW][A-Z0-9]+$/;
const CHANNEL_ID_RE = /^[CG][A-Z0-9]{2,}$/;
const USER_GROUP_RE = /^[a-z0-9][a-z0-9._-]*$/i;
const TOKEN_RE = /^[A-Za-z0-9_-]{16,}$/;
const LINK_RE = /\/integrations\/v1\/([^/]+)\/([^/?#]+)\/?(?:[?#].*)?$/;

export function mapGrafanaOncall(data: OncallExport, now: Date): ImportResult {
  const report: string[] = [];
  const files: ImportedFile[] = [];

  // --- users -------------------------------------------------------------------------------
  const userById = new Map<string, { email: string; name: string }>();
  const users: Record<string, unknown>[] = [];
  const phoneless: string[] = [];
  const takenNames = new Set<string>();
  for (const u of data.users) {
    const email = (u.email ?? "").trim().toLowerCase();
    if (!EMAIL_RE.test(email) || takenNames.has(email)) {
      report.push(`user ${u.username ?? u.id} (${u.id}): ${EMAIL_RE.test(email) ? `the email ${email} is already another user's` : "has no usable email (calpage finds people in Slack by email)"}; not carried over, and left out of every shift and step`);
      continue;
    }
    let name = (u.username ?? "").trim() || email;
    if (takenNames.has(name.toLowerCase())) name = email;
    takenNames.add(email);
    takenNames.add(name.toLowerCase());
    const user: Record<string, unknown> = { email, name };
    const phone = phoneOf(u);
    if (phone !== null) user.phone = phone;
    else if (u.is_phone_number_verified) phoneless.push(email);
    const slackId = slackIdOf(u);
    if (slackId !== null) user.slack_id = slackId;
    const rules = notificationRules(
      data.personalNotificationRules.filter((r) => r.user_id === u.id),
      phone !== null,
      (m) => report.push(`user ${email}: ${m}`),
    );
    if (rules !== null) user.notification_rules = rules;
    users.push(user);
    userById.set(u.id, { email, name });
  }
  if (phoneless.length > 0) {
    report.push(
      `users ${phoneless.join(", ")}: had a verified phone number in Grafana OnCall, which its public API does not give out; add phone: "+…" to them in calpage.yaml (or they set it with /oncall me phone) for SMS and calls`,
    );
  }

  // --- schedules ---------------------------------------------------------------------------
  const scheduleNames = new Map<string, string>();
  const usedScheduleNames = new Set<string>();
  const schedules: Record<string, unknown>[] = [];
  const zones = new Map<string, number>();
  const shiftsById = new Map(data.onCallShifts.map((s) => [s.id, s]));
  for (const s of data.schedules) {
    const name = uniqueName(s.name, "schedule", s.id, usedScheduleNames);
    const what = `schedule "${s.name}"`;
    const zone = validZone(s.time_zone) ?? "UTC";
    if (s.time_zone && validZone(s.time_zone) === null) report.push(`${what}: unknown time zone ${JSON.stringify(s.time_zone)}; read as UTC`);
    const entry: Record<string, unknown> = { name };
    const { primary, overrides } = scheduleShifts(s, shiftsById, data.onCallShifts);
    const person = (id: string) => userById.get(id)?.email ?? null;
    const note = (m: string) => report.push(`${what}: ${m}`);
    if (s.type === "ical") {
      if (!s.ical_url_primary) {
        report.push(`${what}: an iCal schedule without ical_url_primary; not carried over`);
        continue;
      }
      entry.feed = s.ical_url_primary;
    } else {
      const events: ShiftEvent[] = primary.flatMap((sh) => shiftEvents(sh, zone, person, note));
      files.push({ path: `schedules/${name}.ics`, text: writeIcs(s.name, zone, events, now) });
      entry.feed = `./schedules/${name}.ics`;
      if (events.length === 0) report.push(`${what}: no shifts with people on them; its calendar is empty`);
    }
    // Overrides made in OnCall (any schedule type, iCal ones too when web overrides are on).
    const overrideEvents: ShiftEvent[] = overrides.flatMap((sh) => shiftEvents(sh, zone, person, note));
    if (overrideEvents.length > 0) {
      if (s.ical_url_overrides) {
        report.push(`${what}: has both an overrides calendar (ical_url_overrides) and ${overrides.length} override shift(s) made in OnCall; calpage takes one overrides feed, the calendar; the override shifts are not carried over`);
      } else {
        files.push({ path: `schedules/${name}-overrides.ics`, text: writeIcs(`${s.name} (overrides)`, zone, overrideEvents, now) });
        entry.overrides_feed = `./schedules/${name}-overrides.ics`;
      }
    }
    if (s.ical_url_overrides) entry.overrides_feed = s.ical_url_overrides;
    entry.timezone = zone;
    // iCal schedules carry their zone in their feed; OnCall gives them none.
    if (s.type !== "ical") zones.set(zone, (zones.get(zone) ?? 0) + 1);
    const channel = s.slack?.channel_id;
    if (channel) {
      if (CHANNEL_ID_RE.test(channel)) entry.channel = channel;
      else report.push(`${what}: Slack channel ${JSON.stringify(channel)} is not a channel id; left out`);
    }
    const group = s.slack?.user_group_id;
    if (group) {
      if (USER_GROUP_RE.test(group)) entry.user_group = group;
      else report.push(`${what}: Slack user group ${JSON.stringify(group)} is not a user group id; left out`);
    }
    schedules.push(entry);
    scheduleNames.set(s.id, name);
  }
  const teams = new Set([...data.users.flatMap((u) => u.teams ?? []), ...data.schedules.map((x) => x.team_id), ...data.integrations.map((x) => x.team_id), ...data.escalationChains.map((x) => x.team_id)].filter((t): t is string => typeof t === "string" && t !== ""));
  if (teams.size > 0) report.push(`teams (${[...teams].join(", ")}): calpage has no teams; their schedules, chains and integrations are carried over side by side, and access: in calpage.yaml says who may act on what`);
  const timezone = [...zones.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? "UTC";

  // --- escalation chains -------------------------------------------------------------------
  const chainNames = new Map<string, string>();
  const usedChainNames = new Set<string>();
  const chains: Record<string, unknown>[] = [];
  const groupHandles = new Map(data.userGroups.map((g) => [g.id, g.slack?.handle || g.slack?.id || null]));
  const webhooks = new Map(data.webhooks.map((w) => [w.id, w]));
  for (const chain of data.escalationChains) {
    const what = `escalation chain "${chain.name}"`;
    const policies = data.escalationPolicies.filter((p) => p.escalation_chain_id === chain.id).sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
    const steps: Record<string, unknown>[] = [];
    for (const [i, policy] of policies.entries()) {
      const step = mapPolicy(policy, {
        users: (ids) => ids.map((id) => userById.get(id)?.email).filter((e): e is string => e !== undefined),
        team: (teamId) => data.users.filter((u) => u.teams?.includes(teamId)).map((u) => userById.get(u.id)?.email).filter((e): e is string => e !== undefined),
        schedule: (id) => scheduleNames.get(id) ?? null,
        userGroup: (id) => groupHandles.get(id) ?? null,
        webhook: (id) => webhooks.get(id) ?? null,
        note: (m) => report.push(`${what}, step ${i + 1} (${policy.type}): ${m}`),
      });
      if (step !== null) steps.push(step);
    }
    const kept = tidySteps(steps, (m) => report.push(`${what}: ${m}`));
    if (kept.length === 0) {
      report.push(`${what}: no step could be carried over; the chain is left out`);
      continue;
    }
    const name = uniqueName(chain.name, "chain", chain.id, usedChainNames);
    chains.push({ name, steps: kept });
    chainNames.set(chain.id, name);
  }

  // --- integrations ------------------------------------------------------------------------
  const integrations: Record<string, unknown>[] = [];
  const usedIntegrationNames = new Set<string>();
  const tokens = new Set<string>();
  for (const integration of data.integrations) {
    const entry = mapIntegration(integration, data, chainNames, usedIntegrationNames, tokens, (m) => report.push(`integration "${integration.name}": ${m}`));
    if (entry !== null) integrations.push(entry);
  }

  const config = {
    timezone,
    users,
    schedules,
    escalation_chains: chains,
    integrations,
  };
  const header = [
    "# calpage.yaml written by `calpage import grafana-oncall` from Grafana OnCall's public API.",
    "# Read import-report.txt next to it: what was not carried over, and why.",
    "# Check it with `calpage validate`; see the commented reference calpage.yaml in calpage's repository",
    "# for every setting (notification_rules, paging limits, access: admins and responders).",
    "# The integration tokens below are Grafana OnCall's: point Alertmanager (or Grafana) at calpage's host,",
    "# keep the path. They are secrets: keep this file private, or move them to the environment (token: ${AM_TOKEN}).",
    "",
  ].join("\n");
  const yaml = header + stringify(literal(config), { lineWidth: 0 });
  return { yaml, files, report, counts: { users: users.length, schedules: schedules.length, chains: chains.length, integrations: integrations.length } };
}

/** OnCall's personal notification steps → calpage ladder rungs. */
const RUNGS: Record<string, string> = { notify_by_slack: "slack_dm", notify_by_sms: "sms", notify_by_phone_call: "call" };

/**
 * A user's personal notification rules as their own ladders (`{default, important}`), or null
 * when none is left: then the team-wide `notification_rules` apply. Steps calpage has no channel
 * for (Telegram, email, mobile app, MS Teams, webhook) are left out; SMS and calls need a phone number.
 */
function notificationRules(rules: OncallExport["personalNotificationRules"], hasPhone: boolean, note: (m: string) => void): Record<string, unknown> | null {
  const out: Record<string, unknown> = {};
  for (const important of [false, true]) {
    const which = important ? "important" : "default";
    const ladder: unknown[] = [];
    let pendingWait = 0;
    const dropped = new Set<string>();
    for (const rule of rules.filter((r) => (r.important === true) === important).sort((a, b) => (a.position ?? 0) - (b.position ?? 0))) {
      if (rule.type === "wait") {
        // Waits next to a left-out step add up (OnCall's default wait is 5 minutes).
        pendingWait += rule.duration && rule.duration > 0 ? rule.duration : 300;
        continue;
      }
      const rung = RUNGS[rule.type];
      if (rung === undefined || ((rung === "sms" || rung === "call") && !hasPhone)) {
        dropped.add(rung === undefined ? rule.type.replace(/^notify_by_/, "") : rung);
        continue;
      }
      if (pendingWait > 0 && ladder.length > 0) ladder.push({ wait: formatDuration(pendingWait) });
      pendingWait = 0;
      ladder.push(rung);
    }
    const noPhone = [...dropped].filter((d) => d === "sms" || d === "call");
    const noChannel = [...dropped].filter((d) => d !== "sms" && d !== "call");
    const reasons = [
      ...(noChannel.length > 0 ? [`${noChannel.join(", ")} (calpage pages by Slack, SMS and call)`] : []),
      ...(noPhone.length > 0 ? [`${noPhone.join(", ")} (no phone number; add phone: and put them back)`] : []),
    ];
    if (reasons.length > 0) note(`${which} notification rules: left out ${reasons.join("; ")}`);
    if (ladder.length > 0) out[which] = ladder;
    else if (rules.some((r) => (r.important === true) === important)) note(`${which} notification rules: nothing calpage can send is left; the team-wide ${which} ladder applies`);
  }
  return Object.keys(out).length > 0 ? out : null;
}

function phoneOf(u: OncallUser): string | null {
  const raw = u.verified_phone_number ?? u.phone_number ?? null;
  if (raw === null) return null;
  const normalized = raw.replace(/[\s().-]/g, "");
  return PHONE_RE.test(normalized) ? normalized : null;
}

function slackIdOf(u: OncallUser): string | null {
  const slack = Array.isArray(u.slack) ? u.slack[0] : u.slack;
  const id = slack?.user_id ?? null;
  return id !== null && SLACK_USER_RE.test(id) ? id : null;
}

function validZone(zone: string | null | undefined): string | null {
  if (!zone) return null;
  if (zone === "Etc/UTC" || zone === "UTC") return "UTC";
  return IANAZone.isValidZone(zone) ? zone : null;
}

/** A calpage name (a-z, 0-9, - and _) for an OnCall name, unique in its kind. */
function uniqueName(name: string, kind: string, id: string, used: Set<string>): string {
  const base =
    name
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9_-]+/g, "-")
      .replace(/-{2,}/g, "-")
      .replace(/^[-_]+|-+$/g, "") || `${kind}-${id.toLowerCase()}`;
  let candidate = base;
  for (let n = 2; used.has(candidate); n++) candidate = `${base}-${n}`;
  used.add(candidate);
  return candidate;
}

/** A calendar- or web-type schedule's shifts: the ones it lists, plus those that name it; overrides apart. */
function scheduleShifts(s: OncallSchedule, byId: Map<string, OncallExport["onCallShifts"][number]>, all: OncallExport["onCallShifts"]) {
  const ids = new Set(s.shifts ?? []);
  const shifts = [...[...ids].map((id) => byId.get(id)).filter((x) => x !== undefined), ...all.filter((sh) => sh.schedule === s.id && !ids.has(sh.id))];
  return { primary: shifts.filter((sh) => sh.type !== "override"), overrides: shifts.filter((sh) => sh.type === "override") };
}

interface PolicyContext {
  users(ids: string[]): string[];
  team(teamId: string): string[];
  schedule(id: string): string | null;
  userGroup(id: string): string | null;
  webhook(id: string): OncallExport["webhooks"][number] | null;
  note(message: string): void;
}

function formatDuration(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/** One escalation policy as a calpage step, or null (said in the report). */
function mapPolicy(p: OncallEscalationPolicy, ctx: PolicyContext): Record<string, unknown> | null {
  const important = p.important === true ? { important: true } : {};
  const people = (ids: string[] | null | undefined, key: string): Record<string, unknown> | null => {
    const emails = ctx.users(ids ?? []);
    if (emails.length < (ids ?? []).length) ctx.note(`${(ids ?? []).length - emails.length} of its users were not carried over; left out`);
    if (emails.length === 0) {
      ctx.note("nobody to notify; step left out");
      return null;
    }
    return { [key]: emails, ...important };
  };
  switch (p.type) {
    case "wait":
      // OnCall's default wait is 5 minutes when none is set.
      return { wait: formatDuration(p.duration && p.duration > 0 ? p.duration : 300) };
    case "notify_persons":
      return people(p.persons_to_notify, "notify_users");
    case "notify_person_next_each_time":
      return people(p.persons_to_notify_next_each_time, "notify_round_robin");
    case "notify_team_members": {
      const emails = p.team_to_notify ? ctx.team(p.team_to_notify) : [];
      if (emails.length === 0) {
        ctx.note(`team ${p.team_to_notify ?? "(none)"} has no members among the users; step left out`);
        return null;
      }
      ctx.note(`team ${p.team_to_notify} became its members at import time (${emails.join(", ")}); later changes to the team do not follow`);
      return { notify_users: emails, ...important };
    }
    case "notify_on_call_from_schedule": {
      const schedule = p.notify_on_call_from_schedule ? ctx.schedule(p.notify_on_call_from_schedule) : null;
      if (schedule === null) {
        ctx.note(`its schedule ${p.notify_on_call_from_schedule ?? "(none)"} was not carried over; step left out`);
        return null;
      }
      return { notify_schedule: schedule, ...important };
    }
    case "notify_user_group": {
      const handle = p.group_to_notify ? ctx.userGroup(p.group_to_notify) : null;
      if (handle === null || !USER_GROUP_RE.test(handle)) {
        ctx.note(`its user group ${p.group_to_notify ?? "(none)"} is not among the Slack user groups read; step left out`);
        return null;
      }
      return { notify_user_group: handle, ...important };
    }
    case "notify_whole_channel":
      return { notify_channel: "channel" };
    case "trigger_webhook": {
      const hook = p.action_to_trigger ? ctx.webhook(p.action_to_trigger) : null;
      if (hook === null) {
        ctx.note(`its outgoing webhook ${p.action_to_trigger ?? "(none)"} is not among the webhooks read; step left out`);
        return null;
      }
      const name = `outgoing webhook "${hook.name ?? hook.id}"`;
      if (hook.is_webhook_enabled === false) {
        ctx.note(`${name} is disabled in OnCall; step left out`);
        return null;
      }
      const url = hook.url ?? "";
      if (!/^https?:\/\/[^\s{}]+$/i.test(url) || !URL.canParse(url)) {
        // URLs are not repeated: they often hold a secret (the report is printed).
        ctx.note(`${name}: its URL is a template or not http(s); calpage posts to a fixed URL; step left out`);
        return null;
      }
      if ((hook.http_method ?? "POST").toUpperCase() !== "POST") {
        ctx.note(`${name} sends ${hook.http_method}; calpage's webhook step POSTs; step left out`);
        return null;
      }
      const lost = [hook.data ? "its body template" : null, hook.headers ? "its headers" : null, hook.authorization_header || hook.username ? "its credentials" : null].filter((x) => x !== null);
      if (lost.length > 0) ctx.note(`${name}: not carried over: ${lost.join(", ")}; calpage POSTs the alert group as its own JSON to its URL`);
      return { webhook: url };
    }
    case "resolve":
      return { resolve: null };
    case "repeat_escalation":
      return { repeat: ONCALL_REPEAT_TIMES };
    case "notify_if_time_from_to": {
      const from = /^(\d{2}:\d{2})/.exec(p.notify_if_time_from ?? "")?.[1];
      const to = /^(\d{2}:\d{2})/.exec(p.notify_if_time_to ?? "")?.[1];
      if (!from || !to) {
        ctx.note("its time window is incomplete; step left out");
        return null;
      }
      return { if_time: { from, to, timezone: "UTC" } };
    }
    case "notify_if_num_alerts_in_window": {
      const count = p.num_alerts_in_window;
      const minutes = p.num_minutes_in_window;
      if (typeof count !== "number" || typeof minutes !== "number" || minutes < 1) {
        ctx.note("its alert count or window is missing; step left out");
        return null;
      }
      return { if_alerts: `${count} in ${minutes}m` };
    }
    case "declare_incident":
      ctx.note("calpage has no incidents (Grafana IRM); step left out");
      return null;
    default:
      ctx.note(`calpage has no such step; left out`);
      return null;
  }
}

/** calpage's rules for a chain: repeat and resolve only last (repeat not alone), no condition last. */
function tidySteps(steps: Record<string, unknown>[], note: (m: string) => void): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const [i, step] of steps.entries()) {
    out.push(step);
    if ("resolve" in step || "repeat" in step) {
      if (i < steps.length - 1) note(`${steps.length - 1 - i} step(s) after its ${"resolve" in step ? "resolve" : "repeat"} never ran in OnCall either; left out`);
      break;
    }
  }
  if (out.length === 1 && "repeat" in out[0]!) {
    note("a repeat with nothing before it; left out");
    out.pop();
  }
  while (out.length > 0 && ("if_time" in out[out.length - 1]! || "if_alerts" in out[out.length - 1]!)) {
    note("a condition as the last step guards nothing; left out");
    out.pop();
  }
  return out;
}

function mapIntegration(
  integration: OncallIntegration,
  data: OncallExport,
  chainNames: Map<string, string>,
  usedNames: Set<string>,
  tokens: Set<string>,
  note: (m: string) => void,
): Record<string, unknown> | null {
  const type = INTEGRATION_TYPES[integration.type];
  if (type === undefined) {
    note(`calpage has no intake for Grafana OnCall's ${JSON.stringify(integration.type)} integrations; not carried over`);
    return null;
  }
  const entry: Record<string, unknown> = { name: uniqueName(integration.name, "integration", integration.id, usedNames), type };
  const link = LINK_RE.exec(integration.link ?? "");
  const token = link?.[2] ?? null;
  if (token !== null && TOKEN_RE.test(token) && !tokens.has(token) && !token.startsWith("change-me")) {
    entry.token = token;
    tokens.add(token);
    if (link![1] !== type) note(`its URL path changes from /integrations/v1/${link![1]}/<token>/ to /integrations/v1/${type}/<token>/ (same token)`);
  } else {
    // The reason, never the token itself (the report is printed).
    const why = token === null ? "its link has no /integrations/v1/<kind>/<token>/" : tokens.has(token) ? "its token is another integration's" : "its token is not 16 or more of A-Z a-z 0-9 _ -";
    note(`${why}; calpage generates a new token at start (\`calpage urls\` prints the URL): update the sender`);
  }
  const chainOf = (id: string | null | undefined, where: string, fallback: string | null): string | null => {
    // In calpage a route without a chain takes the integration's; in OnCall it escalated nowhere.
    const instead = fallback === null ? "its alerts are not escalated" : `its alerts use the integration's chain ${fallback} instead`;
    if (!id) {
      if (fallback !== null) note(`${where}: has no escalation chain in OnCall (alerts not escalated); ${instead}`);
      return null;
    }
    const name = chainNames.get(id);
    if (name === undefined) note(`${where}: its escalation chain ${id} was not carried over; ${instead}`);
    return name ?? null;
  };
  const slack = (s: OncallRouteSlack | null | undefined, where: string, into: Record<string, unknown>) => {
    if (s?.channel_id) {
      if (CHANNEL_ID_RE.test(s.channel_id)) into.channel = s.channel_id;
      else note(`${where}: Slack channel ${JSON.stringify(s.channel_id)} is not a channel id; left out`);
    }
    if (s?.enabled === false) into.post_to_slack = false;
  };
  const defaultChain = chainOf(integration.default_route?.escalation_chain_id, "default route", null);
  if (defaultChain !== null) entry.chain = defaultChain;
  slack(integration.default_route?.slack, "default route", entry);

  const routes: Record<string, unknown>[] = [];
  const own = data.routes.filter((r) => r.integration_id === integration.id && !r.is_the_last_route).sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
  for (const route of own) {
    const where = `route ${route.position ?? "?"} (${route.routing_type ?? "regex"} ${JSON.stringify(route.routing_regex ?? "")})`;
    const matchers = routeMatchers(route);
    if (!matchers.ok) {
      note(`${where}: ${matchers.errors.join("; ")}; not carried over (its alerts go to the next route that matches, else the default)`);
      continue;
    }
    const r: Record<string, unknown> = { matchers: matchers.value };
    const chain = chainOf(route.escalation_chain_id, where, defaultChain);
    if (chain !== null) r.chain = chain;
    slack(route.slack, where, r);
    routes.push(r);
  }
  if (routes.length > 0) entry.routes = routes;
  const mapped = new Set<string>();
  if (type === "webhook") {
    const mapping = webhookMapping(integration.templates ?? {});
    if (Object.keys(mapping.mapping).length > 0) entry.mapping = mapping.mapping;
    for (const t of mapping.used) mapped.add(t);
  }
  const templates = templateNames(integration.templates ?? {}).filter((t) => !mapped.has(t));
  if (templates.length > 0) {
    note(`its templates (${templates.join(", ")}) are not carried over: calpage shows alerts its own way${type === "webhook" ? " (a webhook's mapping: in calpage.yaml points at title, message, grouping key and resolve fields)" : ""}`);
  }
  return entry;
}

/** Dotted names of the templates that are set: `grouping_key`, `slack.title`… */
function templateNames(templates: Record<string, unknown>, prefix = ""): string[] {
  return Object.entries(templates).flatMap(([k, v]) =>
    typeof v === "string" ? (v.trim() !== "" ? [`${prefix}${k}`] : []) : typeof v === "object" && v !== null ? templateNames(v as Record<string, unknown>, `${prefix}${k}.`) : [],
  );
}

const PAYLOAD_PATH = String.raw`payload((?:\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])+)`;

/** `.alert.labels[0]` (after `payload`) as the JSON path calpage reads, or null. */
function jsonPath(afterPayload: string): string | null {
  const path = afterPayload.replace(/^\./, "");
  return parseJsonPath(path) === null ? null : path;
}

/**
 * A webhook integration's templates that only pick a field (`{{ payload.alert.title }}`) as calpage's
 * `mapping:` (title, message, grouping_key), and `{{ payload.state == "ok" }}` as `resolve_when`.
 */
function webhookMapping(templates: Record<string, unknown>): { mapping: Record<string, unknown>; used: string[] } {
  const get = (name: string): string | null => {
    const v = name.split(".").reduce<unknown>((o, k) => (typeof o === "object" && o !== null ? (o as Record<string, unknown>)[k] : undefined), templates);
    return typeof v === "string" && v.trim() !== "" ? v.trim() : null;
  };
  const field = (t: string | null): string | null => {
    const m = t === null ? null : new RegExp(String.raw`^\{\{-?\s*${PAYLOAD_PATH}\s*-?\}\}$`).exec(t);
    return m ? jsonPath(m[1]!) : null;
  };
  const mapping: Record<string, unknown> = {};
  const used: string[] = [];
  const pick = (key: string, names: string[]) => {
    for (const name of names) {
      const path = field(get(name));
      if (path === null) continue;
      mapping[key] = path;
      // Every template of this kind that says the same is carried by it.
      used.push(...names.filter((n) => field(get(n)) === path));
      return;
    }
  };
  pick("title", ["web.title", "slack.title"]);
  pick("message", ["web.message", "slack.message"]);
  pick("grouping_key", ["grouping_key"]);
  const resolve = get("resolve_signal");
  const m = resolve === null ? null : new RegExp(String.raw`^\{\{-?\s*${PAYLOAD_PATH}\s*==\s*(?:"([^"]*)"|'([^']*)')\s*-?\}\}$`).exec(resolve);
  if (m && jsonPath(m[1]!) !== null) {
    mapping.resolve_when = { path: jsonPath(m[1]!), equals: m[2] ?? m[3] };
    used.push("resolve_signal");
  }
  return { mapping, used };
}


/** calpage replaces `${VAR}` in every text of calpage.yaml; text from OnCall is meant as written (`$${`). */
function literal(v: unknown): unknown {
  if (typeof v === "string") return v.replace(/\$\{/g, () => "$${");
  if (Array.isArray(v)) return v.map(literal);
  if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, literal(x)]));
  return v;
}
