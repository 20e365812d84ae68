import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type { ConfigProblem } from "./config-types.js";
import { formatProblems, loadConfig } from "./load-config.js";
import { missingFeedFileText } from "./parse-config.js";

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const tmp = mkdtempSync(path.join(tmpdir(), "calpage-config-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function writeConfig(name: string, yaml: string): string {
  const file = path.join(tmp, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, yaml);
  return file;
}

describe("loadConfig", () => {
  it("reports a missing file as one problem without path or line", () => {
    const missing = path.join(tmp, "nope.yaml");
    expect(loadConfig(missing, {})).toEqual({ ok: false, errors: [{ path: "", message: `config file not found: ${missing}`, line: null }] });
  });

  it("resolves a relative config path against the working directory", () => {
    const result = loadConfig(path.relative(process.cwd(), path.join(tmp, "nope.yaml")), {});
    expect(result.ok ? null : result.errors[0]!.message).toBe(`config file not found: ${path.join(tmp, "nope.yaml")}`);
  });

  it("resolves local feeds against the config file's folder and warns about the ones missing now", () => {
    writeFileSync(path.join(tmp, "present.ics"), "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n");
    const file = writeConfig(
      "sub/calpage.yaml",
      `users: []
schedules:
  - name: present
    feed: ../present.ics
  - name: missing
    feed: ./missing.ics
  - name: folder
    feed: .
  - name: remote
    feed: https://calendar.example.com/x.ics
`,
    );
    const result = loadConfig(file, {});
    // Warnings, not errors: a feed file that is missing now is a feed that cannot be read (calpage serves the last copy).
    expect(result.ok).toBe(true);
    expect(result.ok && result.value.warnings).toEqual([
      { path: "schedules[1].feed", message: missingFeedFileText(path.join(tmp, "sub/missing.ics")), line: 6 },
      { path: "schedules[2].feed", message: missingFeedFileText(path.join(tmp, "sub")), line: 8 },
    ]);
  });

  it("returns the config with absolute paths when everything is fine", () => {
    const file = writeConfig("ok/calpage.yaml", "users: []\nschedules:\n  - name: a\n    feed: ../present.ics\n");
    const result = loadConfig(file, { PORT: "9999" });
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.value.path).toBe(file);
      expect(result.value.schedules[0]!.feed).toBe(path.join(tmp, "present.ics"));
      expect(result.value.env.port).toBe(9999);
    }
  });

  it("reports unreadable paths (a folder) as one problem", () => {
    const result = loadConfig(tmp, {});
    expect(result.ok ? null : result.errors).toEqual([{ path: "", message: expect.stringMatching(/^cannot read config file /), line: null }]);
  });
});

describe("formatProblems", () => {
  it.each<[ConfigProblem[], string]>([
    [[{ path: "escalation_chains[1].steps[2].wait", message: "expected a duration like 5m", line: 12 }], "calpage.yaml:12: escalation_chains[1].steps[2].wait: expected a duration like 5m"],
    [[{ path: "env.PORT", message: "expected a port number", line: null }], "calpage.yaml: env.PORT: expected a port number"],
    [[{ path: "", message: "config file not found: /x/calpage.yaml", line: null }], "calpage.yaml: config file not found: /x/calpage.yaml"],
    [[{ path: "", message: "invalid YAML: oops", line: 3 }], "calpage.yaml:3: invalid YAML: oops"],
    [
      [
        { path: "timezone", message: "a", line: 1 },
        { path: "users[0].email", message: "b", line: 4 },
      ],
      "calpage.yaml:1: timezone: a\ncalpage.yaml:4: users[0].email: b",
    ],
    [[], ""],
  ])("%j", (problems, expected) => {
    expect(formatProblems("calpage.yaml", problems)).toBe(expected);
  });

  it("uses the file name as given", () => {
    expect(formatProblems("./conf/calpage.yaml", [{ path: "users", message: "m", line: 2 }])).toBe("./conf/calpage.yaml:2: users: m");
  });
});

