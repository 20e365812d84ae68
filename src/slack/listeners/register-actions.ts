import type { App, BlockAction, ButtonAction, StaticSelectAction } from "@slack/bolt";
import type { GuardedGroupActions } from "../../access/guarded-group-actions.js";
import type { GroupAction } from "../../alerts/group-actions.js";
import type { SlackPrincipals } from "../slack-principals.js";
import {
  ACTION_ACK,
  ACTION_ACK_KEEP,
  ACTION_ESCALATE,
  ACTION_RESOLVE,
  ACTION_SILENCE,
  ACTION_UNACK,
  ACTION_UNRESOLVE,
  ACTION_UNSILENCE,
  parseActionValue,
  parseActionsBlockId,
  parseSilenceValue,
} from "../blocks/action-ids.js";

const BUTTONS: [string, GroupAction][] = [
  [ACTION_ACK, "acknowledge"],
  [ACTION_UNACK, "unacknowledge"],
  [ACTION_RESOLVE, "resolve"],
  [ACTION_UNRESOLVE, "unresolve"],
  [ACTION_UNSILENCE, "unsilence"],
  [ACTION_ESCALATE, "escalate"],
  [ACTION_ACK_KEEP, "keep"],
];

/**
 * Alert buttons: ack at once, then check who clicked against the access rules and act through
 * the guarded group actions, telling the clicker (ephemeral) when the action was refused or could
 * not be done. The message itself is re-rendered by the `slack.sync` job the action enqueues.
 */
export function registerActions(
  app: App,
  deps: {
    guarded: GuardedGroupActions;
    principals: SlackPrincipals;
    now?: () => number;
    /** A button clicked in the Home tab: publish the clicker's Home tab again, so it shows the group's new state. */
    refreshHome?: (client: App["client"], userId: string) => Promise<void>;
  },
): void {
  const now = deps.now ?? Date.now;
  const act = async (userId: string, groupId: string, action: GroupAction, opts: { seconds?: number | null } = {}) =>
    deps.guarded(await deps.principals.forSlackUser(userId), "slack_button", groupId, action, now(), opts);
  for (const [actionId, action] of BUTTONS) {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action: button, client }) => {
      await ack();
      const groupId = parseActionValue(button.value);
      const channel = body.channel?.id ?? body.container?.channel_id;
      const tell = async (text: string) => {
        if (channel) await client.chat.postEphemeral({ channel, user: body.user.id, text });
        // A click in the Home tab has no channel to answer in: the answer comes as a DM.
        else if (body.container?.type === "view") await client.chat.postMessage({ channel: body.user.id, text });
      };
      if (!groupId) return tell("This button does not name an alert group.");
      const result = await act(body.user.id, groupId, action);
      if (!result.ok) await tell(result.message);
      else if (action === "keep") await tell(`Thanks — #${result.group.number} stays acknowledged by you.`);
      if (result.ok && body.view?.type === "home") await deps.refreshHome?.(client, body.user.id);
    });
  }

  // The silence menu: its option values are durations, so the group id travels in the block id.
  app.action<BlockAction<StaticSelectAction>>(ACTION_SILENCE, async ({ ack, body, action: select, client }) => {
    await ack();
    const groupId = parseActionsBlockId(select.block_id);
    const duration = parseSilenceValue(select.selected_option?.value);
    const channel = body.channel?.id ?? body.container?.channel_id;
    const tell = async (text: string) => {
      if (channel) await client.chat.postEphemeral({ channel, user: body.user.id, text });
    };
    if (!groupId || duration === null) return tell("That silence option was not understood.");
    const result = await act(body.user.id, groupId, "silence", { seconds: duration === "forever" ? null : duration });
    if (!result.ok) await tell(result.message);
  });
}
