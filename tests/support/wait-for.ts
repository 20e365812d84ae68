import { inspect } from "node:util";
import { setTimeout as sleep } from "node:timers/promises";

/** Options for {@link waitFor}. */
export interface WaitForOptions {
  /** Give up after this long. Default 5000 ms. */
  timeoutMs?: number;
  /** Pause between attempts. Default 50 ms. */
  intervalMs?: number;
  /** Says what is awaited; goes into the timeout message. */
  description?: string;
}

/** The values {@link waitFor} treats as "not yet". */
export type NotYet = undefined | null | false;

/**
 * Polls `fn` until it returns something other than `undefined`, `null` or `false`, and returns that.
 *
 * A throw from `fn` counts as "not yet" too (so `expect(...)` assertions can be polled). When the
 * time is up it throws an error naming the description, the number of attempts and the last value
 * or error seen, so a failing test says what it was looking at.
 *
 * @example
 * const row = await waitFor(async () => (await sql`select * from alert_groups`)[0], { timeoutMs: 10_000 });
 */
export async function waitFor<T>(fn: () => T | Promise<T>, options: WaitForOptions = {}): Promise<Exclude<T, NotYet>> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const intervalMs = options.intervalMs ?? 50;
  const started = Date.now();
  const deadline = started + timeoutMs;
  let attempts = 0;
  let last: { kind: "value"; value: unknown } | { kind: "error"; error: unknown } | undefined;
  // Bounded by the deadline: each round either returns, or sleeps at least intervalMs (>= 1 ms).
  for (;;) {
    attempts += 1;
    try {
      const value = await fn();
      if (value !== undefined && value !== null && value !== false) return value as Exclude<T, NotYet>;
      last = { kind: "value", value };
    } catch (error) {
      last = { kind: "error", error };
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) break;
    await sleep(Math.max(1, Math.min(intervalMs, remaining)));
  }
  const what = options.description ? ` for ${options.description}` : "";
  const lastText =
    last === undefined
      ? "nothing"
      : last.kind === "error"
        ? `error: ${last.error instanceof Error ? (last.error.stack ?? last.error.message) : inspect(last.error, { depth: 4 })}`
        : `value: ${inspect(last.value, { depth: 4, breakLength: 120 })}`;
  throw new Error(`waitFor${what} timed out after ${Date.now() - started} ms (${attempts} attempts); last ${lastText}`);
}
