import { openSqliteDatabase } from "../src/store/sqlite-driver.js";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { round } from "./bench-env.js";

/**
 * A 20 MB feed (about 70,000 events) from the command line (JSON on stdout, progress on stderr):
 * `npx tsx bench/big-feed-cli.ts`. Every figure is taken in a fresh process, as an operator
 * running `calpage` gets it, with `/usr/bin/time` for the peak memory (max RSS).
 *
 * - `parseExpand`: parseCalendar + finalSchedule over the window the CLI computes (46 days back,
 *   182 ahead), in one process. Target: under 3 s, peak RSS under 250 MB.
 * - `cliWhoFetch`: `calpage who` with the feed readable (fetch, parse, compute, store the copy and
 *   the final schedule computed from it).
 * - `cliWhoStored`: `calpage who` with the feed unreachable, from the stored copy (answered from
 *   the stored final schedule), both ways calpage is run: `tsx` (`npm run calpage`, from a
 *   checkout) and `node dist/src/cli.js` (the Docker image, the installed `calpage` bin; built
 *   here first). Target: under 100 ms. Median of {@link REPEAT} runs.
 * - `cliWhoStoredParsing`: the same with the stored final schedule deleted (a copy stored by an
 *   older calpage): the stored copy is parsed, as every `who` did before.
 * - `cliHelp`: `calpage help` both ways, the cost of starting Node and loading every command.
 * - `node`: `node -e 0` and `node --import tsx -e 0`, what starting Node (and tsx) costs on this
 *   machine before calpage does anything.
 */

const run = promisify(execFile);
const root = fileURLToPath(new URL("..", import.meta.url));
const DAY = 86_400_000;
const USERS = 10;
const TARGET_EVENTS = 70_000;
/** Just under calpage's 20 MiB fetch cap. */
const TARGET_BYTES = 20 * 1024 * 1024 - 64 * 1024;
/** Runs per fast figure (start-up times on a shared machine scatter); the median is reported. */
const REPEAT = 5;

function progress(line: string): void {
  process.stderr.write(`[big-feed-cli] ${line}\n`);
}

function wall(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace(/[-:]/g, "");
}

/**
 * About 70,000 Google-shaped events around now (two years back, one ahead: a calendar that has
 * been in use for a while): back-to-back shifts of about 23 minutes, one person each on one of
 * three levels, with an attendee each,
 * padded with descriptions to just under 20 MiB.
 */
export function bigFeed(now: number): string {
  const from = now - 2 * 365 * DAY;
  const step = (3 * 365 * DAY) / TARGET_EVENTS;
  const lines = ["BEGIN:VCALENDAR", "PRODID:-//Google Inc//Google Calendar 70.9054//EN", "VERSION:2.0", "CALSCALE:GREGORIAN", "X-WR-TIMEZONE:Europe/Berlin", "X-WR-CALNAME:Big rota"];
  for (let i = 0; i < TARGET_EVENTS; i++) {
    const start = from + Math.round(i * step);
    lines.push(
      "BEGIN:VEVENT",
      `DTSTART;TZID=Europe/Berlin:${wall(start)}`,
      `DTEND;TZID=Europe/Berlin:${wall(from + Math.round((i + 1) * step))}`,
      "DTSTAMP:20260101T000000Z",
      `UID:big-${i}-${start.toString(36)}@google.com`,
      `SUMMARY:[L${i % 3}] On call: User ${i % USERS}`,
      `ATTENDEE;CN=User ${(i + 1) % USERS};PARTSTAT=ACCEPTED:mailto:user${(i + 1) % USERS}@example.com`,
      "END:VEVENT",
    );
  }
  lines.push("END:VCALENDAR", "");
  const bare = lines.join("\r\n").length;
  // Spread what is missing to 20 MiB over DESCRIPTIONs (folded at 75 octets, as Google writes them).
  const perEvent = Math.max(0, Math.floor((TARGET_BYTES - bare) / TARGET_EVENTS) - 20);
  if (perEvent < 10) return lines.join("\r\n");
  const words = "Handover notes: check the dashboards, read the open incidents and the runbook. ".repeat(Math.ceil(perEvent / 80) + 1).slice(0, perEvent);
  const folded = `DESCRIPTION:${words}`.replace(/(.{74})(?=.)/g, "$1\r\n ");
  const text = lines.join("\r\n").replace(/\r\nEND:VEVENT/g, `\r\n${folded}\r\nEND:VEVENT`);
  if (text.length > TARGET_BYTES) throw new Error(`feed is ${text.length} bytes, more than ${TARGET_BYTES}`);
  return text;
}

