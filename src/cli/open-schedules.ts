import { openStore } from "../app/open-store.js";
import type { Config } from "../config/config-types.js";
import { createInlineCompute } from "../schedule/compute-client.js";
import { createScheduleService, type ScheduleService, type ScheduleServiceOptions } from "../schedule/schedule-service.js";
import type { Store } from "../store/store.js";

/**
 * For offline CLI commands: the store and every schedule (or those in `only`) loaded once — from the
 * network when it answers, else from the stored last good copy. Computed on this thread (a CLI
 * has nothing else to do; a worker thread costs its start-up and a second heap), over `window`
 * (default the server's). `useStoredTables`: see {@link ScheduleServiceOptions}.
 */
export async function openSchedules(
  config: Config,
  err: (line: string) => void,
  opts: Pick<ScheduleServiceOptions, "window" | "useStoredTables"> & { only?: readonly string[] } = {},
): Promise<{ store: Store; schedules: ScheduleService }> {
  const store = await openStore(config);
  await store.migrate();
  // `only`: just the schedules asked about — the others' feeds are neither fetched nor reported on.
  const { only, ...rest } = opts;
  const scoped = only ? { ...config, schedules: config.schedules.filter((s) => only.includes(s.name)) } : config;
  const schedules = createScheduleService(store, scoped, { log: err, compute: createInlineCompute(), ...rest });
  await schedules.start({ refresh: false });
  return { store, schedules };
}
