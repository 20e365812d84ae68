import type { Db } from "../db.js";
import { alertGroupsRepository } from "./alert-groups-repository.js";
import { alertsRepository } from "./alerts-repository.js";
import { countersRepository } from "./counters-repository.js";
import { feedsRepository } from "./feeds-repository.js";
import { logRepository } from "./log-repository.js";
import { pagesRepository } from "./pages-repository.js";
import { heartbeatsRepository } from "./heartbeats-repository.js";
import { maintenanceRepository } from "./maintenance-repository.js";
import { rateSlotsRepository } from "./rate-slots-repository.js";

export function makeRepositories(db: Db) {
  return {
    groups: alertGroupsRepository(db),
    alerts: alertsRepository(db),
    log: logRepository(db),
    pages: pagesRepository(db),
    feeds: feedsRepository(db),
    counters: countersRepository(db),
    rateSlots: rateSlotsRepository(db),
    heartbeats: heartbeatsRepository(db),
    maintenance: maintenanceRepository(db),
  };
}

export type Repositories = ReturnType<typeof makeRepositories>;
