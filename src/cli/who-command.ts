import type { CliCommand } from "./cli-command.js";
import { openSchedules } from "./open-schedules.js";
import { parseTimeOption } from "./parse-time-option.js";

const DAY = 86_400_000;

export const whoCommand: CliCommand = {
  usage: "who [schedule] [--at ISO-time]",
  takes: { values: ["--at"], args: 1 },
  summary: "print who is on call now (from the stored copy when a feed is unreachable; exit 1 when there is none)",
  async run(ctx) {
    const at = ctx.option("--at");
    const config = ctx.config();
    const wanted = ctx.args[0];
    const list = wanted ? config.schedules.filter((s) => s.name === wanted) : config.schedules;
    if (wanted && list.length === 0) {
      ctx.err(`calpage: no schedule called "${wanted}" in ${ctx.configPath} (schedules: ${config.schedules.map((s) => s.name).join(", ") || "none"})`);
      return 2;
    }
    // A local time is read in the schedule's zone (one schedule asked for), else calpage.yaml's.
    const when = parseTimeOption("--at", at, new Date(), list.length === 1 ? list[0]!.timezone : config.timezone);
    if (!when.ok) {
      ctx.err(`calpage: ${when.errors[0]}`);
      return 2;
    }
    // Only the day around now is computed; another --at is computed on its own when asked.
    // A final schedule stored by the server (or an earlier `who`) from the same copies answers without parsing them.
    const { store, schedules } = await openSchedules(config, ctx.err, { window: { behindMs: DAY, aheadMs: DAY }, useStoredTables: true, only: list.map((s) => s.name) });
    try {
      const names = new Map(config.users.map((u) => [u.email, u.name]));
      let unknown = 0;
      for (const s of list) {
        if (!schedules.isLoaded(s.name)) {
          // Not "nobody": without any copy of the calendar calpage does not know.
          ctx.err(`calpage: ${s.name}: unknown — its feed could not be fetched and no copy of it was ever stored`);
          unknown++;
          continue;
        }
        const who = await schedules.whoIsOnCallAsync(s.name, when.value);
        ctx.out(`${s.name}: ${who.length ? who.map((e) => `${names.get(e) ?? e} <${e}>`).join(", ") : "nobody is on call"}`);
      }
      return unknown > 0 ? 1 : 0;
    } finally {
      await schedules.stop();
      await store.close();
    }
  },
};
