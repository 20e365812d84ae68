import type { AccessConfig, PeopleRef } from "../config/config-types.js";
import { formatDuration } from "../shared/duration.js";
import type { Principal } from "./principal.js";

/** Group actions the rules know (the same names as the group-actions service). */
export type GroupActionName = "acknowledge" | "unacknowledge" | "resolve" | "unresolve" | "silence" | "unsilence" | "escalate" | "keep" | "add_responder";

/** What the rules need to know about one alert group. */
export interface GroupFacts {
  number: number;
  /** The route's or integration's responders; null = `access.responders` (which may itself be null = every calpage user). */
  responders: PeopleRef | null;
  /** Emails of the people calpage paged for this group (people added as responders among them). */
  paged: ReadonlySet<string>;
}

export type AccessRequest =
  | { kind: "group"; action: GroupActionName; group: GroupFacts; silenceSeconds?: number | null }
  /** Start (seconds) or end (null) maintenance of an integration. */
  | { kind: "maintenance"; seconds: number | null }
  | { kind: "page"; important: boolean }
  /** Put `target` on call in `schedule`; `replaced` are the people on call then; `schedulePeople` everyone on the rota. */
  | { kind: "override"; target: string; replaced: ReadonlySet<string>; schedulePeople: ReadonlySet<string> }
  | { kind: "override_cancel"; override: { userEmail: string; replacing: string | null; createdBy: string } }
  /** Ask for cover, take or withdraw a cover request. */
  | { kind: "cover" }
  /** One's own notification settings (`/oncall me`, App Home). */
  | { kind: "settings" }
  | { kind: "audit" }
  /** See the fairness report (`/oncall report`): everyone's on-call load and pages. */
  | { kind: "report" }
  /** See every open group in `/oncall alerts`, not only those of one's channels. */
  | { kind: "all_groups" };

export type AccessDecision = { allowed: true; asAdmin: boolean } | { allowed: false; rule: string; message: string };

/** How the rules name people in refusals. */
export interface Names {
  person(email: string): string;
}

const READ_ONLY = "`who`, `shifts`, `explain` and `help`";

/**
 * The access rules (README "Access control"), pure: who may do `request`. Every refusal names the rule
 * and who can do it instead.
 */
export function decideAccess(access: AccessConfig, who: Principal, request: AccessRequest, names: Names): AccessDecision {
  const admin = who.operator || isAdmin(access, who);
  const allow = (): AccessDecision => ({ allowed: true, asAdmin: admin });
  const refuse = (rule: string, message: string): AccessDecision => ({ allowed: false, rule, message });
  const admins = describePeople(access.admins, names, "nobody (no `access.admins` in calpage.yaml)");
  const onlyAdmins = (what: string) => refuse("admins_only", `Only admins (${admins}) can ${what}.`);

  if (who.deactivated) return refuse("deactivated", "Your Slack account is deactivated, so calpage does not take actions from it.");
  if (!who.operator) {
    if (who.guest) return refuse("guest", `Slack guests can only use the read-only commands (${READ_ONLY}). Ask an admin (${admins}) if you should be on the team.`);
    if (who.email === null) return refuse("not_a_user", `You are not a calpage user, so you can only use the read-only commands (${READ_ONLY}). An admin (${admins}) can add you to \`users\` in calpage.yaml.`);
  }

  switch (request.kind) {
    case "group": {
      const g = request.group;
      const action = request.action;
      if (action === "unresolve") return admin ? allow() : onlyAdmins(`reopen a resolved group (#${g.number})`);
      if (action === "silence") {
        const s = request.silenceSeconds ?? null;
        if (s === null) return admin ? allow() : onlyAdmins("silence forever");
        if (s > access.maxSilenceSeconds && !admin) return onlyAdmins(`silence for longer than ${formatDuration(access.maxSilenceSeconds)} (\`access.max_silence\`)`);
      }
      if (admin) return allow();
      const responders = g.responders ?? access.responders;
      if (responders === null) return allow(); // every calpage user responds
      if (isIn(responders, who) || (who.email !== null && g.paged.has(who.email))) return allow();
      return refuse(
        "responders_only",
        `Only #${g.number}'s responders (${describePeople(responders, names, "nobody")}), admins (${admins}) and the people paged for it can ${VERBS[action]} it.`,
      );
    }
    case "maintenance":
      if (request.seconds !== null && request.seconds > access.maxMaintenanceSeconds) {
        return refuse("max_maintenance", `Maintenance can last at most ${formatDuration(access.maxMaintenanceSeconds)} (\`access.max_maintenance\` in calpage.yaml).`);
      }
      return admin ? allow() : onlyAdmins(request.seconds === null ? "end maintenance" : "start maintenance");
    case "page":
      return !request.important || admin ? allow() : onlyAdmins("page as important (phone calls through quiet ladders)");
    case "override": {
      if (admin) return allow();
      const me = who.email!;
      if (!request.schedulePeople.has(me)) return refuse("schedule_people_only", `Only the people on this schedule's rota and admins (${admins}) can make overrides in it.`);
      if (request.target === me || request.replaced.has(me)) return allow();
      return onlyAdmins("put someone else on call over another person's shift (you can put yourself on call, or hand over a shift of your own)");
    }
    case "override_cancel": {
      if (admin) return allow();
      const o = request.override;
      if (o.userEmail === who.email || o.replacing === who.email || o.createdBy === who.id) return allow();
      return onlyAdmins("cancel someone else's override (you can cancel overrides you made or that are about your own shifts)");
    }
    case "cover":
    case "settings":
    case "report":
      return allow();
    case "audit":
      return admin ? allow() : onlyAdmins("read the audit trail");
    case "all_groups":
      return admin ? allow() : onlyAdmins("see the alert groups of every channel");
  }
}

const VERBS: Record<GroupActionName, string> = {
  acknowledge: "acknowledge",
  unacknowledge: "unacknowledge",
  resolve: "resolve",
  unresolve: "reopen",
  silence: "silence",
  unsilence: "unsilence",
  escalate: "escalate",
  keep: "keep acknowledging",
  add_responder: "add responders to",
};

export function isAdmin(access: AccessConfig, who: Principal): boolean {
  return isIn(access.admins, who);
}

export function isIn(people: PeopleRef, who: Principal): boolean {
  if (who.email !== null && people.emails.includes(who.email)) return true;
  return people.userGroups.some((g) => who.userGroups.has(g));
}

/** `@sre-leads, Alice Example` — user groups first, then people by name; `none` when the list is empty. */
export function describePeople(people: PeopleRef, names: Names, none: string): string {
  const parts = [...people.userGroups.map((g) => (g.startsWith("S") && !/[a-z]/.test(g) ? `<!subteam^${g}>` : `@${g}`)), ...people.emails.map((e) => names.person(e))];
  return parts.length ? parts.join(", ") : none;
}

/** Every Slack user group the rules name, so adapters know whose membership to look up. */
export function userGroupsInRules(access: AccessConfig, others: (PeopleRef | null)[]): string[] {
  const all = new Set<string>([...access.admins.userGroups, ...(access.responders?.userGroups ?? [])]);
  for (const p of others) for (const g of p?.userGroups ?? []) all.add(g);
  return [...all];
}
