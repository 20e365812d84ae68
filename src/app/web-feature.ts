import { createGroupVisibility } from "../access/group-visibility.js";
import { createWebRoutes } from "../http/web-routes.js";
import { createSlackSignIn } from "../slack/web/slack-sign-in.js";
import { webCommands } from "../slack/web/web-command.js";
import { createWebService } from "../web/web-service.js";
import type { Feature } from "./feature.js";
import type { FeatureContext } from "./feature-context.js";

/**
 * The read-only web view (README "Web view"): `/oncall web` answers a personal signed link; the
 * pages under /web/ show schedules' timelines, alert groups' timelines and the fairness report to whoever it signs in,
 * with the same access rules as Slack.
 */
export function webFeature(ctx: FeatureContext): Feature {
  const { config, store, schedules, access, principals, slack, slackUsers, now } = ctx;
  const visibility = createGroupVisibility(access, slack);
  const signIn = config.env.slackSignIn;
  const web = createWebService({
    config,
    store,
    schedules,
    visibility,
    access,
    // Acknowledgers known only by their Slack id, for the fairness report: calpage's cache, then users.info (at most 20).
    slackEmails: async (ids) => {
      const found = new Map<string, string>();
      for (const id of ids.slice(0, 20)) {
        const email = slackUsers.emailFor(id) ?? (await slack.userInfo(id).catch(() => null))?.email ?? null;
        if (email) found.set(id, email.toLowerCase());
      }
      return found;
    },
    principalOf: (id) => principals.forSlackUser(id),
    slackSignIn: signIn ? createSlackSignIn({ ...signIn, apiUrl: config.env.slack.apiUrl }) : null,
    slackUser: (id) => slack.userInfo(id),
    now,
  });
  return {
    name: "web",
    http: createWebRoutes({ web, secureCookie: config.env.publicUrl.startsWith("https://") }),
    commands: webCommands({ slack, link: web.link, ttlSeconds: config.env.webLinkTtlSeconds, publicUrlSet: config.env.publicUrlSet }),
  };
}
