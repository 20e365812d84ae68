import { alertCountsText } from "../alerts/alert-counts-text.js";
import type { AlertGroupRecord } from "../store/repositories/alert-group-record.js";
import { html } from "./html.js";
import { webPage, type Viewer } from "./web-layout.js";

/** `/web/`: the schedules with who is on call now, and the open groups the viewer may see. */
export function indexPage(input: { schedules: { name: string; onCall: string[]; loaded: boolean }[]; groups: AlertGroupRecord[]; groupsNote: string | null }, viewer: Viewer): string {
  const body = html`
<h1>On call</h1>
<section aria-labelledby="schedules-h">
<h2 id="schedules-h">Schedules</h2>
${input.schedules.length === 0 ? html`<p>No schedules are configured.</p>` : html`<ul class="plain">
${input.schedules.map(
  (s) => html`<li><a href="/web/schedules/${encodeURIComponent(s.name)}">${s.name}</a> — ${!s.loaded ? "feed not read yet" : s.onCall.length ? html`on call now: <strong>${s.onCall.join(", ")}</strong>` : html`<strong>nobody is on call now</strong>`}</li>`,
)}
</ul>`}
</section>
<section aria-labelledby="groups-h">
<h2 id="groups-h">Open alert groups</h2>
${input.groups.length === 0 ? html`<p>No open alert groups you can see.</p>` : html`<ul class="plain">
${input.groups.map((g) => html`<li><a href="/web/groups/${g.number}">#${g.number} ${g.title || "(untitled)"}</a> — <span class="state state-${g.state}">${g.state}</span> ${alertCountsText(g)}</li>`)}
</ul>`}
${input.groupsNote ? html`<p class="muted">${input.groupsNote}</p>` : ""}
</section>
<section aria-labelledby="report-h">
<h2 id="report-h">Fairness report</h2>
<p><a href="/web/report">Who carried the on-call load</a>: hours, nights, weekends, pages and acknowledgements per person, over the last three months.</p>
</section>`;
  return webPage("On call", body, viewer, "index");
}

/** A refusal: what went wrong and how to get in (403 for links, 401 without a session, 404…), with a way on when there is one. */
export function messagePage(title: string, lines: string[], viewer: Viewer | null, action?: { href: string; label: string }): string {
  const button = action ? html`<p><a class="button" href="${action.href}">${action.label}</a></p>` : "";
  return webPage(title, html`<div class="refused"><h1>${title}</h1>${lines.map((l) => html`<p>${l}</p>`)}${button}</div>`, viewer);
}
