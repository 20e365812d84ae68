import type { Config } from "../config/config-types.js";
import { createTwilioApi, type TwilioApi } from "../notify/twilio/twilio-api.js";
import { createUserSettingsService } from "../paging/settings/user-settings-service.js";
import { createIdentifyMe, type IdentifyMe } from "../slack/me/identify-me.js";
import { meCommand } from "../slack/me/me-command.js";
import { registerMeListeners } from "../slack/me/register-me-listeners.js";
import type { Feature } from "./feature.js";
import type { FeatureContext } from "./feature-context.js";

/**
 * People's own notification settings in Slack: `/oncall me` (phone number verified by an
 * SMS code, default and important ladders) and calpage's Home tab, which shows who is on
 * call now and the same settings with buttons and modals.
 */
export function meFeature(ctx: FeatureContext): Feature {
  const { config, store, schedules, slackUsers, log, now } = ctx;
  const settings = createUserSettingsService({ store, config, twilio: twilioOf(ctx), now, log, zones: ctx.zones });
  const identifyAny = createIdentifyMe(config, slackUsers);
  // Settings are the person's own, but guests and deactivated accounts only read (README "Access control").
  const identify: IdentifyMe = async (client, slackId) => {
    const p = await ctx.principals.forSlackUser(slackId);
    if (!ctx.access.decide(p, { kind: "settings" }).allowed) return null;
    return p.email ?? (await identifyAny(client, slackId));
  };
  const audit = async (slackId: string, surface: "slack_command" | "slack_button" | "slack_form", action: string, error: string | null) =>
    ctx.access.audit(await ctx.principals.forSlackUser(slackId), surface, action, "own settings", error === null ? "done" : "failed", error, now());
  const names = new Map(config.users.map((u) => [u.email, u.name]));
  const onCallNow = () => {
    const at = new Date(now());
    return config.schedules.map((s) => ({ schedule: s.name, people: schedules.whoIsOnCall(s.name, at).map((e) => names.get(e) ?? e) }));
  };
  return {
    name: "me",
    registerSlack: (app) => registerMeListeners(app, { settings, identify, onCallNow, now, log, audit }),
    commands: { me: meCommand({ settings, identify, now, audit }) },
  };
}

/** The composition root's Twilio client; until it hands one over, the same client built from the environment. */
function twilioOf(ctx: FeatureContext): TwilioApi | null {
  if (ctx.twilio !== undefined) return ctx.twilio;
  return twilioFromEnv(ctx.config);
}

function twilioFromEnv(config: Config): TwilioApi | null {
  const tw = config.env.twilio;
  return tw.accountSid && tw.authToken && tw.fromNumber ? createTwilioApi({ accountSid: tw.accountSid, authToken: tw.authToken, fromNumber: tw.fromNumber, apiUrl: tw.apiUrl }) : null;
}
