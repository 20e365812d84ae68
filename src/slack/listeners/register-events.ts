import type { App } from "@slack/bolt";
import type { Config } from "../../config/config-types.js";
import type { ScheduleService } from "../../schedule/schedule-service.js";

/** App Home: who is on call now in each schedule, and how to use /oncall. */
export function registerEvents(app: App, config: Config, schedules: ScheduleService, now: () => number = Date.now): void {
  app.event("app_home_opened", async ({ event, client }) => {
    if (event.tab !== "home") return;
    const at = new Date(now());
    const names = new Map(config.users.map((u) => [u.email, u.name]));
    const lines = config.schedules.map((s) => {
      const who = schedules.whoIsOnCall(s.name, at).map((e) => names.get(e) ?? e);
      return `*${s.name}*: ${who.length ? who.join(", ") : "_nobody is on call_"}`;
    });
    await client.views.publish({
      user_id: event.user,
      view: {
        type: "home",
        blocks: [
          { type: "header", text: { type: "plain_text", text: "On call now" } },
          { type: "section", text: { type: "mrkdwn", text: lines.join("\n") || "No schedules are configured." } },
          { type: "context", elements: [{ type: "mrkdwn", text: "Type `/oncall help` for commands." }] },
        ],
      },
    });
  });
}
