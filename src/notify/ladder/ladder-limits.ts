import type { LadderStep, PagingLimits } from "../../config/config-types.js";
import { formatDuration } from "../../shared/duration.js";
import { decideThrottle } from "./throttle.js";

/**
 * PURE: does a ladder fit the per-number limits (`paging.sms_per_window`, `calls_per_window`,
 * `window`)? The ladder is played at its fastest — nobody answers, every call's result arrives at
 * once, waits are exact — and each text and call goes through the same sliding-window rule as
 * {@link decideThrottle}: sends the limit would hold back are the ones a real page would lose (a
 * held-back call is not placed; held-back texts only go out bundled, later).
 */

export interface LadderOverLimit {
  channel: "sms" | "call";
  /** Most sends of this kind the ladder makes within one window. */
  inWindow: number;
  limit: number;
  windowSeconds: number;
  /** 1-based positions (among this ladder's calls, or texts) of the sends the limit holds back. */
  heldBack: number[];
  /** Texts and calls of this kind the ladder makes in all. */
  total: number;
}

/** Each channel whose limit the ladder runs into on its own (a person paged for several groups meets it sooner). */
export function ladderOverLimits(steps: readonly LadderStep[], limits: PagingLimits): LadderOverLimit[] {
  const times: Record<"sms" | "call", number[]> = { sms: [], call: [] };
  let t = 0;
  for (const step of steps) {
    switch (step.type) {
      case "sms":
      case "call":
        times[step.type].push(t);
        break;
      case "wait":
        t += Math.max(0, step.seconds);
        break;
      case "call_until_answered": {
        const n = Math.max(1, Math.floor(step.times));
        for (let i = 0; i < n; i++) times.call.push(t + i * Math.max(0, step.everySeconds));
        t += (n - 1) * Math.max(0, step.everySeconds);
        break;
      }
      case "slack_dm":
        break;
    }
  }
  const out: LadderOverLimit[] = [];
  for (const channel of ["call", "sms"] as const) {
    const limit = Math.max(1, Math.floor(channel === "sms" ? limits.smsPerWindow : limits.callsPerWindow));
    const result = overLimit(times[channel], limit, limits.windowSeconds);
    if (result) out.push({ channel, limit, windowSeconds: limits.windowSeconds, total: times[channel].length, ...result });
  }
  return out;
}

/** The pager's own rule (decideThrottle) over send times in seconds, ascending: held-back sends do not occupy a slot. */
function overLimit(sendAt: readonly number[], limit: number, windowSeconds: number): { inWindow: number; heldBack: number[] } | null {
  const sentMs: number[] = [];
  const heldBack: number[] = [];
  sendAt.forEach((s, i) => {
    if (decideThrottle(sentMs, limit, windowSeconds, s * 1000).allow) sentMs.push(s * 1000);
    else heldBack.push(i + 1);
  });
  if (heldBack.length === 0) return null;
  const inWindow = Math.max(...sendAt.map((s) => sendAt.filter((x) => x >= s && x - s < windowSeconds).length));
  return { inWindow, heldBack };
}

/**
 * What is wrong, in words, for `calpage validate` and `/oncall me`:
 * `this ladder places 5 calls within 15m but paging.calls_per_window is 3: calls 4 and 5 would be held back`.
 */
export function ladderOverLimitText(o: LadderOverLimit): string {
  const window = formatDuration(o.windowSeconds);
  if (o.channel === "call") {
    return `this ladder places ${o.inWindow} calls within ${window} but paging.calls_per_window is ${o.limit}: ${ordinals("call", o.heldBack)} would be held back (not placed); space the calls out or raise the limit`;
  }
  return `this ladder sends ${o.inWindow} texts within ${window} but paging.sms_per_window is ${o.limit}: ${ordinals("text", o.heldBack)} would be held back (sent later, bundled into one SMS); use fewer sms steps or raise the limit`;
}

/** `call 4`, `calls 4 and 5`, `calls 4, 5 and 6`, `calls 4, 5, 6, 7 and 3 more`. */
function ordinals(noun: string, positions: readonly number[]): string {
  const shown = positions.slice(0, 4).map(String);
  const more = positions.length - shown.length;
  const plural = positions.length === 1 ? noun : `${noun}s`;
  if (more > 0) return `${plural} ${shown.join(", ")} and ${more} more`;
  if (shown.length === 1) return `${plural} ${shown[0]}`;
  return `${plural} ${shown.slice(0, -1).join(", ")} and ${shown[shown.length - 1]}`;
}
