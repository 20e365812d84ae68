import { DateTime } from "luxon";
import type { FairnessPeriod, FairnessReport, Metric, PersonFigures } from "../report/fairness-report.js";
import { ackMedianText, COLUMNS, flagLines, flagRuleText, num, unattributedText } from "../report/fairness-table.js";
import { monthLabel } from "../report/report-range.js";
import { html, type SafeHtml } from "./html.js";
import { webPage, type Viewer } from "./web-layout.js";

/** What the report page shows besides the report: the form's values and what is missing. */
export interface ReportPageOptions {
  /** The schedule asked for, null = every schedule. */
  schedule: string | null;
  /** Every schedule's name, for the form. */
  schedules: string[];
  /** The form's months, `YYYY-MM`. */
  fromMonth: string;
  toMonth: string;
  /** The range was cut at now: the figures are "so far". */
  soFar: boolean;
  /** Schedules whose feed calpage has never read: their shifts are missing. */
  unloaded: string[];
}

/** The charts drawn for each period: hours and night hours on call, and pages. */
const CHARTS: readonly { metric: Metric; title: string; unit: string }[] = [
  { metric: "hours", title: "Hours on call", unit: "h" },
  { metric: "nightHours", title: "Night hours on call (00:00–06:00)", unit: "h" },
  { metric: "pages", title: "Pages", unit: "" },
];

const percent = (value: number, max: number) => (max <= 0 ? 0 : Math.round((Math.min(value, max) / max) * 1000) / 10);

/** A flagged figure: ↑ or ↓ to see, the same in words for a screen reader. */
function flagMark(p: PersonFigures, metric: Metric): SafeHtml | "" {
  const f = p.flags.find((x) => x.metric === metric);
  if (!f) return "";
  const high = f.direction === "high";
  return html`<span class="flag flag-${f.direction}" aria-hidden="true">${high ? "↑" : "↓"}</span><span class="sr"> (${high ? "above" : "below"} the team mean)</span>`;
}

/**
 * One figure per person as horizontal bars: each bar's width is the figure's share of the
 * largest (or of the mean, when that is larger), the number written beside it, and the team mean
 * a line across the bars. The bars are hidden from screen readers; the numbers are not.
 */
export function barChart(period: FairnessPeriod, chart: (typeof CHARTS)[number], id: string): SafeHtml {
  const hours = chart.unit === "h";
  const mean = period.spread?.[chart.metric].mean ?? null;
  const max = Math.max(0, mean ?? 0, ...period.people.map((p) => p[chart.metric]));
  const meanText = mean === null ? null : `${num(Math.round(mean * 10) / 10, true)}${chart.unit ? ` ${chart.unit}` : ""}`;
  return html`<figure class="chart" aria-labelledby="${id}">
<figcaption id="${id}">${chart.title}${meanText ? html` <span class="muted">— team mean ${meanText}, the dark line</span>` : ""}</figcaption>
<ul class="bars">
${period.people.map(
  (p) => html`<li data-email="${p.email}"><span class="bar-name">${p.name}${p.onRota ? "" : " (off rota)"}</span><span class="bar-track" aria-hidden="true"><span class="bar-fill${p.flags.some((f) => f.metric === chart.metric) ? " flagged" : ""}" style="width:${percent(p[chart.metric], max)}%"></span>${mean !== null ? html`<span class="bar-mean" style="left:${percent(mean, max)}%"></span>` : ""}</span><span class="bar-value">${num(p[chart.metric], hours)}${chart.unit ? ` ${chart.unit}` : ""}${flagMark(p, chart.metric)}</span></li>`,
)}
</ul>
</figure>`;
}

/** One period's table: a row per person, then the team's mean and standard deviation. */
function periodTable(period: FairnessPeriod, caption: string): SafeHtml {
  const s = period.spread;
  const stat = (label: string, k: "mean" | "stdev") =>
    s ? html`<tr class="stat"><th scope="row">${label}</th><td></td>${COLUMNS.map((c) => html`<td class="num">${num(Math.round(s[c.metric][k] * 10) / 10, true)}</td>`)}<td></td></tr>` : "";
  return html`<div class="table-wrap"><table class="figures"><caption class="sr">${caption}</caption>
<thead><tr><th scope="col">Person</th><th scope="col">Zone</th>${COLUMNS.map((c) => html`<th scope="col" class="num">${c.head}</th>`)}<th scope="col" class="num">ack median</th></tr></thead>
<tbody>
${period.people.map(
  (p) => html`<tr data-email="${p.email}"><th scope="row">${p.name}${p.onRota ? "" : html` <span class="muted">(off rota)</span>`}</th><td>${p.zone}</td>${COLUMNS.map(
    (c) => html`<td class="num${p.flags.some((f) => f.metric === c.metric) ? " flagged" : ""}" data-metric="${c.metric}">${num(p[c.metric], c.hours)}${flagMark(p, c.metric)}</td>`,
  )}<td class="num" data-metric="ackMedian">${ackMedianText(p.ackMedianSeconds)}</td></tr>`,
)}
</tbody>
${s ? html`<tfoot>${stat("team mean", "mean")}${stat("std deviation", "stdev")}</tfoot>` : ""}
</table></div>`;
}

