import { reportCommand } from "../slack/report/report-command.js";
import type { Feature } from "./feature.js";
import type { FeatureContext } from "./feature-context.js";

/** Most Slack ids of unknown acknowledgers looked up for one report (each is one `users.info` call). */
const MAX_LOOKUPS = 20;

/**
 * Reports in Slack: `/oncall report [schedule] [month]`, the fairness report of README "Fairness
 * report" (the CLI's `calpage report fairness` gives the same figures over longer ranges).
 */
export function reportFeature(ctx: FeatureContext): Feature {
  const { config, store, schedules, slack, slackUsers, now } = ctx;
  // Acknowledgers known only by their Slack id: calpage's cache first, then Slack's users.info.
  const slackEmails = async (ids: string[]) => {
    const found = new Map<string, string>();
    for (const id of ids.slice(0, MAX_LOOKUPS)) {
      const email = slackUsers.emailFor(id) ?? (await slack.userInfo(id).catch(() => null))?.email ?? null;
      if (email) found.set(id, email.toLowerCase());
    }
    return found;
  };
  return {
    name: "report",
    commands: { report: reportCommand({ config, sources: { config, store, schedules, slackEmails }, access: ctx.access, now }) },
  };
}
