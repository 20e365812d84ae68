import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { fairnessReport, type FairnessPage, type FairnessPerson } from "../report/fairness-report.js";
import { reportPage, type ReportPageOptions } from "./report-page.js";

const at = (wall: string) => DateTime.fromFormat(wall, "yyyy-MM-dd HH:mm", { zone: "Europe/Berlin" }).toMillis();
const ALICE: FairnessPerson = { email: "alice@example.com", name: "Alice", zone: "Europe/Berlin" };
const BOB: FairnessPerson = { email: "bob@example.com", name: "Bob", zone: "Europe/Berlin" };
const MALLORY: FairnessPerson = { email: "mallory@example.com", name: `<script>alert("x")</script>Mallory`, zone: "Europe/Berlin" };

let seq = 0;
const page = (groupId: string, userEmail: string, wall: string): FairnessPage => ({ id: `p${++seq}`, groupId, userEmail, state: "delivered", sentAt: at(wall), createdAt: at(wall), externalRef: "ref" });

/**
 * March 2026 in Berlin: Alice on call 216 h (9 days), Bob and Mallory 96 h each — a mean of 136 h,
 * so Alice's hours are flagged high and nobody else's; Alice paged for 4 groups, Mallory for 1.
 */
function marchReport(to = "2026-04-01 00:00") {
  return fairnessReport({
    from: at("2026-03-01 00:00"),
    to: at(to),
    zone: "Europe/Berlin",
    schedules: ["primary"],
    people: [ALICE, BOB, MALLORY],
    defaultZone: "UTC",
    shifts: [
      { start: at("2026-03-02 09:00"), end: at("2026-03-11 09:00"), users: [ALICE.email] },
      { start: at("2026-03-11 09:00"), end: at("2026-03-15 09:00"), users: [BOB.email] },
      { start: at("2026-03-15 09:00"), end: at("2026-03-19 09:00"), users: [MALLORY.email] },
    ],
    pages: [page("g1", ALICE.email, "2026-03-03 02:00"), page("g2", ALICE.email, "2026-03-04 12:00"), page("g3", ALICE.email, "2026-03-05 12:00"), page("g4", ALICE.email, "2026-03-06 12:00"), page("g5", MALLORY.email, "2026-03-16 12:00")],
    acks: [{ groupId: "g1", actor: "U0ALICE1", email: ALICE.email, at: at("2026-03-03 02:04") }],
  });
}

const viewer = { name: `Eve "<i>"`, zone: "Europe/Berlin" };
const opts: ReportPageOptions = { schedule: null, schedules: ["primary", `x"><b>`], fromMonth: "2026-03", toMonth: "2026-03", soFar: false, unloaded: [] };

/** The table row of one person in the period `label` (`2026-03`, `total`). */
function row(doc: string, label: string, email: string): string {
  const section = doc.split(`data-period="${label}"`)[1]!.split("</section>")[0]!;
  return /<tr data-email="[^"]*">[\s\S]*?<\/tr>/g.exec(section.slice(section.indexOf(`<tr data-email="${email}"`)))![0];
}
const cell = (tr: string, metric: string) => new RegExp(`data-metric="${metric}">([\\s\\S]*?)</td>`).exec(tr)![1]!;
const text = (fragment: string) => fragment.replace(/<[^>]+>/g, "");

