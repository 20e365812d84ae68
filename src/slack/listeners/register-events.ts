import type { App } from "@slack/bolt";
import type { Config } from "../../config/config-types.js";
import type { ScheduleService } from "../../schedule/schedule-service.js";

/**
 * Slack events outside any feature. The Home tab (`app_home_opened`) belongs to the "me"
 * feature (src/app/me-feature.ts), which shows who is on call now together with the person's
 * own phone and ladders; registering it here too would publish the tab twice.
 */
export function registerEvents(_app: App, _config: Config, _schedules: ScheduleService, _now: () => number = Date.now): void {
  // Nothing else subscribes to events yet.
}
