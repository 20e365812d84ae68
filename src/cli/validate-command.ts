import { resolve } from "node:path";
import { formatWarnings } from "../config/load-config.js";
import type { CliCommand } from "./cli-command.js";

export const validateCommand: CliCommand = {
  usage: "validate [file]",
  summary: "check the configuration and report every problem",
  async run(ctx) {
    const path = ctx.args[0] ? resolve(ctx.args[0]) : ctx.configPath;
    const config = ctx.config(path);
    // Warnings (e.g. a ladder the paging limits would cut) do not stop calpage, so they do not fail validation.
    const warnings = config.warnings ?? [];
    if (warnings.length > 0) ctx.err(formatWarnings(path, warnings));
    ctx.out(
      `${path}: OK — ${config.users.length} users, ${config.schedules.length} schedules, ${config.escalationChains.length} escalation chains, ${config.integrations.length} integrations${warnings.length > 0 ? `; ${warnings.length} warning(s)` : ""}`,
    );
    return 0;
  },
};
