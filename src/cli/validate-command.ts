import { resolve } from "node:path";
import { formatWarnings } from "../config/load-config.js";
import { checkFeeds } from "../schedule/check-feeds.js";
import { formatDateTime } from "../slack/blocks/format-time.js";
import type { CliCommand } from "./cli-command.js";

export const validateCommand: CliCommand = {
  usage: "validate [file] [--feeds]",
  summary: "check the configuration and report every problem; --feeds also fetches every feed once (exit 1 when one cannot be read)",
  async run(ctx) {
    const feedsAt = ctx.args.indexOf("--feeds");
    if (feedsAt !== -1) ctx.args.splice(feedsAt, 1);
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
    if (feedsAt === -1) return 0;

    const users = config.users.map((u) => ({ email: u.email, name: u.name, aliases: u.aliases, slackHandle: u.slackHandle }));
    const checks = await checkFeeds(config.schedules, users, { now: new Date() });
    let unreadable = 0;
    for (const c of checks) {
      const zone = config.schedules.find((s) => s.name === c.schedule)!.timezone;
      for (const f of c.feeds) {
        if (f.error === null) continue;
        unreadable++;
        ctx.out(`${c.schedule}: ${f.kind} feed ${f.source}: cannot be read: ${f.error}`);
      }
      const r = c.report;
      if (!r) continue;
      for (const p of r.other) ctx.out(`${c.schedule}: ${p.kind === "bad_event" ? "event not read as written" : p.kind.replace(/_/g, " ")}${p.uid ? ` (UID ${p.uid})` : ""}: ${p.message}`);
      for (const p of r.unmatched) ctx.out(`${c.schedule}: name matches nobody${p.uid ? ` (UID ${p.uid})` : ""}: ${p.message}`);
      for (const g of r.gaps) ctx.out(`${c.schedule}: nobody on call ${g.ongoing ? "now" : `from ${formatDateTime(new Date(g.start), zone)}`} until ${formatDateTime(new Date(g.end), zone)}`);
      const feedsOk = c.feeds.every((f) => f.error === null);
      if (r.empty && feedsOk) ctx.out(`${c.schedule}: feeds OK — every event read, every name matched, nobody-on-call gaps: none in the next 14 days`);
    }
    return unreadable > 0 ? 1 : 0;
  },
};
