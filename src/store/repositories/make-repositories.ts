import type { Db } from "../db.js";
import { alertGroupsRepository } from "./alert-groups-repository.js";
import { alertsRepository } from "./alerts-repository.js";
import { auditRepository } from "./audit-repository.js";
import { generatedSecretsRepository } from "./generated-secrets-repository.js";
import { countersRepository } from "./counters-repository.js";
import { feedsRepository } from "./feeds-repository.js";
import { logRepository } from "./log-repository.js";
import { pagesRepository } from "./pages-repository.js";
import { heartbeatsRepository } from "./heartbeats-repository.js";
import { maintenanceRepository } from "./maintenance-repository.js";
import { rateSlotsRepository } from "./rate-slots-repository.js";
import { shiftMessagesRepository } from "./shift-messages-repository.js";
import { slackOverridesRepository } from "./slack-overrides-repository.js";
import { coverRequestsRepository } from "./cover-requests-repository.js";
import { scheduleStateRepository } from "./schedule-state-repository.js";
import { scheduleTablesRepository } from "./schedule-tables-repository.js";
import { exportedShiftsRepository } from "./exported-shifts-repository.js";
import { ladderRunsRepository } from "./ladder-runs-repository.js";
import { smsAnswersRepository } from "./sms-answers-repository.js";
import { stormSummariesRepository } from "./storm-summaries-repository.js";
import { userSettingsRepository } from "./user-settings-repository.js";

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
    slackOverrides: slackOverridesRepository(db),
    coverRequests: coverRequestsRepository(db),
    scheduleState: scheduleStateRepository(db),
    scheduleTables: scheduleTablesRepository(db),
    exportedShifts: exportedShiftsRepository(db),
    shiftMessages: shiftMessagesRepository(db),
    userSettings: userSettingsRepository(db),
    ladderRuns: ladderRunsRepository(db),
    smsAnswers: smsAnswersRepository(db),
    audit: auditRepository(db),
    generatedSecrets: generatedSecretsRepository(db),
    storms: stormSummariesRepository(db),
  };
}

export type Repositories = ReturnType<typeof makeRepositories>;