describe("the shipped example calpage.yaml", () => {
  const examplePath = path.join(REPO_ROOT, "calpage.yaml");

  it("validates with no environment variables set", () => {
    const result = loadConfig(examplePath, {});
    expect(result.ok ? [] : formatProblems("calpage.yaml", result.errors).split("\n")).toEqual([]);
  });

  it("contains what the docs promise", () => {
    const result = loadConfig(examplePath, {});
    if (!result.ok) throw new Error("example does not validate");
    const config = result.value;
    expect(config.timezone).toBe("Europe/Berlin");
    expect(config.users.map((u) => [u.email, u.name])).toEqual([
      ["alice@example.com", "Alice Example"],
      ["bob@example.com", "Bob Example"],
    ]);
    expect(config.users.every((u) => u.aliases.length > 0 && u.phone !== null)).toBe(true);
    expect(config.schedules).toEqual([expect.objectContaining({ name: "primary", channel: "#oncall", feed: path.join(REPO_ROOT, "examples/oncall.ics") })]);
    expect(config.escalationChains.find((c) => c.name === "default")?.steps).toEqual([
      { type: "notify_schedule", schedule: "primary", important: false },
      { type: "wait", seconds: 300 },
      { type: "notify_users", users: ["alice@example.com"], important: false },
      { type: "repeat", times: 2 },
    ]);
    expect(config.escalationChains.map((c) => c.name)).toContain("important");
    expect(config.integrations).toEqual([
      expect.objectContaining({
        type: "alertmanager",
        chain: "default",
        channel: "#alerts",
        // Left to calpage: generated at the first start, so no two deployments share a working token.
        token: null,
        routes: [expect.objectContaining({ matchers: [{ name: "severity", op: "=", value: "critical" }], chain: "important" })],
      }),
    ]);
  });

  it("shows the notification rules, paging and newer escalation steps", () => {
    const result = loadConfig(examplePath, {});
    if (!result.ok) throw new Error("example does not validate");
    const config = result.value;
    expect(config.notificationRules.important.map((s) => s.type)).toEqual(["slack_dm", "wait", "sms", "wait", "call"]);
    expect(config.paging).toEqual({ smsPerWindow: 5, callsPerWindow: 3, windowSeconds: 900 });
    // Spaced to fit calls_per_window (3 in 15m), so the example validates without warnings.
    expect(config.users[0]!.notificationRules?.important).toEqual([{ type: "call_until_answered", everySeconds: 300, times: 3 }]);
    expect(config.warnings).toBeUndefined();
    expect(config.schedules[0]).toMatchObject({ announce: true, userGroup: null, exportToken: null });
    expect(config.escalationChains.find((c) => c.name === "business-hours")?.steps.map((s) => s.type)).toEqual([
      "if_time",
      "notify_round_robin",
      "wait",
      "if_alerts",
      "notify_channel",
      "wait",
      "notify_schedule",
    ]);
    expect(config.integrations[0]).toMatchObject({ postToSlack: true, rateLimitPerMinute: 6000, heartbeatSeconds: null, mapping: null });
  });

  it("takes the token from AM_TOKEN when set", () => {
    const result = loadConfig(examplePath, { AM_TOKEN: "0123456789abcdef0123" });
    expect(result.ok && result.value.integrations[0]!.token).toBe("0123456789abcdef0123");
  });

  it("ships a Google-Calendar-style feed: Europe/Berlin, two alternating bi-weekly Monday 09:00 shifts", () => {
    const ics = readFileSync(path.join(REPO_ROOT, "examples/oncall.ics"), "utf8");
    expect(ics).toContain("X-WR-TIMEZONE:Europe/Berlin\r\n");
    expect(ics).toContain("BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n");
    const events = ics.split("BEGIN:VEVENT").slice(1);
    expect(events).toHaveLength(2);
    expect(events.map((e) => [/DTSTART;TZID=Europe\/Berlin:(\S+)/.exec(e)?.[1], /RRULE:(\S+)/.exec(e)?.[1], /SUMMARY:(.*)\r/.exec(e)?.[1]])).toEqual([
      ["20260105T090000", "FREQ=WEEKLY;INTERVAL=2", "On call: Alice Example"],
      ["20260112T090000", "FREQ=WEEKLY;INTERVAL=2", "On call: Bob Example"],
    ]);
  });
});
