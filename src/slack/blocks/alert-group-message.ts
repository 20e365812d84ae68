import type { ContextBlock, HeaderBlock, KnownBlock, SectionBlock } from "@slack/types";
import { alertGroupActions } from "./alert-group-actions.js";
import { STATE_EMOJI, actorFacts, summaryLine, timingFacts } from "./alert-group-status.js";
import type { AlertGroupView, AlertView } from "./alert-group-view.js";
import { escapeMrkdwn } from "./escape-mrkdwn.js";
import { alertCountText, escapeMrkdwnInline, groupCountText, labelSpan, mrkdwnLink, oneLine, safeUrl } from "./mrkdwn-parts.js";
import { SLACK_LIMITS, escapeTruncated, truncateMrkdwn, truncatePlain } from "./truncate.js";

/** `block_id`s of the channel message; the actions block uses {@link actionsBlockId}. */
export const ALERT_GROUP_BLOCK_IDS = {
  header: "alert_group_header",
  summary: "alert_group_summary",
  message: "alert_group_message",
  labels: "alert_group_labels",
  alerts: "alert_group_alerts",
  links: "alert_group_links",
  status: "alert_group_status",
} as const;

/** Labels listed before "+N more". */
const MAX_LABELS = 20;
/** Alerts listed in the "latest alerts" section. */
const MAX_ALERT_LINES = 10;
/** Labels in the fallback text, which shows in notifications. */
const MAX_FALLBACK_LABELS = 3;
const SECTION = SLACK_LIMITS.sectionText;

/**
 * The channel message of an alert group: header with state cue, summary line,
 * message, labels, latest alerts, links, who acted and when, and the buttons for
 * the state. `text` is the plain fallback Slack uses for notifications, e.g.
 * `🔴 #42 HighLatency (cluster=prod) — firing, 3 alerts`.
 * Times are rendered in `opts.timezone`; `opts.timelineUrl` (the group's page in calpage's web
 * view, when PUBLIC_URL is set) is linked as "Timeline". Pure: same view, same output.
 */
export function alertGroupMessage(view: AlertGroupView, opts: { timezone: string; timelineUrl?: string | null }): { text: string; blocks: KnownBlock[] } {
  const sources = uniqueSources(view.alerts);
  const blocks: KnownBlock[] = [header(view), section(ALERT_GROUP_BLOCK_IDS.summary, summaryLine(view))];
  const message = messageMrkdwn(view, SECTION);
  if (message !== null) blocks.push(section(ALERT_GROUP_BLOCK_IDS.message, message));
  const labels = labelsText(view.labels);
  if (labels !== null) blocks.push(section(ALERT_GROUP_BLOCK_IDS.labels, labels));
  const alerts = alertsText(view, sources.length > 1);
  if (alerts !== null) blocks.push(section(ALERT_GROUP_BLOCK_IDS.alerts, alerts));
  const links = linksText(view, sources.length === 1 ? sources[0]! : null, opts.timelineUrl ?? null);
  if (links !== null) blocks.push(section(ALERT_GROUP_BLOCK_IDS.links, links));
  blocks.push(statusContext(ALERT_GROUP_BLOCK_IDS.status, view, opts.timezone));
  blocks.push(alertGroupActions(view));
  return { text: alertGroupFallbackText(view), blocks };
}

/**
 * One line for notifications and clients without blocks:
 * `🔴 #42 HighLatency (cluster=prod) — firing, critical, 3 firing, 2 resolved`.
 * Labels that only repeat the title (alertname) or the severity are left out.
 */
