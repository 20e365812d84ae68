import { DateTime } from "luxon";
import { alertCountsText } from "../alerts/alert-counts-text.js";
import { maskPhoneNumbers } from "../shared/redact.js";
import type { AlertGroupRecord } from "../store/repositories/alert-group-record.js";
import type { StoredAlert } from "../store/repositories/alerts-repository.js";
import type { LogEntry } from "../store/repositories/log-repository.js";
import type { PageRecord } from "../store/repositories/pages-repository.js";
import { html, safeHref } from "./html.js";
import { webPage, type Viewer } from "./web-layout.js";

/** One line of a group's timeline. */
export interface GroupTimelineEntry {
  at: number;
  kind: "alert" | "step" | "page" | "answer" | "state";
  label: string;
  text: string;
}

const CHANNEL = { slack_dm: "Slack DM", sms: "SMS", call: "phone call" } as const;
const ANSWER_KINDS = new Set(["acknowledged", "resolved", "unacknowledged", "unresolved", "unsilenced", "kept", "silenced"]);
const PAGE_OUTCOME: Record<PageRecord["state"], string> = {
  pending: "waiting to be sent",
  sending: "being sent",
  sent: "sent",
  delivered: "delivered",
  answered: "answered",
  failed: "failed",
  cancelled: "cancelled (no longer needed)",
  throttled: "held back (too many messages to this number)",
};

/**
 * Everything that happened to a group, in time order: each alert's arrival (and resolve), every
 * log entry (escalation steps, notifications, answers, warnings), and every page with its outcome.
 * `<@U…>` mentions in log lines become names; phone numbers are masked as in `calpage log`.
 */
export function groupTimeline(input: { alerts: StoredAlert[]; log: LogEntry[]; pages: PageRecord[]; person: (email: string) => string; slackName: (id: string) => string }): GroupTimelineEntry[] {
  const entries: GroupTimelineEntry[] = [];
  const mentions = (text: string) => maskPhoneNumbers(text.replace(/<@([UW][A-Z0-9]+)>/g, (_, id: string) => input.slackName(id)).replace(/<!subteam\^([A-Z0-9]+)(?:\|([^>]+))?>/g, (_, id: string, label?: string) => label ?? `@${id}`));
  for (const a of input.alerts) {
    const name = a.labels.alertname ?? a.annotations.summary ?? a.key;
    const labels = Object.entries(a.labels)
      .filter(([k]) => k !== "alertname")
      .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
      .map(([k, v]) => `${k}=${v}`)
      .join(", ");
    entries.push({ at: a.receivedAt, kind: "alert", label: "alert", text: `${name} firing${labels ? ` (${labels})` : ""}` });
    if (a.status === "resolved") entries.push({ at: a.changedAt, kind: "alert", label: "alert", text: `${name} resolved${labels ? ` (${labels})` : ""}` });
  }
  for (const e of input.log) {
    const kind = ANSWER_KINDS.has(e.kind) ? "answer" : e.kind === "opened" ? "state" : "step";
    entries.push({ at: e.at, kind, label: e.kind.replace(/_/g, " "), text: mentions(e.text) });
  }
  for (const p of input.pages) {
    const who = input.person(p.userEmail);
    const what = `${who} by ${CHANNEL[p.channel]}${p.important ? " (important)" : ""}: ${PAGE_OUTCOME[p.state]}${p.attempts > 1 ? ` after ${p.attempts} attempts` : ""}${p.error ? ` — ${maskPhoneNumbers(p.error)}` : ""}`;
    entries.push({ at: p.sentAt ?? p.createdAt, kind: "page", label: "page", text: what });
  }
  return entries.sort((a, b) => a.at - b.at || order(a.kind) - order(b.kind));
}

function order(kind: GroupTimelineEntry["kind"]): number {
  return ["alert", "state", "step", "page", "answer"].indexOf(kind);
}

/** An alert group's page: its facts, then the timeline (times in the viewer's zone, with seconds). */
export function groupPage(g: AlertGroupRecord, entries: GroupTimelineEntry[], viewer: Viewer, opts: { slackUrl: string | null; actor: (who: string) => string }): string {
  const t = (ms: number) => DateTime.fromMillis(ms, { zone: viewer.zone }).toFormat("yyyy-LL-dd HH:mm:ss");
  const iso = (ms: number) => new Date(ms).toISOString();
  const labels = Object.entries(g.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const links = g.links.flatMap((l) => {
    const href = safeHref(l.url);
    return href ? [{ href, title: l.title }] : [];
  });
  const body = html`
<h1>#${g.number} ${g.title || "(untitled)"}</h1>
<p><span class="state state-${g.state}">${g.state}</span> ${alertCountsText(g)}${g.severity ? html` · severity <strong>${g.severity}</strong>` : ""}</p>
<dl class="facts">
<dt>Integration</dt><dd>${g.integration}</dd>
${g.channel ? html`<dt>Channel</dt><dd>${g.channel}</dd>` : ""}
${g.chain ? html`<dt>Escalation chain</dt><dd>${g.chain}</dd>` : ""}
<dt>First alert</dt><dd><time datetime="${iso(g.firstAlertAt)}">${t(g.firstAlertAt)}</time></dd>
<dt>Last alert</dt><dd><time datetime="${iso(g.lastAlertAt)}">${t(g.lastAlertAt)}</time></dd>
${g.acknowledgedAt !== null ? html`<dt>Acknowledged</dt><dd><time datetime="${iso(g.acknowledgedAt)}">${t(g.acknowledgedAt)}</time>${g.acknowledgedBy ? ` by ${opts.actor(g.acknowledgedBy)}` : ""}</dd>` : ""}
${g.resolvedAt !== null ? html`<dt>Resolved</dt><dd><time datetime="${iso(g.resolvedAt)}">${t(g.resolvedAt)}</time>${g.resolvedBy ? ` by ${opts.actor(g.resolvedBy)}` : ""}</dd>` : ""}
${g.state === "silenced" ? html`<dt>Silenced</dt><dd>${g.silencedUntil !== null ? html`until <time datetime="${iso(g.silencedUntil)}">${t(g.silencedUntil)}</time>` : "forever"}${g.silencedBy ? ` by ${opts.actor(g.silencedBy)}` : ""}</dd>` : ""}
</dl>
${g.message && g.message.trim() !== g.title.trim() ? html`<h2>Message</h2><p style="white-space:pre-wrap">${g.message}</p>` : ""}
${labels.length ? html`<h2>Labels</h2><p>${labels.map(([k, v]) => html`<code>${k}=${v}</code> `)}</p>` : ""}
${links.length || opts.slackUrl ? html`<h2>Links</h2><ul class="plain">${opts.slackUrl ? html`<li><a href="${opts.slackUrl}">The group's message in Slack</a></li>` : ""}${links.map((l) => html`<li><a href="${l.href}" rel="noreferrer">${l.title}</a></li>`)}</ul>` : ""}
<h2 id="timeline-h">Timeline</h2>
${entries.length === 0 ? html`<p>Nothing has happened yet.</p>` : html`<ol class="timeline" aria-labelledby="timeline-h">
${entries.map((e) => html`<li class="k-${e.kind}"><time datetime="${iso(e.at)}">${t(e.at)}</time><span class="kind">${e.label}</span>${e.text}</li>`)}
</ol>`}`;
  return webPage(`#${g.number} ${g.title}`, body, viewer);
}
