import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { expandCalendar } from "../../src/schedule/expand-calendar.js";
import { parseCalendar } from "../../src/schedule/parse-calendar.js";
import { randomCalendar, type RandomCase } from "./random-calendar.js";

/**
 * Differential test: thousands of random valid calendars (random-calendar.ts) expanded by calpage
 * and by an independent implementation, Debian's python3-recurring-ical-events, through
 * reference_expand.py. Every occurrence (UID, title, start, end) must agree, and calpage must
 * report no problem for a valid calendar.
 *
 * CALPAGE_DIFF_CASES raises the number of cases (default 2000, the CI run) and
 * CALPAGE_DIFF_SEED moves the seed (default 1): `CALPAGE_DIFF_CASES=50000 npx vitest run
 * tests/schedule/differential-expansion.test.ts` is the longer run. A failure prints the seed and
 * the calendar, so it can be replayed and turned into a fixture.
 *
 * Where calpage deliberately differs from that library (documented in docs/calendars.md, each
 * with a fixture under tests/fixtures/ics), the generator does not produce the case.
 */
const PYTHON = "/usr/bin/python3";
const SCRIPT = fileURLToPath(new URL("./reference_expand.py", import.meta.url));
const CASES = Number(process.env.CALPAGE_DIFF_CASES ?? 2000);
const SEED = Number(process.env.CALPAGE_DIFF_SEED ?? 1);
const BATCH = 500;

function referenceMissing(): string | null {
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  const probe = spawnSync(PYTHON, ["-c", "import recurring_ical_events, icalendar, pytz"], { encoding: "utf8", timeout: 30_000 });
  if (probe.status !== 0) return `python3-recurring-ical-events is not installed (apt-get install python3-recurring-ical-events): ${probe.stderr.trim().split("\n").pop() ?? ""}`;
  return null;
}

const missing = referenceMissing();
if (missing) console.warn(`differential-expansion: skipped, ${missing}`);

type Occ = { uid: string; summary: string; start: string; end: string };

function reference(cases: RandomCase[]): Record<string, Occ[] | { error: string }> {
  const run = spawnSync(PYTHON, [SCRIPT], { input: JSON.stringify(cases), encoding: "utf8", maxBuffer: 512 * 1024 * 1024, timeout: 300_000 });
  if (run.status !== 0) throw new Error(`reference_expand.py failed (${run.status}): ${run.stderr}`);
  return JSON.parse(run.stdout) as Record<string, Occ[] | { error: string }>;
}

function calpage(c: RandomCase): { occurrences: Occ[]; problems: string[] } {
  const cal = parseCalendar(c.ics, { defaultZone: c.zone });
  const problems = cal.problems.map((p) => `${p.kind}: ${p.message}`);
  const occurrences = expandCalendar(cal, new Date(c.from), new Date(c.to), { problems: [] }).map((o) => ({
    uid: o.uid,
    summary: o.summary,
    start: o.start.toISOString(),
    end: o.end.toISOString(),
  }));
  occurrences.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.end < b.end ? -1 : a.end > b.end ? 1 : a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : a.summary < b.summary ? -1 : 1));
  return { occurrences, problems };
}

