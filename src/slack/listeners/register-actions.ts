import type { App, BlockAction, ButtonAction, StaticSelectAction } from "@slack/bolt";
import type { GroupAction, GroupActions } from "../../alerts/group-actions.js";
import {
  ACTION_ACK,
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
];

/**
 * Alert buttons: ack at once, act through the group-actions service, and tell
 * the clicker (ephemeral) when the action could not be done. The message itself
 * is re-rendered by the `slack.sync` job the action enqueues.
 */
export function registerActions(app: App, act: GroupActions, now: () => number = Date.now): void {
  for (const [actionId, action] of BUTTONS) {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action: button, client }) => {
      await ack();
      const groupId = parseActionValue(button.value);
      const channel = body.channel?.id ?? body.container?.channel_id;
      const tell = async (text: string) => {
        if (channel) await client.chat.postEphemeral({ channel, user: body.user.id, text });
      };
      if (!groupId) return tell("This button does not name an alert group.");
      const result = await act(groupId, action, body.user.id, now());
      if (!result.ok) await tell(result.message);
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
    const result = await act(groupId, "silence", body.user.id, now(), { seconds: duration === "forever" ? null : duration });
    if (!result.ok) await tell(result.message);
  });
}