function periodSection(period: FairnessPeriod, title: string): SafeHtml {
  const id = `p-${period.label}`;
  const flags = flagLines(period);
  return html`<section class="period" aria-labelledby="${id}-h" data-period="${period.label}">
<h2 id="${id}-h">${title}</h2>
${period.people.length === 0
  ? html`<p>Nobody was on call or paged.</p>`
  : html`<div class="charts">${CHARTS.map((c) => barChart(period, c, `${id}-${c.metric}`))}</div>
${periodTable(period, `${title}: figures per person`)}
${flags.length ? html`<ul class="plain flags" aria-label="Flagged figures">${flags.map((l) => html`<li>${l}</li>`)}</ul>` : html`<p class="muted">No figure is flagged.</p>`}`}
</section>`;
}

/**
 * `/web/report`: the fairness report of README "Fairness report" — for the whole range (when it
 * spans several months) and each month, bar charts of hours, night hours and pages per person with
 * the team mean marked, and the table of every figure with the flagged ones marked ↑/↓.
 */
export function reportPage(report: FairnessReport, viewer: Viewer, opts: ReportPageOptions): string {
  const zone = report.zone;
  const day = (iso: string, endExclusive = false) => {
    const d = DateTime.fromISO(iso, { zone });
    const shown = endExclusive && d.equals(d.startOf("day")) ? d.minus({ days: 1 }) : d;
    return shown.toFormat(shown.equals(shown.startOf("day")) ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm");
  };
  const which = opts.schedule ?? (report.schedules.length ? `all schedules (${report.schedules.join(", ")})` : "no schedules");
  const periods = report.months.length > 1 ? [report.total, ...report.months] : report.months;
  const strangers = unattributedText(report);
  const body = html`
<h1>Fairness report <span class="muted">— ${which}</span></h1>
<p>${day(report.from)} to ${day(report.to, true)}${opts.soFar ? " (so far)" : ""}; months in ${zone}${opts.schedule ? " (the schedule's zone)" : ""}. Nights are 00:00–06:00 and weekends Saturday and Sunday, each in the person's own zone from calpage.yaml.</p>
<form class="report-form" method="get" action="/web/report">
<label for="from">From month</label>
<input id="from" name="from" type="month" value="${opts.fromMonth}" required pattern="\\d{4}-\\d{2}" placeholder="2026-01">
<label for="to">To month</label>
<input id="to" name="to" type="month" value="${opts.toMonth}" required pattern="\\d{4}-\\d{2}" placeholder="2026-03">
<label for="schedule">Schedule</label>
<select id="schedule" name="schedule">
<option value=""${opts.schedule === null ? " selected" : ""}>All schedules</option>
${opts.schedules.map((n) => html`<option value="${n}"${n === opts.schedule ? html` selected` : ""}>${n}</option>`)}
</select>
<button type="submit">Show</button>
</form>
${opts.unloaded.length ? html`<p class="refused"><strong>calpage has no copy of ${opts.unloaded.join(", ")}'s feed yet</strong>: its shifts are missing from these figures.</p>` : ""}
<p class="muted">${flagRuleText(report.rule)}.</p>
${periods.map((p) => periodSection(p, p.label === "total" ? "Whole range" : monthLabel(DateTime.fromFormat(p.label, "yyyy-MM"))))}
${strangers ? html`<p class="muted">${strangers}</p>` : ""}
<p class="muted">The same range on the server (which knows acknowledgers' Slack ids only from calpage.yaml's <code>slack_id</code>): <code>calpage report fairness --from ${opts.fromMonth} --to ${opts.soFar ? DateTime.fromISO(report.to, { zone }).toFormat("yyyy-MM-dd'T'HH:mm") : opts.toMonth}${opts.schedule ? ` --schedule ${opts.schedule}` : ""} --format json</code></p>`;
  return webPage(`Fairness report: ${which}`, body, viewer, "report");
}