export function alertGroupFallbackText(view: AlertGroupView, opts: { stateEmoji?: boolean } = {}): string {
  const title = oneLine(view.title) || "(untitled)";
  const labels = sortedEntries(view.labels).filter(
    ([k, v]) => !(k === "alertname" && v === view.title) && !(k === "severity" && v === view.severity),
  );
  const shown = labels.slice(0, MAX_FALLBACK_LABELS).map(([k, v]) => truncatePlain(oneLine(`${k}=${v}`), 60));
  if (labels.length > shown.length) shown.push("…");
  const facts = [view.state as string];
  if (view.severity !== null && view.severity.trim() !== "") facts.push(truncatePlain(oneLine(view.severity), 50));
  facts.push(groupCountText(view));
  const head = `#${view.number} ${truncatePlain(title, SLACK_LIMITS.headerText)}${shown.length > 0 ? ` (${shown.join(", ")})` : ""}`;
  const emoji = opts.stateEmoji === false ? "" : `${STATE_EMOJI[view.state]} `;
  return `${emoji}${escapeMrkdwn(head)} — ${escapeMrkdwn(facts.join(", "))}`;
}

/** Context block: who acted and when, then when the group started. */
export function statusContext(blockId: string, view: AlertGroupView, timezone: string): ContextBlock {
  const text = [...actorFacts(view, timezone), ...timingFacts(view, timezone)].join(" · ");
  return {
    type: "context",
    block_id: blockId,
    elements: [{ type: "mrkdwn", text: truncateMrkdwn(text, SLACK_LIMITS.contextText) }],
  };
}

function header(view: AlertGroupView): HeaderBlock {
  // plain_text: Slack shows it literally and never parses mentions in it, so no escaping.
  const title = oneLine(view.title) || "(untitled)";
  return {
    type: "header",
    block_id: ALERT_GROUP_BLOCK_IDS.header,
    text: { type: "plain_text", text: truncatePlain(`${STATE_EMOJI[view.state]} #${view.number} ${title}`, SLACK_LIMITS.headerText), emoji: true },
  };
}

/** A mrkdwn section; `text` must already be escaped and within the limit. */
export function section(blockId: string, text: string): SectionBlock {
  return { type: "section", block_id: blockId, text: { type: "mrkdwn", text: truncateMrkdwn(text, SECTION) } };
}

/**
 * The message section's mrkdwn, at most `max` long: the rendered `slack_body` template when there
 * is one (null when it rendered empty), else the escaped message (see {@link messageText}).
 */
export function messageMrkdwn(view: AlertGroupView, max: number): string | null {
  if (view.bodyMrkdwn !== undefined) return view.bodyMrkdwn.trim() === "" ? null : truncateMrkdwn(view.bodyMrkdwn, max);
  const message = messageText(view);
  return message === null ? null : escapeTruncated(message, max);
}

/** The group's message, unless empty or a repeat of the title. */
export function messageText(view: AlertGroupView): string | null {
  const message = view.message?.trim() ?? "";
  if (message === "" || oneLine(message) === oneLine(view.title)) return null;
  return message;
}

function labelsText(labels: Record<string, string>): string | null {
  const entries = sortedEntries(labels);
  if (entries.length === 0) return null;
  const reserve = " +100000 more".length;
  const spans: string[] = [];
  let length = 0;
  for (const [k, v] of entries) {
    if (spans.length >= MAX_LABELS) break;
    const span = labelSpan(k, v);
    if (length + span.length + 1 > SECTION - reserve) break;
    spans.push(span);
    length += span.length + 1;
  }
  const rest = entries.length - spans.length;
  return spans.join(" ") + (rest > 0 ? ` +${rest} more` : "");
}

const SUMMARY_ANNOTATIONS = ["summary", "description", "message"] as const;

function alertsText(view: AlertGroupView, sourcePerLine: boolean): string | null {
  const lines = view.alerts.slice(0, MAX_ALERT_LINES).map((a) => alertLine(view, a, sourcePerLine));
  // One alert that adds nothing beyond the group's own labels and message: say nothing.
  if (lines.length === 0 || (lines.length === 1 && !lines[0]!.informative)) return null;
  const body: string[] = [];
  let length = 0;
  for (const { text } of lines) {
    if (length + text.length + 1 > SECTION - 100) break;
    body.push(text);
    length += text.length + 1;
  }
  const total = Math.max(view.alertCount, view.alerts.length);
  const heading = total > body.length ? `*Latest ${body.length} of ${alertCountText(total)}*` : "*Alerts*";
  return [heading, ...body].join("\n");
}

