import { IANAZone } from "luxon";
import type { Config } from "../config/config-types.js";
import { configuredZone, type PersonZone, type PersonZones } from "../paging/person-zones.js";
import type { SlackApi } from "./slack-api.js";
import type { SlackUserCache } from "./slack-user-cache.js";

/** How long a zone read from Slack is used before it is read again (people travel; Slack's profile follows). */
export const ZONE_REFRESH_MS = 3_600_000;
/** After a failed or empty lookup, how long before Slack is asked again. */
const ZONE_RETRY_MS = 300_000;

/**
 * People's time zones: a `timezone` on the user in calpage.yaml wins; else their Slack profile's
 * `tz`, remembered and read again in the background once an hour (a person whose `slack_id` is in
 * calpage.yaml through `users.info`, everyone else through the user cache's `users.lookupByEmail`);
 * until Slack has answered, calpage.yaml's top-level `timezone`. `zoneOf` never waits for Slack.
 */
export function createSlackPersonZones(config: Config, slack: Pick<SlackApi, "userInfo">, slackUsers: Pick<SlackUserCache, "lookup">, opts: { now?: () => number; log?: (line: string) => void } = {}) {
  const now = opts.now ?? Date.now;
  const users = new Map(config.users.map((u) => [u.email, u]));
  const known = new Map<string, { tz: string | null; until: number }>();
  const inFlight = new Map<string, Promise<void>>();

  const valid = (tz: string | null | undefined): string | null => (tz && IANAZone.isValidZone(tz) ? tz : null);

  async function readSlack(email: string): Promise<string | null> {
    const slackId = users.get(email)?.slackId;
    if (slackId) return valid((await slack.userInfo(slackId))?.tz);
    return valid((await slackUsers.lookup(email))?.tz);
  }

  /** Reads the person's zone from Slack now (one lookup at a time per person). */
  function refresh(email: string): Promise<void> {
    const running = inFlight.get(email);
    if (running) return running;
    const p = readSlack(email)
      .then((tz) => void known.set(email, { tz, until: now() + (tz ? ZONE_REFRESH_MS : ZONE_RETRY_MS) }))
      .catch((e: unknown) => {
        known.set(email, { tz: known.get(email)?.tz ?? null, until: now() + ZONE_RETRY_MS });
        opts.log?.(`zones: could not read the Slack time zone of ${email}: ${e instanceof Error ? e.message : String(e)}`);
      })
      .finally(() => inFlight.delete(email));
    inFlight.set(email, p);
    return p;
  }

  const zones: PersonZones & { refresh(email: string): Promise<void>; learn(email: string, tz: string | null): void; load(emails: Iterable<string>): Promise<void> } = {
    zoneOf(email: string): PersonZone {
      const own = configuredZone(config, email);
      if (own) return own;
      const hit = known.get(email);
      if (!hit || hit.until <= now()) void refresh(email);
      return hit?.tz ? { zone: hit.tz, source: "Slack" } : { zone: config.timezone, source: "default" };
    },
    refresh,
    /** A zone Slack told calpage on the way (a DM's recipient lookup): remembered like a refresh. */
    learn(email: string, tz: string | null): void {
      const zone = valid(tz);
      if (zone) known.set(email, { tz: zone, until: now() + ZONE_REFRESH_MS });
    },
    /** Reads the zones of these people that are not known or are an hour old, one after another (no burst against Slack's rate limits). */
    async load(emails: Iterable<string>): Promise<void> {
      for (const email of new Set(emails)) {
        if (configuredZone(config, email)) continue;
        const hit = known.get(email);
        if (!hit || hit.until <= now()) await refresh(email);
      }
    },
  };
  return zones;
}

export type SlackPersonZones = ReturnType<typeof createSlackPersonZones>;
