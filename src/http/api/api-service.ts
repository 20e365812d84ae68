import { describePeople } from "../../access/access-policy.js";
import { DIRECT_INTEGRATION } from "../../alerts/direct-page-service.js";
import type { AccessService } from "../../access/access-service.js";
import type { GuardedGroupActions } from "../../access/guarded-group-actions.js";
import { apiPrincipal } from "../../access/principal.js";
import type { ApiTokenConfig, Config } from "../../config/config-types.js";
import type { ScheduleService } from "../../schedule/schedule-service.js";
import type { AlertGroupRecord, AlertGroupState } from "../../store/repositories/alert-group-record.js";
import type { Store } from "../../store/store.js";
import { ApiError, badParameter } from "./api-error.js";
import { decodeCursor, encodeCursor } from "./api-params.js";
import { groupLogView, groupView, personView, shiftView } from "./api-views.js";

const DAY = 86_400_000;
/** `/oncall?at=` and shift ranges reach at most this far from now (a time outside the window kept in memory costs a computation of its own, in the schedule worker). */
export const MAX_REACH_MS = 400 * DAY;
/** The longest range `/schedules/{name}/shifts` answers. */
export const MAX_SHIFT_RANGE_MS = 92 * DAY;
export const DEFAULT_SHIFT_RANGE_MS = 7 * DAY;
export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 50;

/** `state=` values: the stored states, and `open` for every one but resolved. */
export const STATE_FILTERS = ["open", "firing", "acknowledged", "silenced", "resolved"] as const;
const OPEN_STATES: AlertGroupState[] = ["firing", "acknowledged", "silenced"];

export type ApiGroupAction = "acknowledge" | "resolve" | "silence";

export interface GroupQuery {
  /** Comma-separated {@link STATE_FILTERS}. */
  state?: string;
  integration?: string;
  since?: Date;
  until?: Date;
  limit?: number;
  cursor?: string;
}

export interface ApiServiceDeps {
  config: Config;
  store: Store;
  schedules: ScheduleService;
  guarded: GuardedGroupActions;
  access: AccessService;
  /** The access rules' Slack user groups a calpage user is in (empty without Slack). */
  userGroupsOf: (email: string) => Promise<ReadonlySet<string>>;
}

/**
 * What the HTTP API answers, from the same state the CLI and Slack read: who is on call, shifts,
 * alert groups and their log; and the group actions, through the access rules and the audit trail.
 * Takes `now` per call; knows nothing of HTTP but the status each refusal maps to.
 */
