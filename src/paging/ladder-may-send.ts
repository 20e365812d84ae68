import type { AlertGroupRecord } from "../store/repositories/alert-group-record.js";
import { parseLadderKey } from "./ladder-key.js";

/**
 * Whether one person's ladder for a group may still send (and its pages go out): while the group
 * fires; for a responder request ("add responder": someone asked for help), also while it is
 * acknowledged. Never once it is silenced or resolved, nor when the group is gone.
 */
export function ladderMaySend(groupState: AlertGroupRecord["state"] | null | undefined, responder: boolean): boolean {
  if (groupState === "firing") return true;
  return responder && groupState === "acknowledged";
}

/**
 * Whether a page is a responder request's: its person's ladder run for the group is one, and the
 * page was sent by that very run (its ladder key names the run; a page without one, the "reaching
 * them again" page after an unknown outcome, goes with the current run). A page an older run left
 * queued — say the chain's DM, when the person is asked to help after the acknowledgement ended
 * that ladder — is not: it would be a second page next to the new run's own.
 */
export function isResponderPage(run: { responder?: boolean; state: { run: number } } | null | undefined, ladderKey: string | null): boolean {
  if (run?.responder !== true) return false;
  const key = parseLadderKey(ladderKey);
  return key === null || key.run === run.state.run;
}
