import { createSimulateService, twilioConfigured } from "../simulate/simulate-service.js";
import { createSlackPeople } from "../slack/schedule/slack-people.js";
import { simulateCommand } from "../slack/simulate/simulate-command.js";
import type { Feature } from "./feature.js";
import type { FeatureContext } from "./feature-context.js";

/**
 * `/oncall simulate`: what an alert would page, played by the same escalation and ladder code
 * the server runs, on the live schedules and overrides, without storing or sending anything.
 */
export function simulateFeature(ctx: FeatureContext): Feature {
  const { config, store, schedules, slack, slackUsers, now } = ctx;
  const phoneEnabled = ctx.twilio !== undefined ? ctx.twilio !== null : twilioConfigured(config);
  const simulator = createSimulateService({ config, store, schedules, phoneEnabled, ...(ctx.zones ? { zoneOf: (email: string) => ctx.zones!.zoneOf(email).zone } : {}) });
  const people = createSlackPeople(config, slack, slackUsers);
  return {
    name: "simulate",
    commands: {
      simulate: simulateCommand({ simulator, zoneOf: async (id) => (await people.identify(id)).tz, fallbackZone: config.timezone, now }),
    },
  };
}
