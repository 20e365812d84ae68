/**
 * Ranks a vitest JSON report's files and tests by wall time — what to look at when the suite gets
 * slow (docs/testing.md). Make the report with any test command, e.g.
 *   CALPAGE_JSON_REPORT=/tmp/report.json npm test
 *   npx vitest run --project e2e --reporter=json --outputFile=/tmp/report.json
 * then: npx tsx bench/test-durations.ts /tmp/report.json [files to show, default 20] [tests to show, default 20]
 */
import { readFileSync } from "node:fs";
import { relative } from "node:path";

interface Report {
  startTime: number;
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  testResults: { name: string; startTime: number; endTime: number; assertionResults: { fullName: string; duration?: number | null; status: string }[] }[];
}

const [path, filesArg, testsArg] = process.argv.slice(2);
if (!path) {
  console.error("usage: npx tsx bench/test-durations.ts <vitest JSON report> [files] [tests]");
  process.exit(2);
}
const report = JSON.parse(readFileSync(path, "utf8")) as Report;
const showFiles = Number(filesArg ?? 20);
const showTests = Number(testsArg ?? 20);
const seconds = (ms: number) => (ms / 1000).toFixed(1).padStart(7);
const name = (file: string) => relative(process.cwd(), file);

const files = report.testResults.map((f) => ({ file: name(f.name), ms: f.endTime - f.startTime, tests: f.assertionResults.length }));
const wall = Math.max(...report.testResults.map((f) => f.endTime)) - Math.min(...report.testResults.map((f) => f.startTime));
const fileSum = files.reduce((sum, f) => sum + f.ms, 0);
console.log(
  `${report.testResults.length} files, ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests} skipped; ` +
    `first file start to last file end ${seconds(wall).trim()} s; files' own times add up to ${seconds(fileSum).trim()} s (${(fileSum / wall).toFixed(1)} files at once on average)`,
);

console.log(`\nslowest files (s, tests):`);
for (const f of files.sort((a, b) => b.ms - a.ms).slice(0, showFiles)) console.log(`${seconds(f.ms)}  ${String(f.tests).padStart(4)}  ${f.file}`);

const byFolder = new Map<string, number>();
for (const f of files) {
  const folder = f.file.split("/").slice(0, 2).join("/");
  byFolder.set(folder, (byFolder.get(folder) ?? 0) + f.ms);
}
console.log(`\nby folder (s, files' own times added up):`);
for (const [folder, ms] of [...byFolder].sort((a, b) => b[1] - a[1]).slice(0, showFiles)) console.log(`${seconds(ms)}  ${folder}`);

const tests = report.testResults.flatMap((f) => f.assertionResults.map((t) => ({ file: name(f.name), title: t.fullName, ms: t.duration ?? 0, status: t.status })));
console.log(`\nslowest tests (s):`);
for (const t of tests.sort((a, b) => b.ms - a.ms).slice(0, showTests)) console.log(`${seconds(t.ms)}  ${t.file}: ${t.title}${t.status === "passed" ? "" : ` (${t.status})`}`);
