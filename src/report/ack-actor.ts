import type { UserConfig } from "../config/config-types.js";

const SLACK_ID = /^[UW][A-Z0-9]{2,}$/;

/**
 * The calpage user behind an alert group's acknowledger, as the group records them: a Slack member
 * id (`U…`; through `slack_id` in calpage.yaml, else `slackIds`), a name, alias or email (an answer
 * by phone), or `Name (API token t)` (an API token acting as that person). Null for anyone else: an
 * unknown Slack id, a source's own acknowledge (the integration's name), the CLI's OS user.
 */
export function ackActorEmail(actor: string, users: readonly UserConfig[], slackIds: ReadonlyMap<string, string> = new Map()): string | null {
  if (SLACK_ID.test(actor)) return users.find((u) => u.slackId === actor)?.email ?? slackIds.get(actor) ?? null;
  const name = actor.replace(/ \(API token [^)]*\)$/, "").trim().toLowerCase();
  const u = users.find((x) => x.email === name || x.name.toLowerCase() === name || x.aliases.some((a) => a.toLowerCase() === name));
  return u?.email ?? null;
}

/** The acknowledgers in `actors` that look like Slack ids and are not in calpage.yaml (what an adapter may look up). */
export function unknownSlackIds(actors: Iterable<string>, users: readonly UserConfig[]): string[] {
  const known = new Set(users.map((u) => u.slackId).filter((x): x is string => x !== null));
  return [...new Set([...actors].filter((a) => SLACK_ID.test(a) && !known.has(a)))];
}
