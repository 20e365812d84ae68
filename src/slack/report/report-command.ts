import type { AccessService } from "../../access/access-service.js";
import type { Feature } from "../../app/feature.js";
import type { Config } from "../../config/config-types.js";
import { loadFairnessReport, reportZone, type FairnessSources } from "../../report/load-fairness-report.js";
import { parseReportMonth } from "../../report/report-range.js";
import { escapeMrkdwn } from "../blocks/escape-mrkdwn.js";
import { fairnessMessage } from "./fairness-message.js";
import { parseReportCommand, REPORT_USAGE } from "./parse-report-command.js";

export interface ReportCommandDeps {
  config: Config;
  sources: FairnessSources;
  access: AccessService;
  now: () => number;
}

/**
 * `/oncall report [schedule] [month]`: the fairness report of one month (default the current one,
 * so far), answered privately. calpage users and admins may ask; guests and people who are not in
 * calpage.yaml are told why not and who can add them.
 */
export function reportCommand(deps: ReportCommandDeps): NonNullable<Feature["commands"]>[string] {
  const { config, sources, access, now } = deps;
  return {
    usage: REPORT_USAGE,
    async run(args, ctx) {
      const cmd = parseReportCommand(args, config.schedules.map((s) => s.name));
      if (cmd.kind === "help") return ctx.respond(`${REPORT_USAGE}. Months like \`2026-03\` or \`march\` (its latest one). Several months or JSON: \`calpage report fairness --from … --to …\` on the server.`);
      if (cmd.kind === "error") return ctx.respond(escapeMrkdwn(cmd.message));
      const allowed = access.decide(await ctx.who(), { kind: "report" });
      if (!allowed.allowed) return ctx.respond(allowed.message);
      if (config.schedules.length === 0) return ctx.respond("No schedules are configured, so there is no rota to report on.");
      const zone = reportZone(config, cmd.schedule);
      const t = now();
      const month = parseReportMonth(cmd.month ?? undefined, zone, t);
      if (!month.ok) return ctx.respond(escapeMrkdwn(month.errors[0]!));
      let loaded: Awaited<ReturnType<typeof loadFairnessReport>>;
      try {
        loaded = await loadFairnessReport(sources, { from: new Date(month.value.from), to: new Date(month.value.to), schedule: cmd.schedule });
      } catch (error) {
        return ctx.respond(escapeMrkdwn(`Something went wrong while gathering the report: ${error instanceof Error ? error.message : String(error)}. Try again, or run \`calpage report fairness\` on the server.`));
      }
      const { report, unloaded } = loaded;
      const missing = unloaded.length ? `\n_calpage has no copy of ${unloaded.map((n) => `*${escapeMrkdwn(n)}*`).join(", ")}'s feed yet: its shifts are missing._` : "";
      return ctx.respond(fairnessMessage(report, { schedule: cmd.schedule, month: month.value.label, soFar: month.value.to === t }) + missing);
    },
  };
}
