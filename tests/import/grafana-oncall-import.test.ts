import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";

/**
 * `calpage import grafana-oncall` against recorded responses of Grafana OnCall's public API v1
 * (tests/fixtures/grafana-oncall: users, shifts and escalation policies span two pages), served by a
 * loopback stand-in for OnCall that checks the API key; then the written configuration goes through
 * `calpage validate` and `calpage shifts`, as someone moving over would run them.
 */

const run = promisify(execFile);
const root = join(import.meta.dirname, "..", "..");
const fixtures = join(root, "tests", "fixtures", "grafana-oncall");
const KEY = "oncall-api-key-0123456789";

async function calpage(args: string[], env: Record<string, string> = {}) {
  try {
    const r = await run(process.execPath, ["--import", "tsx", "src/cli.ts", ...args], { cwd: root, env: { ...process.env, ...env } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const LEGACY_ICS = [
  "BEGIN:VCALENDAR",
  "VERSION:2.0",
  "PRODID:-//test//EN",
  "BEGIN:VEVENT",
  "UID:legacy-1",
  "DTSTAMP:20260101T000000Z",
  "DTSTART:20260105T000000Z",
  "DTEND:20260112T000000Z",
  "RRULE:FREQ=WEEKLY",
  "SUMMARY:alice",
  "END:VEVENT",
  "END:VCALENDAR",
  "",
].join("\r\n");

describe("calpage import grafana-oncall", () => {
  let dir: string;
  let server: Server;
  let origin: string;
  const requests: { url: string; authorization: string | undefined }[] = [];
  let routesFailures = 1;
  /** The recorded pages as this server serves them: the recording's hosts replaced by this server. */
  const served = (text: string) => text.replaceAll("https://oncall.example.com", `${origin}/oncall`).replaceAll("https://calendar.example.com", origin);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "calpage-import-"));
    server = createServer((req, res) => {
      const url = new URL(req.url ?? "/", origin);
      if (url.pathname === "/legacy.ics" || url.pathname === "/legacy-overrides.ics") {
        res.writeHead(200, { "content-type": "text/calendar" });
        res.end(url.pathname === "/legacy.ics" ? LEGACY_ICS : "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nEND:VCALENDAR\r\n");
        return;
      }
      requests.push({ url: url.pathname + url.search, authorization: req.headers.authorization });
      if (req.headers.authorization !== KEY) {
        res.writeHead(401, { "content-type": "application/json" });
        res.end('{"detail":"Invalid token."}');
        return;
      }
      const m = /^\/oncall\/api\/v1\/([a-z_]+)\/$/.exec(url.pathname);
      const page = url.searchParams.get("page");
      const file = m ? join(fixtures, page && page !== "1" ? `${m[1]}-${page}.json` : `${m[1]}.json`) : null;
      if (m?.[1] === "routes" && routesFailures > 0) {
        routesFailures--;
        res.writeHead(503, { "content-type": "text/html" });
        res.end("<html>upstream busy</html>");
        return;
      }
      if (file === null || !existsSync(file)) {
        res.writeHead(404, { "content-type": "application/json" });
        res.end('{"detail":"Not found."}');
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(served(readFileSync(file, "utf8")));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });

  afterAll(async () => {
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it("reads every page with the API key, writes a calpage.yaml that passes calpage validate, and reports what it left out", async () => {
    const out = join(dir, "from-api");
    const r = await calpage(["import", "grafana-oncall", "--url", `${origin}/oncall`, "--token", KEY, "--out", out]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("4 users, 3 schedules (3 calendar files), 2 escalation chains, 3 integrations");

    // Every page, each with the key; the 503 on routes was retried.
    expect(requests.every((q) => q.authorization === KEY)).toBe(true);
    const urls = requests.map((q) => q.url);
    for (const page of ["/oncall/api/v1/users/?page=2", "/oncall/api/v1/on_call_shifts/?page=2", "/oncall/api/v1/escalation_policies/?page=2"]) expect(urls).toContain(page);
    expect(urls.filter((u) => u === "/oncall/api/v1/routes/")).toHaveLength(2);

    const v = await calpage(["validate", join(out, "calpage.yaml")]);
    expect(v.stderr).toBe("");
    expect(v.code).toBe(0);
    expect(v.stdout).toContain("OK — 4 users, 3 schedules, 2 escalation chains, 3 integrations");
    expect(statSync(join(out, "calpage.yaml")).mode & 0o077).toBe(0);

    const config = parse(readFileSync(join(out, "calpage.yaml"), "utf8")) as Record<string, unknown[]>;
    // Personal notification rules: what calpage can send, waits around left-out steps added up.
    expect(config.users).toEqual([
      { email: "alice@example.com", name: "alice", slack_id: "U0ALICE01", notification_rules: { default: ["slack_dm", { wait: "15m" }, "slack_dm"] } },
      { email: "bob@example.com", name: "bob", notification_rules: { default: ["slack_dm"], important: ["slack_dm"] } },
      { email: "carol@example.com", name: "carol", slack_id: "U0CAROL03" },
      { email: "dave@example.com", name: "dave" },
    ]);
    expect(config.escalation_chains).toEqual([
      {
        name: "default",
        steps: [
          { notify_schedule: "primary-on-call" },
          { wait: "5m" },
          { notify_users: ["alice@example.com", "bob@example.com"], important: true },
          { if_time: { from: "09:00", to: "18:00", timezone: "UTC" } },
          { notify_users: ["alice@example.com", "bob@example.com"] },
          { repeat: 5 },
        ],
      },
      {
        name: "critical-path",
        steps: [
          { notify_round_robin: ["carol@example.com", "dave@example.com"] },
          { wait: "10m" },
          { if_alerts: "5 in 10m" },
          { notify_user_group: "sre-oncall", important: true },
          { notify_channel: "channel" },
          { webhook: "https://hooks.example.com/page" },
          { resolve: null },
        ],
      },
    ]);
    expect(config.integrations).toEqual([
      {
        name: "prod-alertmanager",
        type: "alertmanager",
        token: "mReAoNwDm0eMwKo1mTeTwYo",
        chain: "default",
        channel: "C0ALERTS01",
        routes: [
          { matchers: ['severity="critical"'], chain: "critical-path", channel: "C0CRITICAL" },
          { matchers: ['team="db"', 'env!="dev"'], chain: "default" },
        ],
      },
      {
        name: "grafana-alerting",
        type: "grafana_alerting",
        token: "Ab3dEf6hIj9kLm2nOp5qRs8tU",
        chain: "critical-path",
        channel: "C0ALERTS01",
        routes: [{ matchers: ['team=~"db|infra"'], chain: "default", channel: "C0DBTEAM01" }],
      },
      // Templates that pick a field become the webhook's mapping.
      {
        name: "custom-json",
        type: "webhook",
        token: "ZyXwVuTsRqPoNmLkJiHgFeDcB",
        post_to_slack: false,
        mapping: { title: "title", grouping_key: "id", resolve_when: { path: "status", equals: "resolved" } },
      },
    ]);
    expect(config.schedules).toEqual([
      {
        name: "primary-on-call",
        feed: "./schedules/primary-on-call.ics",
        overrides_feed: "./schedules/primary-on-call-overrides.ics",
        timezone: "Europe/Berlin",
        channel: "C0PRIMARY1",
        user_group: "S0ONCALL01",
      },
      { name: "db-business-hours", feed: "./schedules/db-business-hours.ics", timezone: "UTC" },
      { name: "legacy-ical", feed: `${origin}/legacy.ics`, overrides_feed: `${origin}/legacy-overrides.ics`, timezone: "UTC" },
    ]);

    const report = readFileSync(join(out, "import-report.txt"), "utf8");
    for (const line of [
      'integration "Zabbix": calpage has no intake for Grafana OnCall\'s "zabbix" integrations; not carried over',
      'escalation chain "Incidents", step 1 (declare_incident): calpage has no incidents (Grafana IRM); step left out',
      'escalation chain "Incidents": no step could be carried over; the chain is left out',
      'integration "Custom JSON": default route: its escalation chain FINCIDENT3B8 was not carried over; its alerts are not escalated',
      'outgoing webhook "Ticket per group": its URL is a template or not http(s); calpage posts to a fixed URL; step left out',
      'outgoing webhook "Pager bridge": not carried over: its body template',
      'route 2 (regex "host-\\\\d+\\\\.prod"): the regex',
      "route 3 (labels \"\"): a label route: the public API does not give its labels",
      "users alice@example.com, carol@example.com: had a verified phone number in Grafana OnCall, which its public API does not give out",
      'integration "Custom JSON": its templates (msteams.title) are not carried over',
      "user alice@example.com: default notification rules: left out mobile_app (calpage pages by Slack, SMS and call); sms (no phone number; add phone: and put them back)",
      "user alice@example.com: important notification rules: nothing calpage can send is left; the team-wide important ladder applies",
      "user bob@example.com: default notification rules: left out telegram (calpage pages by Slack, SMS and call)",
    ]) {
      expect(report).toContain(line);
    }
    // The report is printed too, without secrets: no token or webhook URL.
    expect(r.stdout).toContain('integration "Zabbix": calpage has no intake');
    expect(r.stdout).not.toMatch(/mReAoNwDm0eMwKo1mTeTwYo|QwErTyUiOpAsDfGhJkLzXcVbN|hooks\.example\.com/);
  });

  it("the calendars it writes give OnCall's rotations, layers and overrides in calpage shifts", async () => {
    const out = join(dir, "from-api");
    const env = { CALPAGE_DATA_DIR: join(dir, "data") };
    const shifts = async (schedule: string, from: string, to: string) => {
      const r = await calpage(["shifts", schedule, "--from", from, "--to", to, "--format", "json", "--config", join(out, "calpage.yaml")], env);
      expect(r.code).toBe(0);
      const json = JSON.parse(r.stdout) as { shifts: { start: string; end: string; users: { email: string }[] }[] };
      return json.shifts.map((s) => [s.start, s.end, s.users.map((u) => u.email).join(",")]);
    };
    // Weekly rotation alice → bob from Monday 09:00 Berlin ([L1]); dave's weekend mornings ([L2]) win;
    // carol's override wins over both.
    expect(await shifts("primary-on-call", "2026-01-05T00:00:00Z", "2026-01-19T08:00:00Z")).toEqual([
      ["2026-01-05T08:00:00.000Z", "2026-01-10T09:00:00.000Z", "alice@example.com"],
      ["2026-01-10T09:00:00.000Z", "2026-01-10T13:00:00.000Z", "dave@example.com"],
      ["2026-01-10T13:00:00.000Z", "2026-01-11T09:00:00.000Z", "alice@example.com"],
      ["2026-01-11T09:00:00.000Z", "2026-01-11T13:00:00.000Z", "dave@example.com"],
      ["2026-01-11T13:00:00.000Z", "2026-01-12T08:00:00.000Z", "alice@example.com"],
      ["2026-01-12T08:00:00.000Z", "2026-01-14T11:00:00.000Z", "bob@example.com"],
      ["2026-01-14T11:00:00.000Z", "2026-01-14T14:00:00.000Z", "carol@example.com"],
      ["2026-01-14T14:00:00.000Z", "2026-01-17T09:00:00.000Z", "bob@example.com"],
      ["2026-01-17T09:00:00.000Z", "2026-01-17T13:00:00.000Z", "dave@example.com"],
      ["2026-01-17T13:00:00.000Z", "2026-01-18T09:00:00.000Z", "bob@example.com"],
      ["2026-01-18T09:00:00.000Z", "2026-01-18T13:00:00.000Z", "dave@example.com"],
      ["2026-01-18T13:00:00.000Z", "2026-01-19T08:00:00.000Z", "bob@example.com"],
    ]);
    // A daily rotation on weekdays: each weekday is the next person's, across weekends.
    expect((await shifts("db-business-hours", "2026-01-05T00:00:00Z", "2026-01-17T00:00:00Z")).map((s) => `${s[0]!.slice(0, 10)} ${s[2]}`)).toEqual([
      "2026-01-05 carol@example.com",
      "2026-01-06 dave@example.com",
      "2026-01-07 carol@example.com",
      "2026-01-08 dave@example.com",
      "2026-01-09 carol@example.com",
      "2026-01-12 dave@example.com",
      "2026-01-13 carol@example.com",
      "2026-01-14 dave@example.com",
      "2026-01-15 carol@example.com",
      "2026-01-16 dave@example.com",
    ]);
    // calpage reads every event written, and every name in them is a user.
    const feeds = await calpage(["validate", join(out, "calpage.yaml"), "--feeds"], env);
    expect(feeds.code).toBe(0);
    expect(feeds.stdout).toContain("primary-on-call: feeds OK — every event read, every name matched");
    expect(feeds.stdout).not.toMatch(/name matches nobody|not read as written|cannot be read/);
    // An iCal schedule keeps its own feed.
    expect(await shifts("legacy-ical", "2026-01-05T00:00:00Z", "2026-01-06T00:00:00Z")).toEqual([["2026-01-05T00:00:00.000Z", "2026-01-06T00:00:00.000Z", "alice@example.com"]]);
  });

  it("--from-dir with the saved pages writes the same configuration and calendars", async () => {
    const saved = join(dir, "saved");
    mkdirSync(saved);
    for (const f of readdirSync(fixtures)) writeFileSync(join(saved, f), served(readFileSync(join(fixtures, f), "utf8")));
    const out = join(dir, "from-dir");
    const r = await calpage(["import", "grafana-oncall", "--from-dir", saved, "--out", out]);
    expect(r.code).toBe(0);
    const withoutStamps = (path: string) => readFileSync(path, "utf8").replace(/^DTSTAMP:.*$/gm, "");
    for (const f of ["calpage.yaml", "import-report.txt", "schedules/primary-on-call.ics", "schedules/primary-on-call-overrides.ics", "schedules/db-business-hours.ics"]) {
      expect(withoutStamps(join(out, f)), f).toBe(withoutStamps(join(dir, "from-api", f)));
    }
  });

  it("a wrong key, an existing calpage.yaml and broken saved pages are clear errors that write nothing", async () => {
    const out = join(dir, "refused");
    const wrong = await calpage(["import", "grafana-oncall", "--url", `${origin}/oncall`, "--token", "not-the-key", "--out", out]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("401 Unauthorized: check --token");
    expect(existsSync(out)).toBe(false);

    mkdirSync(out);
    writeFileSync(join(out, "calpage.yaml"), "users: []\n");
    const exists = await calpage(["import", "grafana-oncall", "--from-dir", fixtures, "--out", out]);
    expect(exists.code).toBe(1);
    expect(exists.stderr).toContain("calpage.yaml already exists; nothing written (add --force");
    expect(readFileSync(join(out, "calpage.yaml"), "utf8")).toBe("users: []\n");

    const broken = join(dir, "broken");
    cpSync(fixtures, broken, { recursive: true });
    writeFileSync(join(broken, "schedules.json"), '{\n  "count": 1,\n  "results": [\n    {"id": "S1", name: "x"}\n  ]\n}\n');
    const bad = await calpage(["import", "grafana-oncall", "--from-dir", broken, "--out", join(dir, "broken-out")]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`${join(broken, "schedules.json")}:4: invalid JSON`);

    rmSync(join(broken, "schedules.json"));
    cpSync(join(fixtures, "schedules.json"), join(broken, "schedules.json"));
    rmSync(join(broken, "users-2.json"));
    const missing = await calpage(["import", "grafana-oncall", "--from-dir", broken, "--out", join(dir, "broken-out")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`${join(broken, "users-2.json")}: file not found (users.json has a next page; save it there)`);
    expect(existsSync(join(dir, "broken-out"))).toBe(false);

    const usage = await calpage(["import", "grafana-oncall", "--from-dir", fixtures]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("--out <dir> is required");
  });
});