function alertLine(view: AlertGroupView, alert: AlertView, sourcePerLine: boolean): { text: string; informative: boolean } {
  const own = sortedEntries(alert.labels).filter(([k, v]) => view.labels[k] !== v);
  const spans = own.slice(0, 6).map(([k, v]) => labelSpan(k, v, 80));
  if (own.length > spans.length) spans.push(`+${own.length - spans.length} more`);
  const summary = SUMMARY_ANNOTATIONS.map((k) => alert.annotations[k]?.trim() ?? "").find((s) => s !== "") ?? "";
  const repeats = [view.title, view.message ?? ""].some((t) => oneLine(t) === oneLine(summary));
  const parts = [alert.status === "firing" ? "🔴" : "✅"];
  if (spans.length > 0) parts.push(spans.join(" "));
  if (summary !== "" && !repeats) parts.push(`${spans.length > 0 ? "— " : ""}${escapeMrkdwnInline(summary, 200)}`);
  const informative = parts.length > 1;
  if (!informative) parts.push(alert.status);
  const source = alert.generatorUrl !== null ? safeUrl(alert.generatorUrl) : null;
  if (sourcePerLine && source !== null) parts.push(`· ${mrkdwnLink(source, "source")}`);
  return { text: parts.join(" "), informative };
}

function uniqueSources(alerts: AlertView[]): string[] {
  const urls = alerts.map((a) => (a.generatorUrl !== null ? safeUrl(a.generatorUrl) : null)).filter((u) => u !== null);
  return [...new Set(urls)];
}

const SILENCE_LINK_TITLE: Record<AlertGroupView["integrationType"], string> = {
  alertmanager: "Silence in Alertmanager",
  grafana_alerting: "Silence in Grafana",
  webhook: "Create a silence",
  formatted_webhook: "Create a silence",
  grafana: "Silence in Grafana",
  pagerduty: "Create a silence",
  direct: "Create a silence",
};

/**
 * Each URL once: the source's own links (the parser already names the alerts' source
 * and the silence page), the alerts' one source when the links lack it, and the silence
 * link — under its clearer title, and only while the group is not resolved.
 */
function linksText(view: AlertGroupView, source: string | null, timelineUrl: string | null): string | null {
  const silence = view.silenceUrl !== null && safeUrl(view.silenceUrl) !== null ? view.silenceUrl : null;
  const seen = new Set<string>();
  const links: string[] = [];
  const add = (url: string, title: string) => {
    const key = safeUrl(url) ?? url;
    if (seen.has(key)) return;
    seen.add(key);
    links.push(mrkdwnLink(url, title));
  };
  if (silence !== null) seen.add(safeUrl(silence) ?? silence);
  for (const l of view.links) add(l.url, l.title);
  if (source !== null) add(source, "Source");
  if (silence !== null && view.state !== "resolved") {
    seen.delete(safeUrl(silence) ?? silence);
    add(silence, SILENCE_LINK_TITLE[view.integrationType]);
  }
  if (timelineUrl !== null && safeUrl(timelineUrl) !== null) add(timelineUrl, "Timeline");
  if (links.length === 0) return null;
  const reserve = " · +100000 more".length;
  const shown: string[] = [];
  let length = 0;
  for (const link of links) {
    if (length + link.length + 3 > SECTION - reserve) break;
    shown.push(link);
    length += link.length + 3;
  }
  const rest = links.length - shown.length;
  if (rest > 0) shown.push(`+${rest} more`);
  return shown.join(" · ");
}

/** Entries sorted by key, by code unit, so the order never depends on the host locale. */
function sortedEntries(record: Record<string, string>): [string, string][] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
