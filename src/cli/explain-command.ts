import { formatDateTime } from "../slack/blocks/format-time.js";
import type { CliCommand } from "./cli-command.js";
import { openSchedules } from "./open-schedules.js";
import { parseWhen } from "./parse-time-option.js";

export const explainCommand: CliCommand = {
  usage: "explain <schedule> [time]",
  summary: "say which calendar event or Slack override puts each person on call (time: ISO, or YYYY-MM-DD HH:MM in the schedule's zone)",
  async run(ctx) {
    const config = ctx.config();
    const [name, ...rest] = ctx.args;
    const schedule = config.schedules.find((s) => s.name === name);
    if (!name || !schedule) {
      ctx.err(name ? `calpage: no schedule called "${name}" in ${ctx.configPath} (schedules: ${config.schedules.map((s) => s.name).join(", ") || "none"})` : `usage: calpage ${explainCommand.usage}`);
      return 2;
    }
    const at = parseWhen(rest, schedule.timezone, new Date());
    if (!at) {
      ctx.err(`calpage: "${rest.join(" ")}": expected an ISO time like 2026-11-21T09:00:00Z or 2026-11-21 09:00 (in ${schedule.timezone})`);
      return 2;
    }
    const { store, schedules } = await openSchedules(config, ctx.err);
    try {
      const names = new Map(config.users.map((u) => [u.email, u.name]));
      const who = (e: string) => `${names.get(e) ?? e} <${e}>`;
      const tz = schedule.timezone;
      ctx.out(`${schedule.name} at ${formatDateTime(at, tz)} (${at.toISOString()}):`);
      if (!schedules.isLoaded(schedule.name)) {
        ctx.out("  no copy of the feed could be fetched or found in the database");
        return 1;
      }
      const shift = schedules.shiftAt(schedule.name, at);
      if (!shift) ctx.out("  nobody is on call: no event covers this time");
      else {
        ctx.out(`  on call: ${shift.users.map(who).join(", ")} (shift ${formatDateTime(shift.start, tz, at)} to ${formatDateTime(shift.end, tz, at)})`);
        for (const r of shift.reasons) {
          if (r.source === "slack") {
            const o = await store.read.slackOverrides.get(r.uid);
            const how = o?.source === "cover" ? `took over from ${o.replacing ? who(o.replacing) : "someone"} via a Slack cover request` : "Slack override (/oncall override)";
            ctx.out(`  - ${who(r.userEmail)}: ${how}, override ${r.uid}${o ? ` by ${o.createdBy}` : ""}`);
          } else {
            ctx.out(`  - ${who(r.userEmail)}: ${r.source === "overrides" ? "overrides feed" : "primary feed"} event "${r.summary}" (UID ${r.uid}, level L${r.level})`);
          }
        }
      }
      for (const kind of ["primary", "overrides"] as const) {
        const f = await store.read.feeds.get(schedule.name, kind);
        if (!f) continue;
        const fetched = f.fetchedAt !== null ? formatDateTime(new Date(f.fetchedAt), tz) : "never";
        ctx.out(`  ${kind} feed: copy from ${fetched}${f.error ? `; failing: ${f.error}` : ""}`);
      }
      return 0;
    } finally {
      await schedules.stop();
      await store.close();
    }
  },
};
