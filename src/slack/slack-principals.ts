import type { Principal } from "../access/principal.js";
import type { Config } from "../config/config-types.js";
import type { SlackApi, SlackUserInfo } from "./slack-api.js";
import type { SlackUserCache } from "./slack-user-cache.js";

const PERSON_TTL_MS = 60_000;
const GROUP_TTL_MS = 5 * 60_000;

/**
 * Who a Slack member is for the access rules: their calpage user (by `slack_id` or profile email),
 * guest or deactivated (`users.info`), and which of the rules' Slack user groups they are in.
 * People are remembered for a minute (a deactivation takes effect within it), user groups for five.
 */
export function createSlackPrincipals(config: Config, slack: SlackApi, slackUsers: SlackUserCache, ruleGroups: readonly string[], now: () => number = Date.now) {
  const users = new Map(config.users.map((u) => [u.email, u]));
  const people = new Map<string, { p: Principal; until: number }>();
  const groups = new Map<string, { members: Set<string>; until: number }>();

  async function membersOf(group: string): Promise<Set<string>> {
    const hit = groups.get(group);
    if (hit && hit.until > now()) return hit.members;
    try {
      const members = new Set((await slack.userGroupMembers(group)) ?? []);
      groups.set(group, { members, until: now() + GROUP_TTL_MS });
      return members;
    } catch {
      // Slack unreachable: the last answer if there is one; else nobody (the refusal says who can).
      return hit?.members ?? new Set();
    }
  }

  async function userGroupsOf(slackId: string | null): Promise<Set<string>> {
    const found = new Set<string>();
    if (!slackId) return found;
    for (const g of ruleGroups) if ((await membersOf(g)).has(slackId)) found.add(g);
    return found;
  }

  return {
    async forSlackUser(userId: string): Promise<Principal> {
      const hit = people.get(userId);
      if (hit && hit.until > now()) return hit.p;
      let info: SlackUserInfo | null = null;
      let answered = true;
      try {
        info = await slack.userInfo(userId);
      } catch {
        answered = false;
      }
      const known = slackUsers.emailFor(userId) ?? info?.email ?? null;
      const email = known !== null && users.has(known) ? known : null;
      const p: Principal = {
        kind: "slack",
        id: userId,
        actor: userId,
        name: info?.name ?? (email ? users.get(email)!.name : userId),
        email,
        guest: info?.guest ?? false,
        deactivated: info?.deleted ?? false,
        userGroups: await userGroupsOf(userId),
        operator: false,
      };
      if (answered) people.set(userId, { p, until: now() + PERSON_TTL_MS });
      return p;
    },
    /** The rules' user groups a calpage user is in (for SMS and keypress answers). */
    async userGroupsOfEmail(email: string): Promise<Set<string>> {
      if (ruleGroups.length === 0 || !slack.live) return new Set();
      const ref = await slackUsers.lookup(email).catch(() => null);
      return userGroupsOf(ref?.id ?? null);
    },
  };
}

export type SlackPrincipals = ReturnType<typeof createSlackPrincipals>;
