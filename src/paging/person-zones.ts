import type { Config } from "../config/config-types.js";

/** Where a person's time zone comes from: their user in calpage.yaml, their Slack profile, or calpage.yaml's top-level `timezone`. */
export type ZoneSource = "calpage.yaml" | "Slack" | "default";

export interface PersonZone {
  /** IANA zone name. */
  zone: string;
  source: ZoneSource;
}

/**
 * Port: each person's time zone, for quiet hours, night shifts and times shown to them. Answers
 * at once from what is known (never waits for the chat), so it can be asked inside a transaction.
 * Implemented by src/slack/slack-person-zones.ts (Slack profile `tz`, cached and refreshed);
 * {@link configuredZones} when there is no chat.
 */
export interface PersonZones {
  zoneOf(email: string): PersonZone;
  /** Asks the chat for the zones of these people that are not known (or are stale), and resolves once it answered; never inside a transaction. */
  load?(emails: Iterable<string>): Promise<void>;
}

/** A `timezone` on the user in calpage.yaml, else the top-level `timezone`. */
export function configuredZone(config: Config, email: string): PersonZone | null {
  const own = config.users.find((u) => u.email === email)?.timezone;
  return own ? { zone: own, source: "calpage.yaml" } : null;
}

/** Zones from calpage.yaml only. */
export function configuredZones(config: Config): PersonZones {
  return { zoneOf: (email) => configuredZone(config, email) ?? { zone: config.timezone, source: "default" } };
}