describe("the fairness report page", () => {
  const report = marchReport();
  const doc = reportPage(report, viewer, opts);

  it("writes every figure per person, with the ack median, as the report has them", () => {
    const alice = row(doc, "2026-03", ALICE.email);
    expect(text(cell(alice, "hours"))).toBe("216.0↑ (above the team mean)");
    expect(text(cell(alice, "pages"))).toBe("4↑ (above the team mean)");
    expect(text(cell(alice, "acks"))).toBe("1");
    expect(text(cell(alice, "ackMedian"))).toBe("4m");
    const bob = row(doc, "2026-03", BOB.email);
    expect(text(cell(bob, "hours"))).toBe("96.0");
    expect(text(cell(bob, "pages"))).toBe("0");
    expect(text(cell(bob, "ackMedian"))).toBe("–");
    // The team's mean under the table.
    expect(text(/<tr class="stat">[\s\S]*?<\/tr>/.exec(doc)![0])).toContain("team mean136.0");
  });

  it("marks a flagged figure ↑ to see and 'above the team mean' for a screen reader, and says the rule and the flag in words", () => {
    expect(cell(row(doc, "2026-03", ALICE.email), "hours")).toContain(`<span class="flag flag-high" aria-hidden="true">↑</span><span class="sr"> (above the team mean)</span>`);
    expect(cell(row(doc, "2026-03", BOB.email), "hours")).not.toContain("flag");
    expect(doc).toContain("↑/↓: more than 30 % above/below the team mean (people on the rota), and at least 4 h or 2 pages/acks away from it");
    expect(doc).toContain("<li>Alice: hours 216.0 (+59 % against a mean of 136.0)</li>");
  });

  it("draws bars as wide as each figure's share of the largest, the number beside each, the team mean as a line", () => {
    const hoursChart = /<figure class="chart" aria-labelledby="p-2026-03-hours">[\s\S]*?<\/figure>/.exec(doc)![0];
    expect(hoursChart).toContain("team mean 136.0 h");
    const bar = (email: string) => /<li data-email="[^"]*">[\s\S]*?<\/li>/.exec(hoursChart.slice(hoursChart.indexOf(`<li data-email="${email}"`)))![0];
    expect(bar(ALICE.email)).toMatch(/class="bar-fill flagged" style="width:100%"/);
    expect(bar(BOB.email)).toMatch(/class="bar-fill" style="width:44.4%"/);
    // 136 of 216.
    expect(bar(BOB.email)).toContain(`<span class="bar-mean" style="left:63%">`);
    expect(text(/<span class="bar-value">[\s\S]*?<\/span><\/li>/.exec(bar(BOB.email))![0])).toBe("96.0 h");
    // The bars are drawn for the eye only; the numbers beside them are read.
    expect(bar(BOB.email)).toContain(`<span class="bar-track" aria-hidden="true">`);
    const pagesChart = /<figure class="chart" aria-labelledby="p-2026-03-pages">[\s\S]*?<\/figure>/.exec(doc)![0];
    // 5 pages, mean 5/3: Alice's 4 is the largest; Mallory's 1 a quarter of it.
    expect(pagesChart).toMatch(/data-email="mallory@example.com">[\s\S]*?style="width:25%"/);
  });

  it("escapes names, the viewer and schedule names: no markup from them", () => {
    expect(doc).not.toContain("<script>");
    expect(doc).not.toContain("<b>");
    expect(doc).not.toContain("<i>");
    expect(doc).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;Mallory");
    expect(doc).toContain(`<option value="x&quot;&gt;&lt;b&gt;">x&quot;&gt;&lt;b&gt;</option>`);
  });

  it("shows the whole range first when it spans several months, and says when the figures are so far", () => {
    const two = fairnessReport({ ...{ from: at("2026-02-01 00:00"), to: at("2026-03-20 10:00"), zone: "Europe/Berlin", schedules: ["primary"], people: [ALICE, BOB], defaultZone: "UTC" }, shifts: [{ start: at("2026-03-02 09:00"), end: at("2026-03-04 09:00"), users: [ALICE.email] }], pages: [], acks: [] });
    const d = reportPage(two, viewer, { ...opts, fromMonth: "2026-02", toMonth: "2026-03", soFar: true });
    const sections = [...d.matchAll(/data-period="([^"]+)"[\s\S]*?<h2[^>]*>([^<]+)<\/h2>/g)].map((m) => `${m[1]} ${m[2]}`);
    expect(sections).toEqual(["total Whole range", "2026-02 February 2026", "2026-03 March 2026"]);
    expect(d).toContain("2026-02-01 to 2026-03-20 10:00 (so far)");
    expect(d).toContain("<code>calpage report fairness --from 2026-02 --to 2026-03-20T10:00 --format json</code>");
    // Alice's 48 hours in March, none in February, 48 over the range.
    expect(["total", "2026-02", "2026-03"].map((p) => text(cell(row(d, p, ALICE.email), "hours")))).toEqual(["48.0", "0.0", "48.0"]);
    // A range where nobody was on call or paged says so.
    const empty = fairnessReport({ from: at("2026-02-01 00:00"), to: at("2026-03-01 00:00"), zone: "Europe/Berlin", schedules: ["primary"], people: [ALICE], defaultZone: "UTC", shifts: [], pages: [], acks: [] });
    expect(reportPage(empty, viewer, opts)).toContain("Nobody was on call or paged.");
  });

  it("labels the form's fields and keeps the chosen schedule selected", () => {
    const d = reportPage(report, viewer, { ...opts, schedule: "primary" });
    for (const id of ["from", "to", "schedule"]) expect(d).toMatch(new RegExp(`<label for="${id}">[^<]+</label>\\s*<(input|select) id="${id}"`));
    expect(d).toContain(`<option value="primary" selected>primary</option>`);
    expect(d).toContain(`<option value="">All schedules</option>`);
    // The header says which page this is.
    expect(d).toContain(`<a href="/web/report" aria-current="page">Fairness report</a>`);
    expect(d).toContain(`<a href="/web/">On call</a>`);
  });
});
