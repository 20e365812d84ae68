import type { AlertGroupRecord } from "../store/repositories/alert-group-record.js";

/**
 * Whether one person's ladder for a group may still send (and its pages go out): while the group
 * fires; for a responder request ("add responder": someone asked for help), also while it is
 * acknowledged. Never once it is silenced or resolved, nor when the group is gone.
 */
export function ladderMaySend(groupState: AlertGroupRecord["state"] | null | undefined, responder: boolean): boolean {
  if (groupState === "firing") return true;
  return responder && groupState === "acknowledged";
}
