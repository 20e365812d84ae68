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
    const generated = config.integrations.filter((i) => i.token === null).map((i) => i.name);
    if (generated.length > 0) ctx.out(`no token set for ${generated.join(", ")}: calpage generates one at start and keeps it; \`calpage urls\` prints the URL`);
    return 0;
  },
};