export function createApiService(deps: ApiServiceDeps) {
  const { config, store, schedules } = deps;
  const names = new Map(config.users.map((u) => [u.email, u.name]));
  const admins = describePeople(config.access.admins, deps.access.names, "nobody (no `access.admins` in calpage.yaml)");

  function scheduleNamed(name: string, field: string) {
    const s = config.schedules.find((x) => x.name === name);
    if (!s) throw new ApiError(404, "not_found", `${field}: no schedule called "${name}" (schedules: ${config.schedules.map((x) => x.name).join(", ") || "none"})`, field);
    return s;
  }

  function withinReach(field: string, at: Date, now: number): void {
    if (Math.abs(at.getTime() - now) > MAX_REACH_MS) throw badParameter(field, `must be within ${MAX_REACH_MS / DAY} days of now`);
  }

  async function groupByNumber(n: number): Promise<AlertGroupRecord> {
    const g = await store.read.groups.getByNumber(n);
    if (!g) throw new ApiError(404, "not_found", `there is no alert group #${n}`, "number");
    return g;
  }

  return {
    /**
     * Who is on call at `at` (default now) in one schedule or every one, as `calpage who --at` says.
     * A time outside the window in memory is computed off the request's thread (shiftAtAsync).
     */
    async oncall(q: { schedule?: string; at?: Date }, now: number) {
      const at = q.at ?? new Date(now);
      withinReach("at", at, now);
      const list = q.schedule === undefined ? config.schedules : [scheduleNamed(q.schedule, "schedule")];
      return {
        at: at.toISOString(),
        schedules: await Promise.all(
          list.map(async (s) => {
            // Never read and no stored copy: unknown, not "nobody".
            if (!schedules.isLoaded(s.name)) return { schedule: s.name, timezone: s.timezone, known: false, users: [], shift: null };
            // The shift under way holds who is on call (whoIsOnCall is its users; a gap is nobody).
            const shift = await schedules.shiftAtAsync(s.name, at);
            return { schedule: s.name, timezone: s.timezone, known: true, users: (shift?.users ?? []).map((e) => personView(e, names)), shift: shift ? shiftView(shift, names) : null };
          }),
        ),
      };
    },

    schedules(now: number) {
      const at = new Date(now);
      return {
        schedules: config.schedules.map((s) => ({
          name: s.name,
          timezone: s.timezone,
          known: schedules.isLoaded(s.name),
          onCallNow: schedules.isLoaded(s.name) ? schedules.whoIsOnCall(s.name, at).map((e) => personView(e, names)) : [],
        })),
      };
    },

    /** The final schedule over [from, to) (default the next 7 days), at most {@link MAX_SHIFT_RANGE_MS}. */
    async shifts(name: string, q: { from?: Date; to?: Date }, now: number) {
      const s = scheduleNamed(name, "name");
      const from = q.from ?? new Date(now);
      const to = q.to ?? new Date(from.getTime() + DEFAULT_SHIFT_RANGE_MS);
      withinReach(q.from ? "from" : "to", from, now);
      withinReach("to", to, now);
      if (to <= from) throw badParameter("to", "must be after from");
      if (to.getTime() - from.getTime() > MAX_SHIFT_RANGE_MS) throw badParameter("to", `must be at most ${MAX_SHIFT_RANGE_MS / DAY} days after from`);
      if (!schedules.isLoaded(s.name)) {
        throw new ApiError(503, "schedule_unknown", `${s.name}: its feed could not be fetched and no copy of it was ever stored, so calpage does not know who is on call`, undefined, { "retry-after": "60" });
      }
      const shifts = await schedules.shiftsAsync(s.name, from, to);
      return { schedule: s.name, timezone: s.timezone, from: from.toISOString(), to: to.toISOString(), shifts: shifts.map((x) => shiftView(x, names)) };
    },

    /** Alert groups, newest first, a page at a time. */
    async groups(q: GroupQuery) {
      const states = q.state === undefined ? undefined : parseStates(q.state);
      if (q.since && q.until && q.until <= q.since) throw badParameter("until", "must be after since");
      const limit = q.limit ?? DEFAULT_PAGE_SIZE;
      const beforeNumber = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
      if (q.integration !== undefined && q.integration !== DIRECT_INTEGRATION && !config.integrations.some((i) => i.name === q.integration)) {
        // Not configured: a typo (an empty list would read as "no alerts") — unless groups of a removed integration remain.
        const any = await store.read.groups.search({ integration: q.integration, limit: 1 });
        if (any.length === 0) {
          const known = [...config.integrations.map((i) => i.name), DIRECT_INTEGRATION].join(", ");
          throw badParameter("integration", `no integration called "${q.integration}" (integrations: ${known})`);
        }
      }
      const found = await store.read.groups.search({
        ...(states ? { states } : {}),
        ...(q.integration !== undefined ? { integration: q.integration } : {}),
        ...(q.since ? { since: q.since.getTime() } : {}),
        ...(q.until ? { until: q.until.getTime() } : {}),
        ...(beforeNumber !== undefined ? { beforeNumber } : {}),
        limit: limit + 1,
      });
      const page = found.slice(0, limit);
      const more = found.length > limit;
      return { groups: page.map(groupView), nextCursor: more ? encodeCursor(page[page.length - 1]!.number) : null };
    },

    async group(n: number) {
      return groupView(await groupByNumber(n));
    },

    async log(n: number) {
      const g = await groupByNumber(n);
      return groupLogView(g, await store.read.log.list(g.id), await store.read.pages.listForGroup(g.id));
    },

    /** Throws the 403 a token without the write scope gets on a write endpoint. */
    requireWrite(token: ApiTokenConfig): void {
      if (token.scope !== "write" || token.as === null) throw scopeError(token, admins);
    },

    /**
     * Acknowledge, resolve or silence (`seconds`; null = forever) as the token's person: the access
     * rules decide, the audit trail records it (surface `api`). Refused: 403 with the rule's words;
     * an action that does not apply (already resolved…): 409.
     */
    async act(token: ApiTokenConfig, n: number, action: ApiGroupAction, now: number, seconds?: number | null) {
      if (token.scope !== "write" || token.as === null) throw scopeError(token, admins);
      const g = await groupByNumber(n);
      const groups = await deps.userGroupsOf(token.as).catch(() => new Set<string>());
      const who = apiPrincipal(token.name, token.as, names.get(token.as) ?? token.as, groups);
      const result = await deps.guarded(who, "api", g.id, action, now, action === "silence" ? { seconds: seconds ?? null } : {});
      if (result.ok) return groupView(result.group);
      if ("refused" in result) throw new ApiError(403, "forbidden", result.message);
      throw new ApiError(409, "conflict", result.message);
    },
  };
}

export type ApiService = ReturnType<typeof createApiService>;

/** 403 for a read token on a write endpoint: which scope it needs, and who adds tokens. */
export function scopeError(token: ApiTokenConfig, admins: string): ApiError {
  return new ApiError(
    403,
    "insufficient_scope",
    `The API token "${token.name}" has the read scope; acknowledging, resolving and silencing need a token with the write scope. An admin (${admins}) adds tokens in calpage.yaml under api.tokens.`,
  );
}

function parseStates(text: string): AlertGroupState[] {
  const out = new Set<AlertGroupState>();
  for (const part of text.split(",")) {
    const s = part.trim();
    if (s === "open") OPEN_STATES.forEach((x) => out.add(x));
    else if (s === "firing" || s === "acknowledged" || s === "silenced" || s === "resolved") out.add(s);
    else throw badParameter("state", `unknown state "${s}"; expected ${STATE_FILTERS.join(", ")} (or several, comma-separated)`);
  }
  return [...out];
}
