import { Checker, isEmpty } from "./config-checker.js";
import { defaultOf, durationField, integerField, keysOf, STORM } from "./config-shape.js";
import type { StormSettings } from "./config-types.js";

/**
 * Default: five new groups in a minute into one channel is a storm. At Slack's one post a second
 * per channel the fifth of a burst would wait about four seconds for its own message; a larger
 * threshold is detected later, and the groups before it wait longer.
 */
const THRESHOLD = integerField(STORM, "threshold");
const WINDOW = durationField(STORM, "window");
export const DEFAULT_STORM: StormSettings = { threshold: defaultOf(THRESHOLD), windowSeconds: defaultOf(WINDOW) };

const EXPECTATION = "storm settings like {threshold: 5, window: 1m}, or off";

/** `storm: {threshold, window}` (either may be left out), `storm: off` / `false`; left out = the defaults. */
export function validateStorm(c: Checker, v: unknown): StormSettings | null {
  if (isEmpty(v)) return DEFAULT_STORM;
  if (v === false || v === "off") return null;
  const obj = c.object(v, "storm", keysOf(STORM), EXPECTATION);
  if (obj === null) return DEFAULT_STORM;
  const threshold = c.integer(obj.threshold, "storm.threshold", { min: THRESHOLD.min, max: THRESHOLD.max, example: DEFAULT_STORM.threshold, what: "new alert groups" }, DEFAULT_STORM.threshold);
  const windowSeconds = isEmpty(obj.window) ? DEFAULT_STORM.windowSeconds : c.boundedDuration(obj.window, "storm.window", true, "window", WINDOW.min, WINDOW.max);
  return { threshold: threshold ?? DEFAULT_STORM.threshold, windowSeconds: windowSeconds ?? DEFAULT_STORM.windowSeconds };
}
