import type { Feature } from "../../app/feature.js";
import { formatDuration } from "../../shared/duration.js";
import type { SlackApi } from "../slack-api.js";

type Commands = NonNullable<Feature["commands"]>;

export interface WebCommandDeps {
  slack: SlackApi;
  /** Signs a personal link for the asker (see the web service). */
  link(userId: string, email: string | null, tz: string | null): Promise<{ url: string; expiresAt: number }>;
  ttlSeconds: number;
  /** PUBLIC_URL was set: without it the link points at localhost, which the answer says. */
  publicUrlSet: boolean;
}

/**
 * `/oncall web`: a personal, signed link to calpage's read-only pages, answered privately. Anyone
 * whose Slack account is active gets one; what the pages show follows the access rules, checked
 * on every page with who they are then.
 */
export function webCommands(deps: WebCommandDeps): Commands {
  return {
    web: {
      usage: "`/oncall web` — a personal link to calpage's web view (schedules' timelines, alert groups' timelines)",
      async run(args, ctx) {
        if (args.length > 0) return ctx.respond("`/oncall web` takes no arguments: it answers with a personal link to calpage's web view.");
        const p = await ctx.who();
        if (p.deactivated) return ctx.respond("Your Slack account is deactivated, so calpage does not give it a link.");
        const tz = await deps.slack
          .userInfo(ctx.userId)
          .then((u) => u?.tz ?? null)
          .catch(() => null);
        const { url } = await deps.link(ctx.userId, p.email, tz);
        const note = deps.publicUrlSet ? "" : "\n:warning: PUBLIC_URL is not set, so this link points at localhost; an admin can set PUBLIC_URL to calpage's address.";
        await ctx.respond(
          `Your personal link to calpage's web view (valid ${formatDuration(deps.ttlSeconds)}; do not share it — it signs in as you):\n<${url}|Open calpage>\n${url}${note}`,
        );
      },
    },
  };
}
