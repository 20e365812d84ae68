import { AsyncLocalStorage } from "node:async_hooks";
import type { LogFields } from "./logger.js";

/**
 * What the work in progress is about (a request id, a job's task, an alert group's number…),
 * carried through awaits so every line logged while doing it says so.
 */
const storage = new AsyncLocalStorage<LogFields>();

/** Runs `fn` with `fields` added to the current context (the outer one is left as it was). */
export function withLogContext<T>(fields: LogFields, fn: () => T): T {
  return storage.run({ ...storage.getStore(), ...fields }, fn);
}

/** Runs `fn` in a context of its own with just `fields` (a job is not about the request that queued it). */
export function withNewLogContext<T>(fields: LogFields, fn: () => T): T {
  return storage.run({ ...fields }, fn);
}

/** Adds what was learnt along the way (the group an alert joined) to the current context; nothing outside one. */
export function annotateLogContext(fields: LogFields): void {
  const store = storage.getStore();
  if (store) Object.assign(store, fields);
}

/** The current context (the same object later annotations change), or an empty one. */
export function logContext(): LogFields {
  return storage.getStore() ?? {};
}
