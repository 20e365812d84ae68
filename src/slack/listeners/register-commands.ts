import type { App } from "@slack/bolt";
import type { Config } from "../../config/config-types.js";
import type { ScheduleService } from "../../schedule/schedule-service.js";

const HELP = [
  "*calpage* — on-call from your calendar",
  "`/oncall who [schedule]` — who is on call now",
  "`/oncall help` — this help",
].join("\n");

/** `/oncall …`: answers privately (ephemeral) to the person who asked. */
export function registerCommands(app: App, config: Config, schedules: ScheduleService, now: () => number = Date.now): void {
  const names = new Map(config.users.map((u) => [u.email, u]));
  app.command("/oncall", async ({ command, ack }) => {
    const [sub = "help", ...args] = command.text.trim().split(/\s+/).filter(Boolean);
    switch (sub.toLowerCase()) {
      case "who": {
        const wanted = args[0];
        if (wanted && !schedules.has(wanted)) {
          const known = config.schedules.map((s) => s.name).join(", ") || "none";
          return ack({ response_type: "ephemeral", text: `There is no schedule called "${wanted}". Schedules: ${known}.` });
        }
        const list = wanted ? config.schedules.filter((s) => s.name === wanted) : config.schedules;
        const at = new Date(now());
        const lines = list.map((s) => {
          const who = schedules.whoIsOnCall(s.name, at).map((e) => {
            const u = names.get(e);
            return u?.slackId ? `<@${u.slackId}>` : (u?.name ?? e);
          });
          return `*${s.name}*: ${who.length ? who.join(", ") : "_nobody is on call_"}`;
        });
        return ack({ response_type: "ephemeral", text: lines.join("\n") || "No schedules are configured." });
      }
      case "help":
        return ack({ response_type: "ephemeral", text: HELP });
      default:
        return ack({ response_type: "ephemeral", text: `Unknown command "${sub}".\n${HELP}` });
    }
  });
}
