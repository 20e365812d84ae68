/**
 * The latest time a silence may end: what an ISO time can say (four-digit years) and calpage can
 * store, schedule and show. A longer silence is "forever".
 */
export const LATEST_SILENCE_END_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
