import { requestSlackSync } from "../alerts/request-slack-sync.js";
import { newId } from "../shared/ids.js";
import type { AlertGroupRecord } from "../store/repositories/alert-group-record.js";
import type { Tx } from "../store/store.js";
import type { EscalationEvent } from "./escalation-state.js";
import type { EscalationDeps } from "./escalation-deps.js";
import { transition } from "./transition.js";

export const escalationJobKey = (groupId: string) => `esc:${groupId}`;

/**
 * Applies an escalation event to a group inside the caller's transaction: runs
 * the pure transition, stores pages (idempotently, by key) and their delivery
 * jobs, sets or cancels the group's timer, writes log entries and saves the new state.
 */
export async function escalate(tx: Tx, group: AlertGroupRecord, event: EscalationEvent, now: number, deps: EscalationDeps): Promise<void> {
  const { state, effects } = transition(group.escalation, event, group.chainSteps, now);
  let logged = false;
  const log = async (text: string) => {
    await tx.log.add(group.id, now, "escalation", text);
    logged = true;
  };
  const nameOf = (email: string) => deps.users.get(email)?.name ?? email;

  for (const effect of effects) {
    switch (effect.type) {
      case "set_timer":
        await tx.jobs.add({
          task: "escalation.step",
          payload: { groupId: group.id, seq: effect.seq },
          jobKey: escalationJobKey(group.id),
          runAt: new Date(effect.at),
          maxAttempts: 25,
        });
        break;
      case "cancel_timer":
        await tx.jobs.remove(escalationJobKey(group.id));
        break;
      case "log":
        await log(effect.text);
        break;
      case "notify_schedule": {
        const emails = deps.oncall.whoIsOnCall(effect.schedule, new Date(now));
        if (emails.length === 0) {
          await log(`Step ${effect.step + 1}: nobody is on call in schedule ${effect.schedule}; continuing.`);
          break;
        }
        await pageUsers(tx, group.id, emails, effect.important, effect.key, now);
        await log(`Step ${effect.step + 1}: notifying on-call of ${effect.schedule}: ${emails.map(nameOf).join(", ")}.`);
        break;
      }
      case "notify_users":
        await pageUsers(tx, group.id, effect.users, effect.important, effect.key, now);
        await log(`Step ${effect.step + 1}: notifying ${effect.users.map(nameOf).join(", ")}.`);
        break;
    }
  }
  await tx.groups.update(group.id, { escalation: state, updatedAt: now });
  if (logged) await requestSlackSync(tx, group.id, now);
}

async function pageUsers(tx: Tx, groupId: string, emails: readonly string[], important: boolean, key: string, now: number) {
  for (const email of emails) {
    const id = newId();
    const inserted = await tx.pages.insertIfNew({
      id,
      groupId,
      dedupeKey: `${groupId}:${key}:${email}:slack_dm`,
      userEmail: email,
      channel: "slack_dm",
      important,
      state: "pending",
      attempts: 0,
      error: null,
      externalRef: null,
      createdAt: now,
      updatedAt: now,
    });
    if (inserted) await tx.jobs.add({ task: "notify.page", payload: { pageId: id }, maxAttempts: 5 });
  }
}
