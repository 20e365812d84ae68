/**
 * PURE: the per-number paging limit (`paging.sms_per_window`, `calls_per_window`).
 *
 * A sliding window: a send at time `s` occupies a slot while `now - s < window`, i.e. during
 * `[s, s + window)`. When every slot is taken, nothing is sent now; the caller sends one
 * "N more alerts" message at `bundleAt`, the moment the oldest occupying send leaves the window.
 * `inWindow` is how many sends occupy the window now (what the held-back notices quote).
 */
import { formatDuration } from "../../shared/duration.js";

export type ThrottleDecision = { allow: true } | { allow: false; bundleAt: number; inWindow: number };

/**
 * @param sentAt this phone number's earlier sends on this channel (epoch ms, any order; sends
 *   in the future of `now`, e.g. from a replica with a fast clock, count as in the window)
 * @param limit sends allowed per window; values below 1 count as 1 (the first page always goes)
 * @param windowSeconds window length
 */
export function decideThrottle(sentAt: readonly number[], limit: number, windowSeconds: number, now: number): ThrottleDecision {
  const windowMs = Math.max(0, windowSeconds) * 1000;
  const slots = Math.max(1, Math.floor(limit));
  const inWindow = sentAt.filter((s) => now - s < windowMs).sort((a, b) => a - b);
  if (inWindow.length < slots) return { allow: true };
  // A slot is free once all but (slots - 1) of the occupying sends have left the window.
  const blocker = inWindow[inWindow.length - slots] ?? now;
  return { allow: false, bundleAt: Math.max(now, blocker + windowMs), inWindow: inWindow.length };
}

/** What {@link heldBackLogText} says about one page the limit held back. */
export interface HeldBack {
  /** The person's name. */
  who: string;
  channel: "sms" | "call";
  /** `…0001`: only the last 4 digits of the number are ever shown. */
  maskedPhone: string;
  /** Sends of this kind to the number in the window now. */
  inWindow: number;
  windowSeconds: number;
}

/**
 * The thread line for a page the per-number limit held back:
 * `The call to Alice was held back: 3 calls to …0001 in 15m.` Held-back texts add that they go out
 * in one bundled SMS once the window has room.
 */
export function heldBackLogText(h: HeldBack): string {
  const window = formatDuration(h.windowSeconds);
  if (h.channel === "call") return `The call to ${h.who} was held back: ${h.inWindow} call${h.inWindow === 1 ? "" : "s"} to ${h.maskedPhone} in ${window}.`;
  return `The SMS to ${h.who} was held back: ${h.inWindow} text${h.inWindow === 1 ? "" : "s"} to ${h.maskedPhone} in ${window}; it goes out in one bundled SMS once the limit allows.`;
}