describe.skipIf(missing !== null)("calpage expands random calendars like python3-recurring-ical-events", () => {
  it(`agrees on ${CASES} random calendars (seed ${SEED})`, { timeout: 600_000 }, () => {
    const failures: string[] = [];
    let occurrences = 0;
    for (let at = 0; at < CASES; at += BATCH) {
      const cases: RandomCase[] = [];
      for (let i = at; i < Math.min(CASES, at + BATCH); i++) cases.push(randomCalendar(SEED * 1_000_003 + i));
      const expected = reference(cases);
      for (const c of cases) {
        const want = expected[c.id];
        const got = calpage(c);
        occurrences += got.occurrences.length;
        if (want === undefined || !Array.isArray(want)) {
          failures.push(`case ${c.id}: the reference could not read it: ${want?.error ?? "no answer"}\n${c.ics}`);
          continue;
        }
        if (got.problems.length > 0 || JSON.stringify(got.occurrences) !== JSON.stringify(want)) {
          const onlyCalpage = got.occurrences.filter((o) => !want.some((w) => JSON.stringify(w) === JSON.stringify(o)));
          const onlyReference = want.filter((w) => !got.occurrences.some((o) => JSON.stringify(w) === JSON.stringify(o)));
          failures.push(
            [
              `case ${c.id} (window ${c.from} .. ${c.to}, schedule zone ${c.zone})`,
              ...got.problems.map((p) => `  calpage problem: ${p}`),
              ...onlyCalpage.map((o) => `  only calpage:   ${JSON.stringify(o)}`),
              ...onlyReference.map((o) => `  only reference: ${JSON.stringify(o)}`),
              c.ics,
            ].join("\n"),
          );
        }
      }
    }
    expect(occurrences, "the generator produces occurrences to compare").toBeGreaterThan(CASES);
    expect(failures.length, `${failures.length} of ${CASES} cases disagree; first ones:\n${failures.slice(0, 3).join("\n\n")}`).toBe(0);
  });
});

/**
 * The hand-checked fixtures (tests/fixtures/ics) through the same reference: each one agrees,
 * or is listed here with the reason calpage reads it differently (docs/calendars.md).
 */
const FIXTURE_DECISIONS: Record<string, string> = {
  "exdate-and-override-same-instance": "an EXDATE beats an override of the same instance; the library still shows the override",
  "rrule-until-before-dtstart": "UNTIL before DTSTART gives no instances; the library keeps DTSTART",
  "dst-repeated-and-skipped-hour": "a repeated local hour means its first occurrence (RFC 5545); pytz picks the second",
  "outlook-windows-display-name": "Windows display names as TZID; the library reads them as floating times",
  "thunderbird-mozilla-tzid": "the /mozilla.org/... TZID prefix; the library reads it as floating times",
  "bad-events-fail-alone": "the library cannot read the file (an event without DTSTART)",
  "exchange-custom-zone-no-iana-match": "the library cannot read the file (a custom VTIMEZONE)",
  "exchange-customized-time-zone": "the library cannot read the file (a custom VTIMEZONE)",
  "malformed-rrules-lenient": "the library cannot read the file (malformed RRULEs)",
  "outlook-tzid-stray-quotes": "the library cannot read the file (unclosed TZID quotes)",
  "override-ends-before-start": "the library cannot read the file (an instance ending before it starts)",
  "rdate-forms": "the library cannot read the file (RDATE;VALUE=PERIOD)",
  "truncated-download": "the library cannot read the file (truncated)",
  "unparseable-html-login-page": "the library cannot read the file (an HTML page)",
};

describe.skipIf(missing !== null)("the hand-checked fixtures and python3-recurring-ical-events", () => {
  it("agree except where calpage decided otherwise", () => {
    const dir = fileURLToPath(new URL("../fixtures/ics/", import.meta.url));
    const cases: RandomCase[] = readdirSync(dir)
      .filter((f) => f.endsWith(".expected.json"))
      .map((f) => {
        const name = f.replace(/\.expected\.json$/, "");
        const exp = JSON.parse(readFileSync(`${dir}${f}`, "utf8")) as { window: { from: string; to: string }; defaultZone: string };
        return { id: name, ics: readFileSync(`${dir}${name}.ics`, "utf8"), from: exp.window.from, to: exp.window.to, zone: exp.defaultZone };
      });
    const expected = reference(cases);
    const differing: string[] = [];
    for (const c of cases) {
      const want = expected[c.id];
      const got = calpage(c).occurrences;
      if (!Array.isArray(want) || JSON.stringify(got) !== JSON.stringify(want)) differing.push(c.id);
    }
    expect(differing.sort()).toEqual(Object.keys(FIXTURE_DECISIONS).sort());
  });
});
