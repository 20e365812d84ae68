import { resolve } from "node:path";
import type { CliCommand } from "./cli-command.js";

export const validateCommand: CliCommand = {
  usage: "validate [file]",
  summary: "check the configuration and report every problem",
  async run(ctx) {
    const path = ctx.args[0] ? resolve(ctx.args[0]) : ctx.configPath;
    const config = ctx.config(path);
    ctx.out(
      `${path}: OK — ${config.users.length} users, ${config.schedules.length} schedules, ${config.escalationChains.length} escalation chains, ${config.integrations.length} integrations`,
    );
    return 0;
  },
};
