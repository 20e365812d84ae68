import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { weeklyRotaIcs } from "../e2e/harness.js";

const run = promisify(execFile);
const root = join(import.meta.dirname, "..", "..");

async function calpage(args: string[], env: Record<string, string> = {}) {
  try {
    const r = await run(process.execPath, ["--import", "tsx", "src/cli.ts", ...args], { cwd: root, env: { ...process.env, ...env } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("calpage CLI", () => {
  let dir: string;
  let server: Server;
  let feedUp = true;
  let feedUrl: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "calpage-cli-"));
    const ics = weeklyRotaIcs("Bob Example", new Date());
    server = createServer((_req, res) => {
      if (!feedUp) {
        res.writeHead(503, { "content-type": "text/html" });
        res.end("<html><body>Service Unavailable</body></html>");
        return;
      }
      res.writeHead(200, { "content-type": "text/calendar" });
      res.end(ics);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const port = (server.address() as { port: number }).port;
    feedUrl = `http://127.0.0.1:${port}/basic.ics`;
  });

  afterAll(async () => {
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it("validate accepts the shipped example", async () => {
    const r = await calpage(["validate", "calpage.yaml"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("OK — 2 users, 1 schedules");
  });

  it("validate reports every problem with file, line and path, and exits 2", async () => {
    const bad = join(dir, "bad.yaml");
    writeFileSync(
      bad,
      `users:
  - email: not-an-email
    name: X
escalation_chains:
  - name: default
    steps:
      - notify_schedule: missing
      - wait: soon
integrations:
  - name: am
    type: alertmanagr
    token: short
`,
    );
    const r = await calpage(["validate", bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:2: users\[0\]\.email: /);
    expect(r.stderr).toMatch(/bad\.yaml:7: escalation_chains\[0\]\.steps\[0\]\.notify_schedule: /);
    expect(r.stderr).toMatch(/bad\.yaml:8: escalation_chains\[0\]\.steps\[1\]\.wait: expected a duration like 5m/);
    expect(r.stderr).toMatch(/bad\.yaml:11: integrations\[0\]\.type: /);
    expect(r.stderr).toMatch(/bad\.yaml:12: integrations\[0\]\.token: /);
  });

  it("who answers from the network, then from the stored copy when the feed is down", async () => {
    const config = join(dir, "calpage.yaml");
    writeFileSync(
      config,
      `users:
  - email: bob@example.com
    name: Bob Example
schedules:
  - name: primary
    feed: ${feedUrl}
    timezone: Europe/Berlin
`,
    );
    const env = { CALPAGE_DATA_DIR: join(dir, "data") };
    const first = await calpage(["who", "primary", "--config", config], env);
    expect(first.code).toBe(0);
    expect(first.stdout.trim()).toBe("primary: Bob Example <bob@example.com>");

    feedUp = false;
    const second = await calpage(["who", "--config", config], env);
    expect(second.code).toBe(0);
    expect(second.stdout.trim()).toBe("primary: Bob Example <bob@example.com>");
    expect(second.stderr).toContain("serving the last good copy");

    const unknown = await calpage(["who", "nosuch", "--config", config], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no schedule called "nosuch"');
  });

  it("migrate applies migrations and says where", async () => {
    const r = await calpage(["migrate"], { CALPAGE_DATA_DIR: join(dir, "mig") });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("migrations applied");
  });

  it("maintenance starts, lists and ends a window from the CLI, and refuses unknown integrations", async () => {
    const env = { CALPAGE_DATA_DIR: join(dir, "maint") };
    const on = await calpage(["maintenance", "prod-alertmanager", "2h"], env);
    expect(on.code).toBe(0);
    expect(on.stdout).toContain("Maintenance for prod-alertmanager is on for 2h");
    const list = await calpage(["maintenance"], env);
    expect(list.stdout).toMatch(/^prod-alertmanager: until \d{4}-/m);
    const off = await calpage(["maintenance", "prod-alertmanager", "off"], env);
    expect(off.stdout).toContain("Maintenance for prod-alertmanager is off.");
    const unknown = await calpage(["maintenance", "nope", "1h"], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('There is no integration called "nope"');
  });

  it("log prints a group's history and says when there is no such group", async () => {
    const env = { CALPAGE_DATA_DIR: join(dir, "log") };
    const none = await calpage(["log", "7"], env);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("there is no alert group #7");
    const { loadConfig } = await import("../../src/config/load-config.js");
    const { createCalpage } = await import("../../src/app/create-calpage.js");
    const loaded = loadConfig(join(root, "calpage.yaml"), env);
    if (!loaded.ok) throw new Error("example config invalid");
    const app = await createCalpage(loaded.value, { log: () => undefined });
    const { readFileSync } = await import("node:fs");
    const { parseAlertmanager } = await import("../../src/alerts/parse-alertmanager.js");
    const body = JSON.parse(readFileSync(join(root, "tests/fixtures/payloads/alertmanager-firing.json"), "utf8")) as { alerts: { status: string }[] };
    const parsed = parseAlertmanager(body);
    if (!parsed.ok) throw new Error("fixture invalid");
    const r = await app.ingest.ingest(loaded.value.integrations[0]!, parsed.value, Date.now());
    // The re-send says the first alert resolved: three alerts, not six.
    const again = parseAlertmanager({ ...body, alerts: body.alerts.map((a, i) => (i === 0 ? { ...a, status: "resolved" } : a)) });
    if (!again.ok) throw new Error("fixture invalid");
    await app.ingest.ingest(loaded.value.integrations[0]!, again.value, Date.now());
    await app.store.close();
    const log = await calpage(["log", String(r.groups[0]!.number)], env);
    expect(log.code).toBe(0);
    expect(log.stdout).toMatch(/^#1 .* — firing, 2 firing, 1 resolved \(prod-alertmanager\)/);
    expect(log.stdout).toContain("opened");
  });
});
