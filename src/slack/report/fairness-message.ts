import type { FairnessReport } from "../../report/fairness-report.js";
import { fairnessTable, flagLines, flagRuleText, unattributedText } from "../../report/fairness-table.js";
import { escapeMrkdwn } from "../blocks/escape-mrkdwn.js";

/** Longest answer: well under what Slack shows of a message without "show more" trouble. */
const MAX_ROWS = 40;

/**
 * `/oncall report`'s answer: one month as a compact table in a code block (names shortened, no
 * zone column), the flagged figures in words, and how to read it.
 */
export function fairnessMessage(report: FairnessReport, title: { schedule: string | null; month: string; soFar: boolean }): string {
  const period = report.months[0] ?? report.total;
  const head = `*Fairness: ${escapeMrkdwn(title.schedule ?? report.schedules.join(", "))}, ${title.month}${title.soFar ? " so far" : ""}* (${escapeMrkdwn(report.zone)})`;
  if (period.people.length === 0) return `${head}\nNobody was on call or paged in this time.`;
  const rows = fairnessTable({ ...period, people: period.people.slice(0, MAX_ROWS) }, { maxNameLength: 18 });
  const more = period.people.length > MAX_ROWS ? `\n…and ${period.people.length - MAX_ROWS} more people: \`calpage report fairness\` lists everyone.` : "";
  const flags = flagLines(period).map((l) => `• ${escapeMrkdwn(l)}`);
  const strangers = unattributedText(report);
  return [
    head,
    `\`\`\`\n${escapeMrkdwn(rows.join("\n"))}\n\`\`\`${more}`,
    ...(flags.length ? ["*Far from the team mean:*", ...flags] : []),
    ...(strangers ? [escapeMrkdwn(strangers)] : []),
    `_Nights are 00:00–06:00 and weekends Saturday and Sunday in each person's zone (their \`timezone\` in calpage.yaml, else its top-level \`timezone\`). ${escapeMrkdwn(flagRuleText(report.rule))}. Several months or JSON: \`calpage report fairness\`._`,
  ].join("\n");
}
