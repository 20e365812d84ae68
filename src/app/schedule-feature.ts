import { createIcalRoutes } from "../http/ical-routes.js";
import type { FeatureTaskName, TaskHandler } from "../jobs/job-queue.js";
import { createCoverService } from "../schedule/cover-service.js";
import { createExportService } from "../schedule/export-service.js";
import { ensureScheduleJobs, makeScheduleHandlers, TASK_COVER_MESSAGE } from "../schedule/schedule-jobs.js";
import { makeShiftDmsHandler, TASK_SHIFT_DM, TASK_SHIFT_DMS } from "../schedule/shift-dm-jobs.js";
import { makeShiftDmHandler } from "../slack/schedule/shift-dm-handler.js";
import { makeCoverMessageHandler } from "../slack/schedule/cover-message-handler.js";
import { registerScheduleListeners } from "../slack/schedule/register-schedule-listeners.js";
import { scheduleCommands } from "../slack/schedule/schedule-commands.js";
import { makeScheduleSlackHandlers } from "../slack/schedule/schedule-slack-handlers.js";
import { createSlackPeople } from "../slack/schedule/slack-people.js";
import type { Feature } from "./feature.js";
import type { FeatureContext } from "./feature-context.js";

/** How often every schedule's refresh and tick jobs are re-created if missing (a lost timer, a new schedule). */
const ENSURE_EVERY_MS = 5 * 60_000;

/**
 * Schedules in Slack and over HTTP: feed refresh, announcements, user groups, calendar-swap
 * notices (jobs shared by replicas), cover requests and overrides (`/oncall cover`, `override`,
 * `shifts`, `explain`, buttons, modal), and the ICS export under `/ical/`.
 */
export function scheduleFeature(ctx: FeatureContext): Feature {
  const { config, store, schedules, slack, slackUsers, log, now } = ctx;
  const people = createSlackPeople(config, slack, slackUsers);
  const cover = createCoverService({ store, config, schedules, now, log });
  const exports = createExportService({ store, config, schedules, now });
  let timer: NodeJS.Timeout | null = null;
  const handlers: Partial<Record<FeatureTaskName, TaskHandler>> = {
    ...makeScheduleHandlers({ store, config, schedules, log, now, zones: ctx.zones }),
    ...makeScheduleSlackHandlers({ store, config, schedules, slack, people, log, now }),
    [TASK_COVER_MESSAGE]: makeCoverMessageHandler({ store, config, slack, people, now }),
    [TASK_SHIFT_DMS]: makeShiftDmsHandler({ store, config, schedules, log, now }),
    [TASK_SHIFT_DM]: makeShiftDmHandler({ store, config, slack, slackUsers, people, log, now }),
  };
  return {
    name: "schedules",
    handlers,
    http: createIcalRoutes({ config, exports }),
    registerSlack: (app) => registerScheduleListeners(app, { config, cover, people, access: ctx.access, principals: ctx.principals, now }),
    commands: scheduleCommands({ config, store, schedules, cover, people, access: ctx.access, now }),
    async start(t) {
      if (config.schedules.length === 0) return;
      await ensureScheduleJobs(store, config, t);
      timer = setInterval(() => {
        void ensureScheduleJobs(store, config, now()).catch((e: unknown) => log(`schedules: could not check their jobs: ${String(e)}`));
      }, ENSURE_EVERY_MS);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await schedules.stop();
    },
  };
}
