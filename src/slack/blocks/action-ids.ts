/**
 * The stable ids Slack listeners register on. Renaming any of these breaks the
 * buttons on every message already posted, so treat them as a public contract.
 */

/** Button: acknowledge the group. `value` = alert group id. */
export const ACTION_ACK = "alert_ack";
/** Button: take an acknowledgement back. `value` = alert group id. */
export const ACTION_UNACK = "alert_unack";
/** Button: resolve the group. `value` = alert group id. */
export const ACTION_RESOLVE = "alert_resolve";
/** Button: reopen a resolved group. `value` = alert group id. */
export const ACTION_UNRESOLVE = "alert_unresolve";
/**
 * static_select: silence the group. The selected option's value is one of
 * {@link SILENCE_OPTIONS}; the group id travels in the actions block's
 * `block_id` (see {@link parseActionsBlockId}) because option values are fixed.
 */
export const ACTION_SILENCE = "alert_silence";
/** Button: lift a silence. `value` = alert group id. */
export const ACTION_UNSILENCE = "alert_unsilence";
/** Button: run the escalation chain's next step now. `value` = alert group id. */
export const ACTION_ESCALATE = "alert_escalate";

/** Button in the ack timeout's DM: "still on it" — the group stays acknowledged. `value` = alert group id. */
export const ACTION_ACK_KEEP = "alert_ack_keep";
/** Button: open the "Add responder" modal (people and schedules to page into the group). `value` = alert group id. */
export const ACTION_ADD_RESPONDER = "alert_add_responder";

/** Every action id the alert group messages use, for registering listeners. */
export const ALERT_GROUP_ACTION_IDS = [
  ACTION_ACK,
  ACTION_UNACK,
  ACTION_RESOLVE,
  ACTION_UNRESOLVE,
  ACTION_SILENCE,
  ACTION_UNSILENCE,
  ACTION_ESCALATE,
  ACTION_ACK_KEEP,
  ACTION_ADD_RESPONDER,
] as const;

export type AlertGroupActionId = (typeof ALERT_GROUP_ACTION_IDS)[number];

/** Option values of the silence menu, in menu order, with their length (null = forever). */
export const SILENCE_OPTIONS = [
  { value: "30m", label: "30 minutes", seconds: 30 * 60 },
  { value: "1h", label: "1 hour", seconds: 3600 },
  { value: "2h", label: "2 hours", seconds: 2 * 3600 },
  { value: "4h", label: "4 hours", seconds: 4 * 3600 },
  { value: "8h", label: "8 hours", seconds: 8 * 3600 },
  { value: "24h", label: "24 hours", seconds: 24 * 3600 },
  { value: "forever", label: "Forever", seconds: null },
] as const;

export type SilenceOptionValue = (typeof SILENCE_OPTIONS)[number]["value"];

// Group ids are opaque to us; this keeps button values and block ids parseable and
// rules out anything a forged payload could smuggle through (spaces, markup, huge strings).
const GROUP_ID = /^[A-Za-z0-9_.:-]{1,200}$/;

/**
 * Reads the alert group id from a button's `value`.
 * Returns null when it is missing or not shaped like an id.
 */
export function parseActionValue(value: string | undefined): string | null {
  if (typeof value !== "string") return null;
  const id = value.trim();
  return GROUP_ID.test(id) ? id : null;
}

/**
 * Reads the silence menu's selected value: seconds to silence for, `"forever"`,
 * or null for anything not on the menu.
 */
export function parseSilenceValue(value: string | undefined): number | "forever" | null {
  const option = SILENCE_OPTIONS.find((o) => o.value === value);
  if (!option) return null;
  return option.seconds ?? "forever";
}

/** Prefix of the actions block's `block_id`; the rest is the alert group id. */
export const ACTIONS_BLOCK_PREFIX = "alert_group_actions:";

/** `block_id` of the actions block of a group's messages (channel and DM alike). */
export function actionsBlockId(groupId: string): string {
  return `${ACTIONS_BLOCK_PREFIX}${groupId}`;
}

/**
 * Reads the alert group id from an actions block's `block_id`; this is how the
 * silence menu's listener learns which group was silenced.
 */
export function parseActionsBlockId(blockId: string | undefined): string | null {
  if (typeof blockId !== "string" || !blockId.startsWith(ACTIONS_BLOCK_PREFIX)) return null;
  return parseActionValue(blockId.slice(ACTIONS_BLOCK_PREFIX.length));
}
