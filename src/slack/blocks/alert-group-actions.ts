import type { ActionsBlock, Button, StaticSelect } from "@slack/types";
import {
  ACTION_ACK,
  ACTION_ADD_RESPONDER,
  ACTION_ESCALATE,
  ACTION_RESOLVE,
  ACTION_SILENCE,
  ACTION_UNACK,
  ACTION_UNRESOLVE,
  ACTION_UNSILENCE,
  SILENCE_OPTIONS,
  actionsBlockId,
} from "./action-ids.js";
import type { AlertGroupView } from "./alert-group-view.js";

function button(text: string, actionId: string, groupId: string, style?: "primary" | "danger"): Button {
  return {
    type: "button",
    action_id: actionId,
    text: { type: "plain_text", text, emoji: true },
    value: groupId,
    ...(style ? { style } : {}),
  };
}

function silenceMenu(): StaticSelect {
  return {
    type: "static_select",
    action_id: ACTION_SILENCE,
    placeholder: { type: "plain_text", text: "Silence…", emoji: true },
    options: SILENCE_OPTIONS.map((o) => ({ text: { type: "plain_text", text: o.label, emoji: true }, value: o.value })),
  };
}

/**
 * The buttons that make sense for the group's state, shared by the channel
 * message and the DM so both offer the same actions:
 * firing: Acknowledge, Escalate, Resolve, Silence menu, Add responder; acknowledged: Unacknowledge,
 * Resolve, Add responder; silenced: Unsilence, Acknowledge, Resolve; resolved: Unresolve. `opts.responder` (the DM of a
 * responder request, "add responder"): an acknowledged group offers Acknowledge (answering the
 * request) and Resolve — not Unacknowledge, which would undo someone else's acknowledgement.
 */
export function alertGroupActions(view: Pick<AlertGroupView, "id" | "state">, opts: { responder?: boolean } = {}): ActionsBlock {
  const id = view.id;
  const elements: ActionsBlock["elements"] = (() => {
    switch (view.state) {
      case "firing":
        return [button("Acknowledge", ACTION_ACK, id, "primary"), button("Escalate", ACTION_ESCALATE, id), button("Resolve", ACTION_RESOLVE, id), silenceMenu(), button("Add responder", ACTION_ADD_RESPONDER, id)];
      case "acknowledged":
        if (opts.responder) return [button("Acknowledge", ACTION_ACK, id, "primary"), button("Resolve", ACTION_RESOLVE, id)];
        return [button("Unacknowledge", ACTION_UNACK, id), button("Resolve", ACTION_RESOLVE, id), button("Add responder", ACTION_ADD_RESPONDER, id)];
      case "silenced":
        return [button("Unsilence", ACTION_UNSILENCE, id), button("Acknowledge", ACTION_ACK, id), button("Resolve", ACTION_RESOLVE, id)];
      case "resolved":
        return [button("Unresolve", ACTION_UNRESOLVE, id)];
    }
  })();
  return { type: "actions", block_id: actionsBlockId(id), elements };
}
