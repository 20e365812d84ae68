import type { AccessConfig, PeopleRef } from "./config-types.js";
import { describe, isEmpty, suggest, type Checker } from "./config-checker.js";
import { ACCESS, defaultOf, durationField, keysOf } from "./config-shape.js";
import type { UserLookup } from "./validate-chains.js";

const MAX_SILENCE = durationField(ACCESS, "max_silence");
const MAX_MAINTENANCE = durationField(ACCESS, "max_maintenance");
const AUDIT_RETENTION = durationField(ACCESS, "audit_retention");
export const DEFAULT_MAX_SILENCE_SECONDS = defaultOf(MAX_SILENCE);
export const DEFAULT_MAX_MAINTENANCE_SECONDS = defaultOf(MAX_MAINTENANCE);
export const DEFAULT_AUDIT_RETENTION_SECONDS = defaultOf(AUDIT_RETENTION);
const USER_GROUP_RE = /^@[a-z0-9._-]+$/i;
const USER_GROUP_ID_RE = /^S[A-Z0-9]{2,}$/;
const PEOPLE_EXPECTATION = "a list of people: emails or names of users in calpage.yaml, and Slack user groups like @sre-leads";

/** The `access:` section (every key optional; see README "Access control"). */
export function validateAccess(c: Checker, v: unknown, users: UserLookup): AccessConfig {
  const obj = isEmpty(v) ? {} : c.object(v, "access", keysOf(ACCESS), "a mapping like {admins: [alice@example.com, '@sre-leads']}");
  const o = obj ?? {};
  const admins = isEmpty(o.admins) ? { emails: [], userGroups: [] } : (validatePeople(c, o.admins, "access.admins", users) ?? { emails: [], userGroups: [] });
  const responders = isEmpty(o.responders) ? null : validatePeople(c, o.responders, "access.responders", users);
  const maxSilenceSeconds = isEmpty(o.max_silence) ? DEFAULT_MAX_SILENCE_SECONDS : (c.boundedDuration(o.max_silence, "access.max_silence", true, "max_silence", MAX_SILENCE.min) ?? DEFAULT_MAX_SILENCE_SECONDS);
  const maxMaintenanceSeconds = isEmpty(o.max_maintenance)
    ? DEFAULT_MAX_MAINTENANCE_SECONDS
    : (c.boundedDuration(o.max_maintenance, "access.max_maintenance", true, "max_maintenance", MAX_MAINTENANCE.min) ?? DEFAULT_MAX_MAINTENANCE_SECONDS);
  const auditRetentionSeconds = isEmpty(o.audit_retention)
    ? DEFAULT_AUDIT_RETENTION_SECONDS
    : (c.boundedDuration(o.audit_retention, "access.audit_retention", true, "audit_retention", AUDIT_RETENTION.min) ?? DEFAULT_AUDIT_RETENTION_SECONDS);
  return { admins, responders, maxSilenceSeconds, maxMaintenanceSeconds, auditRetentionSeconds };
}

/**
 * A list of people: users of calpage.yaml by email, name or alias (stored as their email), and
 * Slack user groups as `@handle` or an id `S…`. A single string is a one-item list.
 */
export function validatePeople(c: Checker, v: unknown, p: string, users: UserLookup): PeopleRef | null {
  const items: { value: unknown; path: string }[] =
    typeof v === "string" ? [{ value: v, path: p }] : (c.list(v, p, true, PEOPLE_EXPECTATION) ?? []).map((value, i) => ({ value, path: `${p}[${i}]` }));
  const emails = new Set<string>();
  const userGroups = new Set<string>();
  let good = true;
  for (const item of items) {
    const s = c.text(item.value, item.path, true, "a person (email or name of a user in calpage.yaml) or a Slack user group like @sre-leads");
    if (s === null) {
      good = false;
      continue;
    }
    if (USER_GROUP_RE.test(s)) userGroups.add(s.slice(1));
    else if (USER_GROUP_ID_RE.test(s)) userGroups.add(s);
    else {
      const email = users.byIdentifier.get(s.toLowerCase());
      if (email !== undefined) emails.add(email);
      else {
        const hint = suggest(s, users.identifiers);
        c.report(
          item.path,
          `${describe(s)} is not a user in calpage.yaml${hint ? ` (did you mean "${hint}"?)` : ""}; name a user by email, name or alias, or a Slack user group as @handle`,
        );
        good = false;
      }
    }
  }
  return good ? { emails: [...emails], userGroups: [...userGroups] } : null;
}
