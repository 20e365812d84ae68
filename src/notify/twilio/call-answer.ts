import { voiceDigit } from "./voice-twiml.js";

/**
 * PURE: when a paging call counts as answered.
 *
 * Only a human pressing a key of the menu (4, 5, 6 or star) answers a call. Twilio reports a call
 * that voicemail, an answering machine or someone who hung up without a key picked up as
 * `completed`, exactly like a call a person listened to; so `completed` alone is not an answer, and
 * `call_until_answered` calls again.
 */

/** Twilio's final call statuses; the others (`initiated`, `ringing`, `in-progress`) are progress. */
export const FINAL_CALL_STATUSES: ReadonlySet<string> = new Set(["completed", "busy", "failed", "no-answer", "canceled"]);

/** A key of the call's menu: pressing it shows a human is on the line. Other keys (and no key) do not. */
export function isMenuKey(digits: string): boolean {
  return voiceDigit(digits) !== "invalid";
}

/** How a paging call ended, from its final status and whether a menu key was pressed during it. */
export type CallEnd =
  /** A menu key was pressed: a human answered. */
  | { answered: true }
  /** Picked up (by a person, voicemail or a machine) but no menu key: not an answer. */
  | { answered: false; reason: "no_keypress" }
  /** Never picked up: busy, failed, no answer, cancelled. */
  | { answered: false; reason: "not_picked_up"; status: string };

/** The end of a call, or null while `status` is not final. */
export function callEnd(status: string, menuKeyPressed: boolean): CallEnd | null {
  if (!FINAL_CALL_STATUSES.has(status)) return null;
  if (menuKeyPressed) return { answered: true };
  if (status === "completed") return { answered: false, reason: "no_keypress" };
  return { answered: false, reason: "not_picked_up", status };
}

/** The thread line for the first menu key of a call. */
export function keypressLogText(who: string, digits: string): string {
  return `${who} answered the call and pressed ${digits.trim()}.`;
}

/**
 * The thread line for a call's end; null when the keypress already said it all. `groupState` is
 * the group's state now: a call picked up after the alert was acknowledged elsewhere only heard
 * that and was hung up by calpage, which is no voicemail.
 */
export function callEndLogText(who: string, end: CallEnd, groupState = "firing"): string | null {
  if (end.answered) return null;
  if (end.reason === "no_keypress") {
    if (groupState !== "firing") return `The call to ${who} ended without a keypress; the alert was already ${groupState}.`;
    return `The call to ${who} ended without a keypress (voicemail or hang-up); not counted as answered.`;
  }
  return `${who} did not answer the call (${end.status}).`;
}
