import { Checker, isEmpty } from "./config-checker.js";
import type { StormSettings } from "./config-types.js";

/**
 * Default: five new groups in a minute into one channel is a storm. At Slack's one post a second
 * per channel the fifth of a burst would wait about four seconds for its own message; a larger
 * threshold is detected later, and the groups before it wait longer.
 */
export const DEFAULT_STORM: StormSettings = { threshold: 5, windowSeconds: 60 };

const EXPECTATION = "storm settings like {threshold: 5, window: 1m}, or off";

/** `storm: {threshold, window}` (either may be left out), `storm: off` / `false`; left out = the defaults. */
export function validateStorm(c: Checker, v: unknown): StormSettings | null {
  if (isEmpty(v)) return DEFAULT_STORM;
  if (v === false || v === "off") return null;
  const obj = c.object(v, "storm", ["threshold", "window"], EXPECTATION);
  if (obj === null) return DEFAULT_STORM;
  const threshold = c.integer(obj.threshold, "storm.threshold", { min: 2, max: 100_000, example: 5, what: "new alert groups" }, DEFAULT_STORM.threshold);
  const windowSeconds = isEmpty(obj.window) ? DEFAULT_STORM.windowSeconds : c.boundedDuration(obj.window, "storm.window", true, "window", 10, 3600);
  return { threshold: threshold ?? DEFAULT_STORM.threshold, windowSeconds: windowSeconds ?? DEFAULT_STORM.windowSeconds };
}
