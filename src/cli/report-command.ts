import { DateTime } from "luxon";
import { fairnessTable, flagLines, flagRuleText, unattributedText } from "../report/fairness-table.js";
import { loadFairnessReport, reportZone } from "../report/load-fairness-report.js";
import { monthLabel, parseReportRange } from "../report/report-range.js";
import type { CliCommand } from "./cli-command.js";
import { openSchedules } from "./open-schedules.js";

const USAGE = "report fairness --from <date> --to <date> [--schedule name] [--format table|json]";

/**
 * `calpage report fairness`: who carried the on-call load, per person and month (README "Fairness
 * report"). People's zones come from calpage.yaml only: the CLI has no Slack to ask.
 */
export const reportCommand: CliCommand = {
  usage: USAGE,
  takes: { values: ["--from", "--to", "--schedule", "--format"], args: 1 },
  summary: "hours on call, nights, weekends, pages and acknowledgements per person and month, with the team's spread",
  async run(ctx) {
    const fromOpt = ctx.option("--from");
    const toOpt = ctx.option("--to");
    const scheduleOpt = ctx.option("--schedule") ?? null;
    const format = ctx.option("--format") ?? "table";
    const kind = ctx.args[0];
    if (kind !== "fairness") {
      ctx.err(kind === undefined || kind === "fairness" ? `usage: calpage ${USAGE}` : `calpage: report ${kind}: unknown report (there is: fairness)\nusage: calpage ${USAGE}`);
      return 2;
    }
    if (format !== "table" && format !== "json") {
      ctx.err(`calpage: --format ${format}: expected table or json`);
      return 2;
    }
    const config = ctx.config();
    if (scheduleOpt !== null && !config.schedules.some((s) => s.name === scheduleOpt)) {
      ctx.err(`calpage: --schedule ${scheduleOpt}: no schedule called "${scheduleOpt}" in ${ctx.configPath} (schedules: ${config.schedules.map((s) => s.name).join(", ") || "none"})`);
      return 2;
    }
    const zone = reportZone(config, scheduleOpt);
    const range = parseReportRange(fromOpt, toOpt, zone);
    if (!range.ok) {
      ctx.err(`calpage: ${range.errors[0]} (dates are in ${zone})`);
      return 2;
    }
    const { store, schedules } = await openSchedules(config, ctx.err);
    try {
      const { report, unloaded } = await loadFairnessReport({ config, store, schedules }, { from: new Date(range.value.from), to: new Date(range.value.to), schedule: scheduleOpt });
      for (const name of unloaded) ctx.err(`calpage: ${name}: no copy of the feed could be fetched or found in the database; its shifts are not in the report`);
      // Exit 1 when a schedule's shifts are missing: the figures are incomplete.
      const code = unloaded.length > 0 ? 1 : 0;
      if (format === "json") {
        ctx.out(JSON.stringify({ ...report, unloadedSchedules: unloaded, zonesFrom: "calpage.yaml (users[].timezone, else timezone)" }, null, 2));
        return code;
      }
      const day = (iso: string, endExclusive = false) => {
        const d = DateTime.fromISO(iso, { zone });
        const shown = endExclusive && d.equals(d.startOf("day")) ? d.minus({ days: 1 }) : d;
        return shown.toFormat(shown.equals(shown.startOf("day")) ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm");
      };
      ctx.out(`Fairness report: ${report.schedules.join(", ") || "no schedules"}, ${day(report.from)} to ${day(report.to, true)} (${zone})`);
      ctx.out("Nights are 00:00–06:00 and weekends Saturday and Sunday, each in the person's own zone from calpage.yaml (the CLI cannot read Slack profiles).");
      const periods = report.months.length > 1 ? [...report.months, report.total] : report.months;
      for (const p of periods) {
        ctx.out("");
        ctx.out(p.label === "total" ? "Whole range" : monthLabel(DateTime.fromFormat(p.label, "yyyy-MM")));
        if (p.people.length === 0) {
          ctx.out("nobody was on call or paged");
          continue;
        }
        for (const l of fairnessTable(p, { zones: true })) ctx.out(l);
        for (const l of flagLines(p)) ctx.out(`  ${l}`);
      }
      ctx.out("");
      ctx.out(flagRuleText(report.rule));
      const strangers = unattributedText(report);
      if (strangers) ctx.out(strangers);
      return code;
    } finally {
      await schedules.stop();
      await store.close();
    }
  },
};
