import { AsyncLocalStorage } from "node:async_hooks";

const bound = new AsyncLocalStorage<number>();

/**
 * Runs `fn` so that, while the database looks unwell (a connection closed or failed, and nothing
 * succeeded since), every database connection it asks for must be had within `ms`, or the
 * statement fails with DatabaseUnavailableError before anything is sent. HTTP requests run
 * under this, so a webhook gets its 503 within a second while the database is down, and waits
 * as long as it takes for a pool that is merely busy. Jobs do not run under it (they wait for
 * the driver's own connect timeout, and are paused meanwhile).
 */
export function withAcquireDeadline<T>(ms: number, fn: () => T): T {
  return bound.run(ms, fn);
}

/** The bound set by {@link withAcquireDeadline} around the current call, if any (ms). */
export function acquireDeadline(): number | undefined {
  return bound.getStore();
}
