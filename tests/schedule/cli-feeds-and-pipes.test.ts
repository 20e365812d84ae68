import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getFreePort } from "../support/free-port.js";
import { ics, TEAM } from "./schedule-harness.js";

const run = promisify(execFile);
const root = join(import.meta.dirname, "..", "..");
const H = 3_600_000;
const DAY = 24 * H;

/** Runs a shell command line (for real pipes and redirections) in the repository. */
async function sh(line: string, env: Record<string, string>) {
  try {
    const r = await run("/bin/sh", ["-c", line], { cwd: root, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const CLI = `"${process.execPath}" --import tsx src/cli.ts`;

/**
 * The schedule CLI as an operator runs it: `who` with no copy of a feed ever read, `validate
 * --feeds`, and big outputs through a real pipe. Feeds are files (one a loopback URL nothing answers), the store is SQLite.
 */
describe("calpage who / validate --feeds / output through a pipe", () => {
  let dir: string;
  let env: Record<string, string>;
  let config: string;
  // Midnight UTC yesterday: hourly shifts alternate Alice, Bob; a "Mallory" event names nobody.
  const t0 = Math.floor(Date.now() / DAY) * DAY - DAY;

  beforeAll(async () => {
    // Nothing listens there: the feed of "never" cannot be fetched.
    const closedPort = await getFreePort();
    dir = mkdtempSync(join(tmpdir(), "calpage-cli-feeds-"));
    env = { CALPAGE_DATA_DIR: join(dir, "data") };
    writeFileSync(
      join(dir, "hourly.ics"),
      ics([
        { uid: "alice@example", summary: "On call: Alice Example", start: new Date(t0 - 200 * DAY), end: new Date(t0 - 200 * DAY + H), rrule: "FREQ=HOURLY;INTERVAL=2" },
        { uid: "bob@example", summary: "On call: Bob Example", start: new Date(t0 - 200 * DAY + H), end: new Date(t0 - 200 * DAY + 2 * H), rrule: "FREQ=HOURLY;INTERVAL=2" },
      ]),
    );
    // Covered until 5 days from now, then nobody; one name matches nobody; one event cannot be read.
    writeFileSync(
      join(dir, "gappy.ics"),
      ics([
        { uid: "carol@example", summary: "Carol Example", start: new Date(t0), end: new Date(t0 + 6 * DAY) },
        { uid: "mallory@example", summary: "Mallory Outsider", start: new Date(t0 + 2 * DAY), end: new Date(t0 + 3 * DAY) },
        { uid: "broken@example", summary: "Bob Example", start: new Date(t0 + 3 * DAY), end: new Date(t0 + 2 * DAY) },
      ]),
    );
    config = join(dir, "calpage.yaml");
    writeFileSync(
      config,
      `users:
${[TEAM.alice, TEAM.bob, TEAM.carol].map((u) => `  - email: ${u.email}\n    name: ${u.name}`).join("\n")}
schedules:
  - name: hourly
    feed: ${join(dir, "hourly.ics")}
    timezone: UTC
  - name: gappy
    feed: ${join(dir, "gappy.ics")}
    timezone: UTC
  - name: never
    feed: http://127.0.0.1:${closedPort}/never.ics
    timezone: UTC
`,
    );
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("who: a schedule whose feed was never read is unknown, not 'nobody', and the exit code says so", async () => {
    const r = await sh(`${CLI} who never --config "${config}"`, env);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain("nobody is on call");
    expect(r.stderr).toContain("never: unknown — its feed could not be fetched and no copy of it was ever stored");
    expect(r.stderr).toContain("no copy of it was ever read");
    expect(r.stderr).not.toContain("serving the last good copy");
  });

  it("who: readable schedules are still answered when another one is unknown", async () => {
    const r = await sh(`${CLI} who --at ${new Date(t0 + DAY + 30 * 60_000).toISOString()} --config "${config}"`, env);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("hourly: Alice Example <alice@example.com>");
    expect(r.stdout).toContain("gappy: Carol Example <carol@example.com>");
    expect(r.stderr).toContain("never: unknown");
    // Asked about one schedule, calpage fetches only its feed: nothing about the unreachable one.
    const one = await sh(`${CLI} who hourly --at ${new Date(t0 + DAY + 30 * 60_000).toISOString()} --config "${config}"`, env);
    expect(one.code).toBe(0);
    expect(one.stdout.trim()).toBe("hourly: Alice Example <alice@example.com>");
    expect(one.stderr).not.toContain("never");
  });

  it("validate --feeds fetches every feed once and reports what a refresh would", async () => {
    const r = await sh(`${CLI} validate --feeds --config "${config}"`, env);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/calpage\.yaml: OK — 3 users, 3 schedules/);
    expect(lines).toContain("hourly: feeds OK — every event read, every name matched, nobody-on-call gaps: none in the next 14 days");
    expect(lines.some((l) => /^never: primary feed http:\/\/127\.0\.0\.1:\d+\/never\.ics: cannot be read: /.test(l))).toBe(true);
    expect(lines.some((l) => l.startsWith("gappy: event not read as written (UID broken@example): ") && l.includes("ends before it starts"))).toBe(true);
    expect(lines.some((l) => l.startsWith("gappy: name matches nobody (UID mallory@example): ") && l.includes("Mallory Outsider"))).toBe(true);
    // Nobody after Carol's 6 days: the gap reaches the end of what was checked, so it has no end time to give.
    expect(lines.filter((l) => l.startsWith("gappy: nobody on call from "))).toEqual([expect.stringMatching(/^gappy: nobody on call from .+ to the end of the 14 days checked, at least$/)]);
  });

  it("validate without --feeds does not touch the feeds", async () => {
    const r = await sh(`${CLI} validate --config "${config}"`, env);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
  });

  // 390 days of hourly shifts, mostly outside the window the CLI computes at start (so they are
  // computed on demand); the reader starts a second late, so the writer fills the pipe and must
  // wait: with process.exit() right after the write, 64 KiB to 1 MiB of it arrived.
  const wide = () => `--from ${new Date(t0 - 190 * DAY).toISOString()} --to ${new Date(t0 + 200 * DAY).toISOString()}`;
  const slowReader = "(sleep 1; cat)";

  it("shifts --format json arrives whole through a pipe, byte for byte what a file gets", async () => {
    const args = `shifts hourly ${wide()} --format json --config "${config}"`;
    const file = join(dir, "shifts.json");
    const toFile = await sh(`${CLI} ${args} > "${file}"`, env);
    expect(toFile.code).toBe(0);
    const size = readFileSync(file).length;
    expect(size).toBeGreaterThan(1024 * 1024);
    const parsed = JSON.parse(readFileSync(file, "utf8")) as { shifts: unknown[] };
    expect(parsed.shifts).toHaveLength(390 * 24);
    const piped = await sh(`${CLI} ${args} | ${slowReader} | wc -c`, env);
    expect(piped.code).toBe(0);
    expect(Number(piped.stdout.trim())).toBe(size);
    const fast = await sh(`${CLI} ${args} | wc -c`, env);
    expect(Number(fast.stdout.trim())).toBe(size);
  });

  it("shifts --format ics and table arrive whole through a slow pipe too", async () => {
    const icsOut = await sh(`${CLI} shifts hourly ${wide()} --format ics --config "${config}" | ${slowReader}`, env);
    expect(icsOut.code).toBe(0);
    expect(icsOut.stdout.match(/BEGIN:VEVENT/g)).toHaveLength(390 * 24);
    expect(icsOut.stdout.trimEnd().endsWith("END:VCALENDAR")).toBe(true);
    const table = await sh(`${CLI} shifts hourly ${wide()} --config "${config}" | ${slowReader}`, env);
    expect(table.code).toBe(0);
    expect(table.stdout.trim().split("\n")).toHaveLength(2 + 390 * 24);
  });
});
