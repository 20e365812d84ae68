import type { Config, IntegrationConfig, PeopleRef } from "../config/config-types.js";
import { selectRoute } from "../alerts/select-route.js";
import type { AlertGroupRecord } from "../store/repositories/alert-group-record.js";
import type { AuditOutcome } from "../store/repositories/audit-repository.js";
import type { Store } from "../store/store.js";
import { decideAccess, userGroupsInRules, type AccessDecision, type AccessRequest, type GroupFacts, type Names } from "./access-policy.js";
import type { Principal, Surface } from "./principal.js";
import { recordAudit } from "./record-audit.js";

/** Who is on call when, as far as override rules need it. */
export interface RotaLookup {
  shifts(schedule: string, from: Date, to: Date): { users: string[] }[];
}

const DAY = 86_400_000;

/**
 * The access rules applied to calpage's data: the responders and paged people of a group, the people
 * of a schedule's rota, and the audit trail every decision and action is written to.
 */
export function createAccessService(config: Config, store: Store, rota: RotaLookup) {
  const users = new Map(config.users.map((u) => [u.email, u]));
  const integrations = new Map(config.integrations.map((i) => [i.name, i]));
  const names: Names = { person: (email) => users.get(email)?.name ?? email };

  function respondersOf(integration: IntegrationConfig | undefined, labels: Readonly<Record<string, string>>): PeopleRef | null {
    if (!integration) return null;
    const route = selectRoute(integration, labels);
    return route.index === null ? integration.responders : (integration.routes[route.index]?.responders ?? integration.responders);
  }

  return {
    names,
    /** Slack user groups named anywhere in the rules (their members are looked up per person). */
    ruleUserGroups: userGroupsInRules(config.access, config.integrations.flatMap((i) => [i.responders, ...i.routes.map((r) => r.responders)])),
    decide(who: Principal, request: AccessRequest): AccessDecision {
      return decideAccess(config.access, who, request, names);
    },
    async groupFacts(g: AlertGroupRecord): Promise<GroupFacts> {
      const pages = await store.read.pages.listForGroup(g.id);
      return { number: g.number, responders: respondersOf(integrations.get(g.integration), g.labels), paged: new Set(pages.map((p) => p.userEmail)) };
    },
    /** Everyone on the schedule's rota from 30 days back to 60 days ahead. */
    schedulePeople(schedule: string, now: number): Set<string> {
      return new Set(rota.shifts(schedule, new Date(now - 30 * DAY), new Date(now + 60 * DAY)).flatMap((s) => s.users));
    },
    /** Who is on call in the schedule at some point of [start, end). */
    onCallDuring(schedule: string, start: number, end: number): Set<string> {
      return new Set(rota.shifts(schedule, new Date(start), new Date(end)).flatMap((s) => s.users));
    },
    async audit(who: Principal, surface: Surface, action: string, target: string, outcome: AuditOutcome, reason: string | null, at: number): Promise<void> {
      await recordAudit(store, who, surface, action, target, outcome, reason, at);
    },
  };
}

export type AccessService = ReturnType<typeof createAccessService>;
