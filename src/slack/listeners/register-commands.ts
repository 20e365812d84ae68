import type { App } from "@slack/bolt";
import { alertCountsText } from "../../alerts/alert-counts-text.js";
import type { DirectPageService } from "../../alerts/direct-page-service.js";
import type { GroupAction, GroupActions } from "../../alerts/group-actions.js";
import type { MaintenanceService } from "../../alerts/maintenance-service.js";
import type { Feature } from "../../app/feature.js";
import type { Config } from "../../config/config-types.js";
import type { ScheduleService } from "../../schedule/schedule-service.js";
import type { Store } from "../../store/store.js";
import { ONCALL_HELP, parseOncallCommand } from "../commands/parse-oncall-command.js";
import { STATE_EMOJI } from "../blocks/alert-group-status.js";

export interface CommandDeps {
  config: Config;
  store: Store;
  schedules: ScheduleService;
  act: GroupActions;
  maintenance: MaintenanceService;
  page: DirectPageService;
  /** Subcommands contributed by features (e.g. schedules: shifts, explain, cover, override). */
  featureCommands?: Feature["commands"];
  now?: () => number;
}

const ACTIONS: Record<"ack" | "resolve" | "unack" | "unresolve" | "unsilence", GroupAction> = {
  ack: "acknowledge",
  resolve: "resolve",
  unack: "unacknowledge",
  unresolve: "unresolve",
  unsilence: "unsilence",
};

/** `/oncall …`: parse, call one service, answer privately (ephemeral) to whoever asked. */
export function registerCommands(app: App, deps: CommandDeps): void {
  const { config, store, schedules } = deps;
  const now = deps.now ?? Date.now;
  const users = new Map(config.users.map((u) => [u.email, u]));

  const extra = deps.featureCommands ?? {};
  const help = [ONCALL_HELP, ...Object.values(extra).map((c) => c.usage)].join("\n");

  app.command("/oncall", async ({ command, ack, client }) => {
    const reply = (text: string) => ack({ response_type: "ephemeral", text });
    const [first = "", ...rest] = command.text.trim().split(/\s+/).filter(Boolean);
    const feature = Object.hasOwn(extra, first.toLowerCase()) ? extra[first.toLowerCase()] : undefined;
    if (feature) {
      await ack();
      return feature.run(rest, {
        userId: command.user_id,
        channelId: command.channel_id,
        triggerId: command.trigger_id,
        client,
        respond: async (text) => {
          await client.chat.postEphemeral({ channel: command.channel_id, user: command.user_id, text });
        },
      });
    }
    const cmd = parseOncallCommand(command.text);
    switch (cmd.kind) {
      case "help":
        return reply(help);
      case "error":
        return reply(cmd.message);
      case "who": {
        if (cmd.schedule && !schedules.has(cmd.schedule)) {
          const known = config.schedules.map((s) => s.name).join(", ") || "none";
          return reply(`There is no schedule called "${cmd.schedule}". Schedules: ${known}.`);
        }
        const list = cmd.schedule ? config.schedules.filter((s) => s.name === cmd.schedule) : config.schedules;
        const at = new Date(now());
        const lines = list.map((s) => {
          const who = schedules.whoIsOnCall(s.name, at).map((e) => {
            const u = users.get(e);
            return u?.slackId ? `<@${u.slackId}>` : (u?.name ?? e);
          });
          return `*${s.name}*: ${who.length ? who.join(", ") : "_nobody is on call_"}`;
        });
        return reply(lines.join("\n") || "No schedules are configured.");
      }
      case "alerts": {
        const open = await store.read.groups.listOpen(30);
        if (open.length === 0) return reply("No open alert groups. :tada:");
        const lines = open.map((g) => `${STATE_EMOJI[g.state]} *#${g.number}* ${g.title.slice(0, 120)} — ${g.state}, ${alertCountsText(g)}`);
        return reply(lines.join("\n"));
      }
      case "ack":
      case "resolve":
      case "unack":
      case "unresolve":
      case "unsilence":
      case "silence": {
        const g = await store.read.groups.getByNumber(cmd.number);
        if (!g) return reply(`There is no alert group #${cmd.number}.`);
        const result =
          cmd.kind === "silence"
            ? await deps.act(g.id, "silence", command.user_id, now(), { seconds: cmd.seconds })
            : await deps.act(g.id, ACTIONS[cmd.kind], command.user_id, now());
        return reply(result.ok ? `#${g.number} is now ${result.group.state}.` : result.message);
      }
      case "maintenance": {
        const r = await deps.maintenance.start(cmd.integration, cmd.seconds ?? 0, command.user_id, now());
        return reply(r.message);
      }
      case "maintenance_off": {
        const r = await deps.maintenance.stop(cmd.integration, command.user_id, now());
        return reply(r.message);
      }
      case "page": {
        let target: { email: string } | { schedule: string };
        if ("userId" in cmd.target) {
          const email = await emailOf(cmd.target.userId);
          if (!email) return reply(`<@${cmd.target.userId}> is not a calpage user: add their Slack email to calpage.yaml.`);
          target = { email };
        } else target = cmd.target;
        await ack({ response_type: "ephemeral", text: "Paging…" });
        const r = await deps.page({ target, message: cmd.message, important: cmd.important, requestedBy: command.user_id, channel: command.channel_id }, now());
        const text = r.ok ? `Opened #${r.group.number} and paging.${r.warning ? ` :warning: ${r.warning}` : ""}` : r.message;
        await client.chat.postEphemeral({ channel: command.channel_id, user: command.user_id, text });
        return;
      }
    }

    async function emailOf(userId: string): Promise<string | null> {
      for (const u of users.values()) if (u.slackId === userId) return u.email;
      const info = await client.users.info({ user: userId });
      const email = info.user?.profile?.email?.toLowerCase();
      return email && users.has(email) ? email : null;
    }
  });
}
