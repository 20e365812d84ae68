import type { Config } from "../config/config-types.js";
import { createTwilioApi, type TwilioApi } from "../notify/twilio/twilio-api.js";
import { createUserSettingsService } from "../paging/settings/user-settings-service.js";
import { configuredZones } from "../paging/person-zones.js";
import { COVER_LOOKAHEAD_MS, turnsOf } from "../schedule/cover-service.js";
import { coverModal, type CoverShiftOption } from "../slack/schedule/cover-blocks.js";
import { HOME_SHIFT_DAYS, type HomeExtras, type HomeGroup } from "../slack/me/home-sections.js";
import { createIdentifyMe, type IdentifyMe } from "../slack/me/identify-me.js";
import { meCommand } from "../slack/me/me-command.js";
import { registerMeListeners } from "../slack/me/register-me-listeners.js";
import type { Feature } from "./feature.js";
import type { FeatureContext } from "./feature-context.js";

/**
 * People's own notification settings in Slack: `/oncall me` (phone number verified by an
 * SMS code, default and important ladders, quiet hours) and calpage's Home tab, which shows
 * who is on call now, the person's next shifts (with Request cover) and the open groups that
 * paged them (with Acknowledge), and the same settings with buttons and modals.
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
  const zones = ctx.zones ?? configuredZones(config);
  /**
   * The person's turns on call that start within `days`, every schedule, soonest first. Read
   * 30 days ahead, so a turn is cut only when it lasts beyond that (`openEnded`).
   */
  const turns = (email: string, days: number) => {
    const t = now();
    const horizon = t + COVER_LOOKAHEAD_MS;
    return config.schedules
      .flatMap((s) =>
        turnsOf(schedules.shifts(s.name, new Date(t), new Date(horizon)), email).map((turn) => ({
          schedule: s.name,
          start: Math.max(turn.start, t),
          end: turn.end,
          canCover: s.channel !== null,
          openEnded: turn.end >= horizon,
        })),
      )
      .filter((turn) => turn.start < t + days * 86_400_000)
      .sort((a, b) => a.start - b.start || a.schedule.localeCompare(b.schedule));
  };
  const homeExtras = async (email: string): Promise<HomeExtras> => {
    const groups = await store.read.groups.listOpenPagedFor(email, 100);
    return {
      timezone: zones.zoneOf(email).zone,
      shifts: turns(email, HOME_SHIFT_DAYS),
      groups: groups.flatMap((g): HomeGroup[] => (g.state === "resolved" ? [] : [{ id: g.id, number: g.number, title: g.title, state: g.state, acknowledgedBy: g.acknowledgedBy }])),
    };
  };
  /** `/oncall cover`'s modal with `chosen` first (picked); null when it is no longer within one of the person's turns. */
  const coverModalFor = async (email: string, chosen: CoverShiftOption) => {
    const t = now();
    const mine = turns(email, COVER_LOOKAHEAD_MS / 86_400_000).filter((s) => s.canCover);
    const start = Math.max(chosen.start, t);
    const within = mine.find((s) => s.schedule === chosen.schedule && s.start <= start && s.end >= chosen.end && chosen.end > start);
    if (!within) return null;
    const picked = { schedule: chosen.schedule, start, end: chosen.end };
    const others = mine.filter((s) => s !== within).map(({ schedule, start: from, end }) => ({ schedule, start: from, end }));
    return coverModal({ shifts: [picked, ...others], timezone: zones.zoneOf(email).zone, now: t, privateMetadata: JSON.stringify({ channel: null }) });
  };
  let home: ReturnType<typeof registerMeListeners> | undefined;
  return {
    name: "me",
    registerSlack: (app) => {
      home = registerMeListeners(app, { settings, identify, onCallNow, now, log, audit, homeExtras, coverModal: coverModalFor });
    },
    refreshHome: async (client, userId) => home?.refreshHome(client, userId),
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
