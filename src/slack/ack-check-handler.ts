import { apiPrincipal } from "../access/principal.js";
import type { Config } from "../config/config-types.js";
import { requestSlackSync } from "../alerts/request-slack-sync.js";
import type { Store } from "../store/store.js";
import { ackCheckMessage } from "./blocks/ack-check-message.js";
import type { SlackApi } from "./slack-api.js";
import type { SlackUserCache } from "./slack-user-cache.js";

/**
 * Job `slack.ack_check` (queued by the chain's ack timeout): DMs the acknowledger "still on it?" with
 * Keep / Unacknowledge. Someone calpage cannot reach on Slack is noted in the group's log; the answer
 * timer runs either way, so an unanswerable question ends in an unacknowledge, never in silence.
 */
export function makeAckCheckHandler(store: Store, slack: SlackApi, slackUsers: SlackUserCache, config: Config, now: () => number = Date.now) {
  return async (payload: Record<string, unknown>): Promise<void> => {
    const groupId = String(payload.groupId);
    const actor = String(payload.actor);
    const ackedAt = Number(payload.ackedAt);
    const g = await store.read.groups.get(groupId);
    if (!g || g.state !== "acknowledged" || g.acknowledgedAt !== ackedAt) return;
    const userId = await slackIdOf(actor);
    if (userId === null) {
      await store.transaction(async (tx) => {
        await tx.log.add(g.id, now(), "warning", `Could not ask ${actor} by Slack DM whether they are still on it (no Slack account found).`);
        await requestSlackSync(tx, g.id, now());
      });
      return;
    }
    const msg = ackCheckMessage(g, Math.round((now() - ackedAt) / 1000), Number(payload.answerWithinSeconds));
    await slack.postMessage({ channel: userId, ...msg });
  };

  async function slackIdOf(actor: string): Promise<string | null> {
    if (/^[UW][A-Z0-9]+$/.test(actor)) return actor;
    const lower = actor.toLowerCase();
    // An acknowledgement through an API write token is its person's (`api.tokens[].as`): ask them.
    const viaToken = config.api.tokens.find((t) => t.as !== null && apiPrincipal(t.name, t.as, nameOf(t.as)).actor === actor);
    const user = config.users.find((u) => (viaToken ? u.email === viaToken.as : u.email.toLowerCase() === lower || u.name.toLowerCase() === lower));
    if (!user) return null;
    return (await slackUsers.lookup(user.email))?.id ?? null;
  }

  function nameOf(email: string): string {
    return config.users.find((u) => u.email === email)?.name ?? email;
  }
}
