import { emitGroupEvent, type GroupEventActor } from "../alerts/group-events.js";
import { mention } from "../alerts/mention.js";
import { requestSlackNotice } from "../alerts/request-slack-notice.js";
import { requestSlackSync } from "../alerts/request-slack-sync.js";
import type { AlertGroupRecord } from "../store/repositories/alert-group-record.js";
import type { Tx } from "../store/store.js";
import type { EscalationEvent, EscalationFacts } from "./escalation-state.js";
import type { EscalationDeps } from "./escalation-deps.js";
import { transition } from "./transition.js";
import { channelMentionText } from "./channel-mention-text.js";

export const escalationJobKey = (groupId: string) => `esc:${groupId}`;

/** Who a chain's own `resolve` step is credited to in Slack. */
export const CHAIN_RESOLVER = "the escalation chain";

/**
 * Applies an escalation event to a group inside the caller's transaction: runs
 * the pure transition, stores pages (idempotently, by key) and their delivery
 * jobs, sets or cancels the group's timer, writes log entries and saves the new state.
 */
export async function escalate(
  tx: Tx,
  group: AlertGroupRecord,
  event: EscalationEvent,
  now: number,
  deps: EscalationDeps,
  /** Who made this step run now (a manual escalate), for the `escalated` event; null = its timer. */
  escalatedBy: GroupEventActor | null = null,
): Promise<void> {
  const { state, effects } = transition(group.escalation, event, group.chainSteps, now, await facts(tx, group, now));
  let logged = false;
  const log = async (text: string, kind = "escalation") => {
    await tx.log.add(group.id, now, kind, text);
    logged = true;
  };
  const nameOf = (email: string) => deps.users.get(email)?.name ?? email;
  let resolved = false;
  /** The first step that notified someone or called a webhook: the chain escalated. */
  let escalatedAt: number | null = null;

  for (const effect of effects) {
    if (escalatedAt === null && "key" in effect) escalatedAt = effect.step;
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
          const unknown = deps.oncall.isLoaded?.(effect.schedule) === false;
          await log(
            unknown
              ? `Step ${effect.step + 1}: calpage has never read the feed of schedule ${effect.schedule}, so it does not know who is on call there; continuing.`
              : `Step ${effect.step + 1}: nobody is on call in schedule ${effect.schedule}; continuing.`,
            "warning",
          );
          break;
        }
        // The step's line first: the pages it starts log their own lines after it.
        await log(`Step ${effect.step + 1}: notifying on-call of ${effect.schedule}: ${emails.map(nameOf).join(", ")}.`);
        await deps.pager.page(tx, group.id, emails, effect.important, effect.key, now);
        break;
      }
      case "notify_users":
        await log(`Step ${effect.step + 1}: notifying ${effect.users.map(nameOf).join(", ")}.`);
        await deps.pager.page(tx, group.id, effect.users, effect.important, effect.key, now);
        break;
      case "notify_round_robin": {
        // One counter per chain step: each new pass over the step takes the next person.
        const turn = await tx.counters.next(`round_robin:${group.chain ?? group.id}:${effect.step}`);
        const email = effect.users[(turn - 1) % effect.users.length]!;
        await log(`Step ${effect.step + 1}: notifying ${nameOf(email)} (round robin, turn ${turn}).`);
        await deps.pager.page(tx, group.id, [email], effect.important, effect.key, now);
        break;
      }
      case "notify_user_group":
        // Members come from Slack: resolved in a job, outside this transaction.
        await tx.jobs.add({
          task: "notify.user_group",
          payload: { groupId: group.id, userGroup: effect.group, important: effect.important, key: effect.key, step: effect.step },
          maxAttempts: 10,
        });
        break;
      case "notify_channel":
        if (!group.channel) {
          await log(`Step ${effect.step + 1}: the group has no Slack channel, so there is no one to @${effect.mention}.`, "warning");
          break;
        }
        await requestSlackNotice(tx, group.channel, channelMentionText(effect.mention, group.number, group.title), now);
        await log(`Step ${effect.step + 1}: @${effect.mention} in ${group.channel}.`);
        break;
      case "webhook":
        await tx.jobs.add({
          task: "escalation.webhook",
          payload: { groupId: group.id, url: effect.url, timeoutSeconds: effect.timeoutSeconds, step: effect.step, key: effect.key },
          jobKey: `webhook:${group.id}:${effect.key}`,
          maxAttempts: effect.retries + 1,
        });
        await log(`Step ${effect.step + 1}: calling webhook ${new URL(effect.url).host}.`);
        break;
      case "resolve":
        resolved = true;
        break;
    }
  }
  await tx.groups.update(group.id, { escalation: state, updatedAt: now });
  if (resolved) {
    await tx.groups.update(group.id, { state: "resolved", resolvedBy: CHAIN_RESOLVER, resolvedAt: now, updatedAt: now });
    await log(`Resolved by ${mention(CHAIN_RESOLVER)}.`, "resolved");
  }
  if (escalatedAt !== null) await emitGroupEvent(tx, deps.events, group, { name: "escalated", actor: escalatedBy, step: escalatedAt }, now);
  if (resolved) await emitGroupEvent(tx, deps.events, group, { name: "resolved", actor: { kind: "system", id: "chain", name: CHAIN_RESOLVER } }, now);
  if (logged) await requestSlackSync(tx, group.id, now);
}

/** What `if_alerts` steps need: receive times within the largest window any of them uses. */
async function facts(tx: Tx, group: AlertGroupRecord, now: number): Promise<EscalationFacts> {
  const window = group.chainSteps.reduce((w, s) => (s.type === "if_alerts" ? Math.max(w, s.withinSeconds) : w), 0);
  if (window === 0) return { alertTimes: [] };
  return { alertTimes: await tx.alerts.receivedTimesSince(group.id, now - window * 1000) };
}

