import { exportShiftsIcs } from "../schedule/export-shifts-ics.js";
import { WINDOW_BEHIND_MS } from "../schedule/schedule-service.js";
import { formatDateTime } from "../slack/blocks/format-time.js";
import type { CliCommand } from "./cli-command.js";
import { openSchedules } from "./open-schedules.js";
import { parseTimeOption } from "./parse-time-option.js";

const DAY = 86_400_000;
const MAX_RANGE_MS = 400 * DAY;

export const shiftsCommand: CliCommand = {
  usage: "shifts <schedule> [--from ISO] [--to ISO] [--format table|json|ics]",
  takes: { values: ["--from", "--to", "--format"], args: 1 },
  summary: "print the final schedule (default the next 7 days), from the stored copy when a feed is unreachable",
  async run(ctx) {
    const fromOpt = ctx.option("--from");
    const toOpt = ctx.option("--to");
    const format = ctx.option("--format") ?? "table";
    const config = ctx.config();
    const name = ctx.args[0];
    const schedule = config.schedules.find((s) => s.name === name);
    if (!name || !schedule) {
      ctx.err(name ? `calpage: no schedule called "${name}" in ${ctx.configPath} (schedules: ${config.schedules.map((s) => s.name).join(", ") || "none"})` : `usage: calpage ${shiftsCommand.usage}`);
      return 2;
    }
    if (!["table", "json", "ics"].includes(format)) {
      ctx.err(`calpage: --format ${format}: expected table, json or ics`);
      return 2;
    }
    const from = parseTimeOption("--from", fromOpt, new Date(), schedule.timezone);
    if (!from.ok) {
      ctx.err(`calpage: ${from.errors[0]}`);
      return 2;
    }
    const to = parseTimeOption("--to", toOpt, new Date(from.value.getTime() + 7 * DAY), schedule.timezone);
    if (!to.ok) {
      ctx.err(`calpage: ${to.errors[0]}`);
      return 2;
    }
    if (to.value <= from.value || to.value.getTime() - from.value.getTime() > MAX_RANGE_MS) {
      ctx.err("calpage: --to must be after --from, and at most 400 days later");
      return 2;
    }
    const { store, schedules } = await openSchedules(config, ctx.err, { only: [schedule.name] });
    try {
      if (!schedules.isLoaded(schedule.name)) {
        ctx.err(`calpage: ${schedule.name}: no copy of the feed could be fetched or found in the database`);
        return 1;
      }
      // Real starts, as the calendar export gives them (its UIDs are schedule + start, so they must not
      // move with --from): looked for as far back as the server keeps its window; ends cut at --to.
      const reaching = await schedules.shiftsAsync(schedule.name, new Date(from.value.getTime() - WINDOW_BEHIND_MS), to.value);
      const shifts = reaching.filter((s) => s.end > from.value);
      const names = new Map(config.users.map((u) => [u.email, u.name]));
      if (format === "json") {
        const out = shifts.map((s) => ({
          start: s.start.toISOString(),
          end: s.end.toISOString(),
          users: s.users.map((e) => ({ email: e, name: names.get(e) ?? e })),
          reasons: s.reasons,
        }));
        ctx.out(JSON.stringify({ schedule: schedule.name, timezone: schedule.timezone, from: from.value.toISOString(), to: to.value.toISOString(), shifts: out }, null, 2));
      } else if (format === "ics") {
        process.stdout.write(exportShiftsIcs(shifts, { scheduleName: schedule.name, calendarName: `On call: ${schedule.name}`, now: new Date(), users: schedules.users }));
      } else {
        // The year is shown for every date not in this year (a range in another year reads unambiguously).
        const ref = new Date();
        const rows = shifts.map((s) => [formatDateTime(s.start, schedule.timezone, ref), formatDateTime(s.end, schedule.timezone, ref), s.users.map((e) => names.get(e) ?? e).join(", ")]);
        const header = ["start", "end", "on call"];
        const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
        const line = (cells: string[]) => cells.map((c, i) => (i < cells.length - 1 ? c.padEnd(widths[i]!) : c)).join("  ");
        ctx.out(`${schedule.name} (${schedule.timezone}), ${formatDateTime(from.value, schedule.timezone, ref)} to ${formatDateTime(to.value, schedule.timezone, ref)}`);
        ctx.out(line(header));
        for (const r of rows) ctx.out(line(r));
        if (rows.length === 0) ctx.out("nobody is on call in this range");
      }
      return 0;
    } finally {
      await schedules.stop();
      await store.close();
    }
  },
};
