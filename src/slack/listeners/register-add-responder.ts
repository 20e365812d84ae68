import type { App, BlockAction, ButtonAction } from "@slack/bolt";
import type { GuardedGroupActions } from "../../access/guarded-group-actions.js";
import type { ResponderTarget } from "../../alerts/add-responders.js";
import type { Config } from "../../config/config-types.js";
import type { Store } from "../../store/store.js";
import { ACTION_ADD_RESPONDER, parseActionValue } from "../blocks/action-ids.js";
import { ADD_RESPONDER_INPUT_ACTION, ADD_RESPONDER_INPUTS, MAX_PICKED_PEOPLE, VIEW_ADD_RESPONDER, addResponderModal } from "../blocks/add-responder-modal.js";
import type { SlackPrincipals } from "../slack-principals.js";
import { ackViewWithin, lateProblem, type ViewAnswer } from "./answer-within.js";

interface PickerValue {
  selected_users?: string[];
  selected_options?: { value?: string }[];
}

/**
 * The alert message's **Add responder** button opens a modal (people and schedules); submitting it
 * adds them through the guarded `add_responder` action, as `/oncall add` does. Problems show under
 * the inputs; an answer too slow for Slack's 3 seconds reaches the person as a DM.
 */
export function registerAddResponder(
  app: App,
  deps: { config: Config; store: Store; guarded: GuardedGroupActions; principals: SlackPrincipals; log: (line: string) => void; now?: () => number },
): void {
  const now = deps.now ?? Date.now;
  const scheduleNames = deps.config.schedules.map((s) => s.name);

  app.action<BlockAction<ButtonAction>>(ACTION_ADD_RESPONDER, async ({ ack, body, action: button, client }) => {
    await ack();
    const channel = body.channel?.id ?? body.container?.channel_id;
    const tell = async (text: string) => {
      if (channel) await client.chat.postEphemeral({ channel, user: body.user.id, text });
    };
    const groupId = parseActionValue(button.value);
    const group = groupId ? await deps.store.read.groups.get(groupId) : null;
    if (!group) return tell(groupId ? "That alert group no longer exists." : "This button does not name an alert group.");
    await client.views.open({ trigger_id: body.trigger_id, view: addResponderModal(group, scheduleNames) });
  });

  app.view(VIEW_ADD_RESPONDER, async ({ ack, body, view, client }) => {
    const values = view.state.values as Record<string, Record<string, PickerValue>>;
    const userIds = values[ADD_RESPONDER_INPUTS.users]?.[ADD_RESPONDER_INPUT_ACTION]?.selected_users ?? [];
    const schedules = (values[ADD_RESPONDER_INPUTS.schedules]?.[ADD_RESPONDER_INPUT_ACTION]?.selected_options ?? []).map((o) => o.value ?? "");
    const errorsOn = (text: string): ViewAnswer => ({ response_action: "errors", errors: { [ADD_RESPONDER_INPUTS.users]: text.slice(0, 2000) } });
    let groupNumber: number | null = null;
    await ackViewWithin(
      ack,
      async () => {
        const group = await deps.store.read.groups.get(view.private_metadata);
        if (!group) return errorsOn("That alert group no longer exists.");
        groupNumber = group.number;
        if (userIds.length === 0 && schedules.length === 0) return errorsOn("Pick at least one person or schedule.");
        if (userIds.length > MAX_PICKED_PEOPLE) return errorsOn(`Pick at most ${MAX_PICKED_PEOPLE} people.`);
        const targets: ResponderTarget[] = [];
        for (const id of userIds) {
          const p = await deps.principals.forSlackUser(id);
          if (p.email === null) return errorsOn(`${p.name} is not a calpage user, so calpage cannot page them: an admin can add their Slack email to users in calpage.yaml.`);
          targets.push({ email: p.email });
        }
        for (const s of schedules) {
          if (!scheduleNames.includes(s)) return errorsOn(`"${s}" is not a schedule. Schedules: ${scheduleNames.join(", ") || "none"}.`);
          targets.push({ schedule: s });
        }
        const result = await deps.guarded(await deps.principals.forSlackUser(body.user.id), "slack_form", group.id, "add_responder", now(), { responders: targets });
        return result.ok ? undefined : errorsOn(result.message.replace(/`/g, ""));
      },
      async (answer) => {
        const why = lateProblem(answer);
        if (!why) return;
        const text = `Responders were not added${groupNumber === null ? "" : ` to #${groupNumber}`}: ${why}`;
        await client.chat.postMessage({ channel: body.user.id, text }).catch((e: unknown) => deps.log(`add responder: could not DM ${body.user.id}: ${e instanceof Error ? e.message : String(e)}`));
      },
    );
  });
}
