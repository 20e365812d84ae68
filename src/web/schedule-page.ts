import { html } from "./html.js";
import type { Timeline } from "./schedule-timeline.js";
import { webPage, type Viewer } from "./web-layout.js";

/**
 * A schedule's final schedule for a week or a month: a row per day with the "On call" lane
 * (overrides dashed, gaps hatched red) and a lane per feed and level (week view), then the same
 * shifts and gaps as tables. Every time is in the viewer's zone.
 */
export function schedulePage(schedule: string, t: Timeline, viewer: Viewer, opts: { loaded: boolean; zoneParam: string | null }): string {
  const base = `/web/schedules/${encodeURIComponent(schedule)}`;
  const q = (view: string, start: string) => `${base}?view=${view}&start=${start}${opts.zoneParam ? `&tz=${encodeURIComponent(opts.zoneParam)}` : ""}`;
  const other = t.view === "week" ? "month" : "week";
  const startIso = t.days[0]?.iso ?? "";
  const body = html`
<h1>${schedule} <span class="muted">— ${t.title}</span></h1>
${opts.loaded ? "" : html`<p class="refused"><strong>This schedule's feed has not been read yet</strong>, so nobody is shown on call. calpage reads it at start and every refresh.</p>`}
<nav class="views" aria-label="Schedule views">
<a href="${q(t.view, t.prevStart)}" rel="prev">← Previous ${t.view}</a>
<a href="${q(t.view, t.nextStart)}" rel="next">Next ${t.view} →</a>
<a href="${q(other, startIso)}">${other === "month" ? "Month view" : "Week view"}</a>
<form method="get" action="${base}">
<input type="hidden" name="view" value="${t.view}">
<input type="hidden" name="start" value="${startIso}">
<label for="tz">Time zone</label>
<input id="tz" name="tz" value="${t.zone}" size="18" autocomplete="off">
<button type="submit">Show</button>
</form>
</nav>
<ul class="legend" aria-label="Legend">
<li><span class="swatch" style="background:var(--oncall);border-color:var(--oncall-b)"></span>On call from the calendar</li>
<li><span class="swatch" style="background:var(--override);border-color:var(--override-b);border-style:dashed"></span>Override</li>
<li><span class="swatch" style="background:var(--gap);border-color:var(--gap-b)"></span>Gap: nobody on call</li>
<li><span class="swatch" style="background:var(--event);border-color:var(--event-b)"></span>Feed event</li>
</ul>
<section aria-labelledby="chart-h">
<h2 id="chart-h">Timeline</h2>
<p class="sr">The same shifts and gaps are listed in the tables after the timeline.</p>
<div class="hours" aria-hidden="true"><span>00:00</span><span>06:00</span><span>12:00</span><span>18:00</span></div>
<div class="${t.view}">
${t.days.map(
  (d) => html`<div class="day" data-day="${d.iso}">
<div class="day-label">${d.label}</div>
<div class="lanes">
${d.lanes.map(
  (l) => html`<div class="lane"><span class="lane-name">${l.name}</span><div class="track">
${l.bars.map((b) => html`<span class="bar ${b.kind}" style="left:${b.leftPct}%;width:${b.widthPct}%" title="${b.detail}">${b.label}</span>`)}
</div></div>`,
)}
</div>
</div>`,
)}
</div>
</section>
<section aria-labelledby="gaps-h">
<h2 id="gaps-h">Gaps</h2>
${t.gaps.length === 0 ? html`<p>No gaps: someone is on call the whole ${t.view}.</p>` : html`<div class="table-wrap"><table><caption class="sr">Times nobody is on call</caption>
<thead><tr><th scope="col">From</th><th scope="col">To</th><th scope="col">Length</th></tr></thead>
<tbody>${t.gaps.map((g) => html`<tr class="gap"><td>${g.start}</td><td>${g.end}</td><td>${g.hours}</td></tr>`)}</tbody></table></div>`}
</section>
<section aria-labelledby="shifts-h">
<h2 id="shifts-h">Shifts</h2>
${t.shifts.length === 0 ? html`<p>Nobody is on call in this ${t.view}.</p>` : html`<div class="table-wrap"><table><caption class="sr">Who is on call, and why</caption>
<thead><tr><th scope="col">From</th><th scope="col">To</th><th scope="col">On call</th><th scope="col">Why</th></tr></thead>
<tbody>${t.shifts.map((s) => html`<tr class="${s.override ? "override" : ""}"><td>${s.start}</td><td>${s.end}</td><td>${s.people}${s.override ? html` <strong>(override)</strong>` : ""}</td><td>${s.why}</td></tr>`)}</tbody></table></div>`}
</section>`;
  return webPage(`${schedule}: ${t.title}`, body, viewer);
}