/**
 * Runs a command under /usr/bin/time: wall time, CPU time (user + system: less shifted by other
 * work on a shared machine than wall time) and peak RSS of the process.
 */
async function measured(args: string[], env: Record<string, string> = {}): Promise<{ ms: number; cpuMs: number; maxRssMB: number; stdout: string; code: number }> {
  const t0 = performance.now();
  let stdout = "";
  let stderr = "";
  let code = 0;
  try {
    const r = await run("/usr/bin/time", ["-f", "MAXRSS_KB=%M CPU_S=%U+%S", ...args], { cwd: root, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
    stdout = r.stdout;
    stderr = r.stderr;
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    code = e.code;
    stdout = e.stdout;
    stderr = e.stderr;
  }
  const ms = performance.now() - t0;
  const kb = Number(/MAXRSS_KB=(\d+)/.exec(stderr)?.[1] ?? NaN);
  const cpu = /CPU_S=([\d.]+)\+([\d.]+)/.exec(stderr);
  const cpuMs = cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : NaN;
  return { ms: round(ms), cpuMs: round(cpuMs), maxRssMB: round(kb / 1024), stdout: stdout.trim(), code };
}

type Measured = Awaited<ReturnType<typeof measured>>;

/** {@link REPEAT} runs: the median run's figures, every run's time, and the first answer. */
async function repeated(args: string[], env: Record<string, string> = {}) {
  const runs: Measured[] = [];
  for (let i = 0; i < REPEAT; i++) runs.push(await measured(args, env));
  const sorted = [...runs].sort((a, b) => a.ms - b.ms);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const cpu = runs.map((r) => r.cpuMs).sort((a, b) => a - b);
  return { ms: median.ms, cpuMs: cpu[Math.floor(cpu.length / 2)]!, maxRssMB: median.maxRssMB, runsMs: runs.map((r) => r.ms), code: runs.find((r) => r.code !== 0)?.code ?? 0, stdout: runs[0]!.stdout };
}

async function closedPort(): Promise<number> {
  return await new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const PARSE_EXPAND_CHILD = `
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { parseCalendar } from "./src/schedule/parse-calendar.ts";
import { finalSchedule } from "./src/schedule/final-schedule.ts";
const text = readFileSync(process.argv[1], "utf8");
const now = Number(process.argv[2]);
const users = Array.from({ length: ${USERS} }, (_, i) => ({ email: "user" + i + "@example.com", name: "User " + i, aliases: [], slackHandle: null }));
const t0 = performance.now();
const cal = parseCalendar(text, { defaultZone: "Europe/Berlin" });
const t1 = performance.now();
const { shifts } = finalSchedule({ primary: cal, overrides: null, slackOverrides: [], users, from: new Date(now - 46 * 86400000), to: new Date(now + 182 * 86400000) });
const t2 = performance.now();
process.stdout.write(JSON.stringify({ events: cal.events.length, shifts: shifts.length, parseMs: t1 - t0, finalScheduleMs: t2 - t1 }));
`;

export async function benchBigFeedCli() {
  const dir = await mkdtemp(join(tmpdir(), "calpage-big-feed-"));
  try {
    const now = Date.now();
    const text = bigFeed(now);
    const feed = join(dir, "big.ics");
    await writeFile(feed, text);
    progress(`feed: ${TARGET_EVENTS} events, ${round(Buffer.byteLength(text) / 2 ** 20)} MiB`);
    const node = [process.execPath, "--import", "tsx"];

    const pe = await measured([...node, "--input-type=module", "-e", PARSE_EXPAND_CHILD, feed, String(now)]);
    const peFigures = JSON.parse(pe.stdout) as { events: number; shifts: number; parseMs: number; finalScheduleMs: number };
    progress(`parse+expand: ${JSON.stringify(peFigures)}, max RSS ${pe.maxRssMB} MB`);

    const port = await closedPort();
    const config = (source: string) => `users:\n${Array.from({ length: USERS }, (_, i) => `  - email: user${i}@example.com\n    name: User ${i}`).join("\n")}\nschedules:\n  - name: big\n    feed: ${source}\n    timezone: Europe/Berlin\n`;
    await writeFile(join(dir, "fetch.yaml"), config(feed));
    await writeFile(join(dir, "stored.yaml"), config(`http://127.0.0.1:${port}/big.ics`));
    const env = { CALPAGE_DATA_DIR: join(dir, "data") };
    const cli = [...node, "src/cli.ts"];
    progress("building dist/ (npm run build) for the node dist/src/cli.js figures");
    await run("npm", ["run", "-s", "build"], { cwd: root });
    const dist = [process.execPath, "dist/src/cli.js"];

    const nodeBare = await repeated([process.execPath, "-e", "0"]);
    const nodeTsx = await repeated([...node, "-e", "0"]);
    progress(`node -e 0: ${nodeBare.ms} ms; node --import tsx -e 0: ${nodeTsx.ms} ms`);
    const help = await repeated([...cli, "help"]);
    const helpDist = await repeated([...dist, "help"]);
    progress(`help: tsx ${help.ms} ms, dist ${helpDist.ms} ms`);
    const fetch = await measured([...cli, "who", "--config", join(dir, "fetch.yaml")], env);
    progress(`who (fetch): ${fetch.ms} ms, ${fetch.maxRssMB} MB: ${fetch.stdout}`);
    // The stored copy belongs to schedule "big" whatever its source: point the feed at a closed port.
    const whoStored = ["who", "--config", join(dir, "stored.yaml")];
    const stored = await repeated([...cli, ...whoStored], env);
    progress(`who (stored copy, tsx): ${stored.ms} ms (runs ${stored.runsMs.join(", ")}), ${stored.maxRssMB} MB: ${stored.stdout}`);
    const storedDist = await repeated([...dist, ...whoStored], env);
    progress(`who (stored copy, dist): ${storedDist.ms} ms (runs ${storedDist.runsMs.join(", ")}), ${storedDist.maxRssMB} MB: ${storedDist.stdout}`);
    // As an older calpage left it: the copy without a stored final schedule, so `who` parses it.
    const db = openSqliteDatabase(join(dir, "data", "calpage.db"));
    const tables = db.prepare("delete from schedule_tables").run().changes;
    db.close();
    const parsing = await measured([...dist, ...whoStored], env);
    progress(`who (stored copy, no stored schedule (${tables} deleted), dist): ${parsing.ms} ms, ${parsing.maxRssMB} MB: ${parsing.stdout}`);

    const parseExpandMs = peFigures.parseMs + peFigures.finalScheduleMs;
    return {
      feed: { events: TARGET_EVENTS, bytes: Buffer.byteLength(text) },
      parseExpand: {
        ...peFigures,
        parseMs: round(peFigures.parseMs),
        finalScheduleMs: round(peFigures.finalScheduleMs),
        totalMs: round(parseExpandMs),
        processMaxRssMB: pe.maxRssMB,
        target: "< 3000 ms, < 250 MB",
        meetsTarget: parseExpandMs < 3000 && pe.maxRssMB < 250,
      },
      node: { bare: { ms: nodeBare.ms, cpuMs: nodeBare.cpuMs, maxRssMB: nodeBare.maxRssMB }, withTsx: { ms: nodeTsx.ms, cpuMs: nodeTsx.cpuMs, maxRssMB: nodeTsx.maxRssMB } },
      cliHelp: { ms: help.ms, cpuMs: help.cpuMs, maxRssMB: help.maxRssMB, dist: { ms: helpDist.ms, cpuMs: helpDist.cpuMs, maxRssMB: helpDist.maxRssMB } },
      cliWhoFetch: { ms: fetch.ms, cpuMs: fetch.cpuMs, maxRssMB: fetch.maxRssMB, exitCode: fetch.code, answer: fetch.stdout },
      cliWhoStored: {
        ms: stored.ms,
        cpuMs: stored.cpuMs,
        runsMs: stored.runsMs,
        maxRssMB: stored.maxRssMB,
        exitCode: stored.code,
        answer: stored.stdout,
        target: "< 100 ms",
        meetsTarget: stored.ms < 100 && stored.code === 0,
        dist: { ms: storedDist.ms, cpuMs: storedDist.cpuMs, runsMs: storedDist.runsMs, maxRssMB: storedDist.maxRssMB, exitCode: storedDist.code, answer: storedDist.stdout, meetsTarget: storedDist.ms < 100 && storedDist.code === 0 },
      },
      cliWhoStoredParsing: { ms: parsing.ms, cpuMs: parsing.cpuMs, maxRssMB: parsing.maxRssMB, exitCode: parsing.code, answer: parsing.stdout },
      loadAverage: loadavg().map(round),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  benchBigFeedCli().then(
    (r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`),
    (e: unknown) => {
      process.stderr.write(`${String(e instanceof Error ? e.stack : e)}\n`);
      process.exitCode = 1;
    },
  );
}
