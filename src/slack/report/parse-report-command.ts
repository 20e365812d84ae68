import { isMonthName } from "../../report/report-range.js";

/** What someone asked for with `/oncall report …`. Pure. */
export type ReportCommand = { kind: "fairness"; schedule: string | null; month: string | null } | { kind: "help" } | { kind: "error"; message: string };

export const REPORT_USAGE = "`/oncall report [schedule] [month]` — fairness: hours on call, nights, weekends, pages and acknowledgements per person (default this month)";

/**
 * Parses the words after `/oncall report`: an optional schedule name (one of `schedules`) and an
 * optional month (`2026-03`, `march`, `mar`), in either order. The month itself is checked later,
 * against the schedule's zone and the date.
 */
export function parseReportCommand(words: readonly string[], schedules: readonly string[]): ReportCommand {
  const args = words.map((w) => w.replace(/^#/, ""));
  if (args.length === 1 && args[0]!.toLowerCase() === "help") return { kind: "help" };
  let schedule: string | null = null;
  let month: string | null = null;
  for (const w of args) {
    if (schedule === null && schedules.includes(w)) schedule = w;
    else if (month === null && (/^\d{4}-\d{1,2}$/.test(w) || isMonthName(w))) month = /^\d{4}-\d$/.test(w) ? `${w.slice(0, 5)}0${w.slice(5)}` : w;
    else {
      return {
        kind: "error",
        message: `"${w}" is neither a schedule nor a month. Usage: ${REPORT_USAGE}. Schedules: ${schedules.join(", ") || "none"}; months like 2026-03 or march.`,
      };
    }
  }
  return { kind: "fairness", schedule, month };
}
