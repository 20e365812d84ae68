import type { Config } from "../config/config-types.js";
import { requestSlackSync } from "../alerts/request-slack-sync.js";
import type { Store } from "../store/store.js";
import type { Pager } from "./escalation-deps.js";
import type { UserGroupDirectory } from "./user-group-directory.js";

/**
 * Job `notify.user_group`: asks Slack who is in the user group, then pages the
 * members who are calpage users (the page key makes a retry page nobody twice).
 */
export function makeUserGroupHandler(store: Store, slack: UserGroupDirectory, config: Config, pager: Pager, now: () => number = Date.now) {
  const bySlackId = new Map(config.users.filter((u) => u.slackId).map((u) => [u.slackId!, u]));
  const byEmail = new Map(config.users.map((u) => [u.email, u]));
  return async (payload: Record<string, unknown>): Promise<void> => {
    const groupId = String(payload.groupId);
    const userGroup = String(payload.userGroup);
    const step = Number(payload.step);
    const members = await slack.userGroupMembers(userGroup);
    const emails: string[] = [];
    const strangers: string[] = [];
    for (const id of members ?? []) {
      const known = bySlackId.get(id);
      if (known) {
        emails.push(known.email);
        continue;
      }
      const email = await slack.userEmail(id);
      if (email && byEmail.has(email)) emails.push(email);
      else strangers.push(id);
    }
    await store.transaction(async (tx) => {
      const group = await tx.groups.get(groupId, { lock: true });
      if (!group || group.state !== "firing") return;
      const t = now();
      if (members === null) {
        await tx.log.add(group.id, t, "warning", `Step ${step + 1}: there is no Slack user group @${userGroup}; continuing.`);
      } else if (emails.length === 0) {
        await tx.log.add(group.id, t, "warning", `Step ${step + 1}: user group @${userGroup} has no calpage users; continuing.`);
      } else {
        await pager.page(tx, group.id, emails, Boolean(payload.important), String(payload.key), t);
        const names = emails.map((e) => byEmail.get(e)?.name ?? e).join(", ");
        await tx.log.add(group.id, t, "escalation", `Step ${step + 1}: notifying user group @${userGroup}: ${names}.`);
      }
      if (strangers.length > 0) {
        await tx.log.add(group.id, t, "warning", `Not paged (not in calpage.yaml): ${strangers.map((id) => `<@${id}>`).join(", ")}.`);
      }
      await requestSlackSync(tx, group.id, t);
    });
  };
}
