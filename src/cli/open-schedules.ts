import { createStore } from "../app/create-store.js";
import type { Config } from "../config/config-types.js";
import { createScheduleService, type ScheduleService } from "../schedule/schedule-service.js";
import type { Store } from "../store/store.js";

/**
 * For offline CLI commands: the store and every schedule loaded once — from the
 * network when it answers, else from the stored last good copy.
 */
export async function openSchedules(config: Config, err: (line: string) => void): Promise<{ store: Store; schedules: ScheduleService }> {
  const store = createStore(config);
  await store.migrate();
  const schedules = createScheduleService(store, config, { log: err });
  await schedules.start({ refresh: false });
  return { store, schedules };
}
