import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Calpage } from "../../src/app/create-calpage.js";
import { AM_TOKEN, PEOPLE, fakeSlackUsers, prepareEnv, startInProcess, weeklyRotaIcs, writeConfigText, type Env } from "../e2e/harness.js";
import { startFakeSlack, type FakeSlack } from "../support/fake-slack.js";
import { createTestDatabase } from "../support/postgres.js";
import { waitFor } from "../support/wait-for.js";

/**
 * `calpage backup <file>` while calpage runs (Postgres: the README's pg_dump and pg_restore), then
 * a restore as the README says: calpage started on the copy has the same groups, feeds, settings
 * and generated integration URLs.
 */

const run = promisify(execFile);
const root = join(import.meta.dirname, "..", "..");

async function calpage(args: string[], env: Record<string, string>) {
  try {
    const r = await run(process.execPath, ["--import", "tsx", "src/cli.ts", ...args], { cwd: root, env: { ...process.env, ...env } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const YAML = `timezone: Europe/Berlin
users:
  - email: ${PEOPLE.alice.email}
    name: ${PEOPLE.alice.name}
schedules:
  - name: primary
    feed: ./rota.ics
escalation_chains:
  - name: ops
    steps:
      - notify_schedule: primary
      - wait: 1h
integrations:
  - name: am
    type: alertmanager
    token: \${AM_TOKEN}
    chain: ops
    channel: "#alerts"
  - name: hook
    type: webhook
    chain: ops
`;

function alertmanagerBody(key: string) {
  const alert = { status: "firing", labels: { alertname: key }, annotations: { summary: key }, startsAt: new Date().toISOString(), endsAt: "0001-01-01T00:00:00Z", generatorURL: "", fingerprint: key };
  return JSON.stringify({ version: "4", groupKey: `{}:{alertname="${key}"}`, status: "firing", receiver: "calpage", groupLabels: { alertname: key }, commonLabels: alert.labels, commonAnnotations: alert.annotations, externalURL: "http://127.0.0.1:9093", truncatedAlerts: 0, alerts: [alert] });
}

const groupsOf = async (app: Calpage) =>
  (await app.store.read.groups.listOpen(1000)).map((g) => ({ number: g.number, title: g.title, integration: g.integration, state: g.state, alertCount: g.alertCount })).sort((a, b) => a.number - b.number);

/** Three Alertmanager groups, one from the generated-token webhook, and Alice's phone settings. */
async function fill(app: Calpage, url: string): Promise<void> {
  for (const key of ["DiskFull", "HighLatency", "BackupMissing"]) {
    const res = await fetch(`${url}/integrations/v1/alertmanager/${AM_TOKEN}/`, { method: "POST", headers: { "content-type": "application/json" }, body: alertmanagerBody(key) });
    expect(res.status).toBe(200);
  }
  const hook = app.integrationUrls.find((u) => u.name === "hook")!;
  expect(hook.source).toBe("generated");
  expect((await fetch(hook.url.replace(/^https?:\/\/[^/]+/, url), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ title: "Queue stuck", status: "firing" }) })).status).toBe(200);
  await app.store.transaction((tx) => tx.userSettings.upsert(PEOPLE.alice.email, { phone: "+4915112345678", phoneVerifiedAt: 1_767_225_600_000, smsOptOut: true }, Date.now()));
  await waitFor(async () => (await groupsOf(app)).length === 4, { timeoutMs: 10_000, description: "four groups" });
}

/** What a restore must bring back. */
async function expectSameState(restored: Calpage, original: Calpage, groups: Awaited<ReturnType<typeof groupsOf>>): Promise<void> {
  expect(await groupsOf(restored)).toEqual(groups);
  expect(await restored.store.read.feeds.get("primary", "primary")).toEqual(await original.store.read.feeds.get("primary", "primary"));
  expect(await restored.store.read.userSettings.get(PEOPLE.alice.email)).toMatchObject({ phone: "+4915112345678", smsOptOut: true });
  expect(restored.integrationUrls).toEqual(original.integrationUrls);
}

describe("backup and restore (sqlite)", () => {
  let slack: FakeSlack;
  let env: Env;
  let original: Calpage;
  let restored: Calpage | null = null;
  let url: string;
  let configPath: string;

  beforeAll(async () => {
    slack = await startFakeSlack({ users: fakeSlackUsers(), channels: { alerts: "C0ALERTS1" }, token: "xoxb-e2e-test" });
    env = await prepareEnv("sqlite", slack);
    writeFileSync(join(env.dir, "rota.ics"), weeklyRotaIcs(PEOPLE.alice.name, new Date()));
    configPath = writeConfigText(env, YAML);
    ({ app: original, url } = await startInProcess(configPath, env.env, YAML));
  });

  afterAll(async () => {
    await restored?.stop();
    await original?.stop();
    await slack?.close();
    await env?.cleanup();
  });


  it("copies the running database; calpage started on the copy has the same groups, feeds, settings and URLs", async () => {
    await fill(original, url);
    const before = await groupsOf(original);

    const target = join(env.dir, "backups", "calpage-backup.db");
    mkdirSync(join(env.dir, "backups"));
    const backup = await calpage(["backup", target, "--config", configPath], env.env);
    expect(backup.stderr).toBe("");
    expect(backup.code).toBe(0);
    expect(backup.stdout).toContain(`to ${target}`);
    // Taken while calpage runs; what arrives later is not in it.
    expect((await fetch(`${url}/integrations/v1/alertmanager/${AM_TOKEN}/`, { method: "POST", headers: { "content-type": "application/json" }, body: alertmanagerBody("AfterBackup") })).status).toBe(200);

    const again = await calpage(["backup", target, "--config", configPath], env.env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`${target} already exists`);

    // Restore as the README says: the copy becomes calpage.db in another data directory.
    const dataDir = join(env.dir, "restored");
    mkdirSync(dataDir);
    copyFileSync(target, join(dataDir, "calpage.db"));
    ({ app: restored } = await startInProcess(configPath, { ...env.env, CALPAGE_DATA_DIR: dataDir }, YAML));

    await expectSameState(restored, original, before);
  });

  it("says what to do instead with Postgres, and refuses a missing database or file name", async () => {
    const pg = await calpage(["backup", join(env.dir, "x.db"), "--config", configPath], { ...env.env, DATABASE_URL: "postgres://postgres@127.0.0.1:5432/calpage" });
    expect(pg.code).toBe(1);
    expect(pg.stderr).toContain("pg_dump --format=custom");
    expect(pg.stderr).toContain("pg_restore");
    expect(existsSync(join(env.dir, "x.db"))).toBe(false);

    const none = await calpage(["backup", join(env.dir, "y.db"), "--config", configPath], { ...env.env, CALPAGE_DATA_DIR: join(env.dir, "empty") });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(`no SQLite database at ${join(env.dir, "empty", "calpage.db")}`);
    expect(existsSync(join(env.dir, "empty"))).toBe(false);

    const usage = await calpage(["backup", "--config", configPath], env.env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("usage: calpage backup <file>");
  });
});

describe("backup and restore (postgres, with the README's pg_dump and pg_restore)", () => {
  let slack: FakeSlack;
  let env: Env;
  let original: Calpage;
  let restored: Calpage | null = null;
  let url: string;
  let configPath: string;
  const dropRestored: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    slack = await startFakeSlack({ users: fakeSlackUsers(), channels: { alerts: "C0ALERTS1" }, token: "xoxb-e2e-test" });
    env = await prepareEnv("postgres", slack);
    writeFileSync(join(env.dir, "rota.ics"), weeklyRotaIcs(PEOPLE.alice.name, new Date()));
    configPath = writeConfigText(env, YAML);
    ({ app: original, url } = await startInProcess(configPath, env.env, YAML));
  });

  afterAll(async () => {
    await restored?.stop();
    await original?.stop();
    for (const drop of dropRestored) await drop();
    await slack?.close();
    await env?.cleanup();
  });

  it("calpage started on a pg_restore of a pg_dump has the same groups, feeds, settings and URLs", async () => {
    await fill(original, url);
    const before = await groupsOf(original);
    const dump = join(env.dir, "calpage.dump");
    await run("pg_dump", ["--format=custom", `--file=${dump}`, env.env.DATABASE_URL!]);

    const target = await createTestDatabase("restore");
    dropRestored.push(() => target.drop());
    await run("pg_restore", ["--no-owner", `--dbname=${target.url}`, dump]);
    const started = await startInProcess(configPath, { ...env.env, DATABASE_URL: target.url }, YAML);
    restored = started.app;

    await expectSameState(restored, original, before);
    // Group numbers carry on after the restore.
    const res = await fetch(`${started.url}/integrations/v1/alertmanager/${AM_TOKEN}/`, { method: "POST", headers: { "content-type": "application/json" }, body: alertmanagerBody("AfterRestore") });
    expect(res.status).toBe(200);
    await waitFor(async () => (await groupsOf(restored!)).some((g) => g.title.includes("AfterRestore")), { timeoutMs: 10_000, description: "a group after the restore" });
    expect((await groupsOf(restored)).find((g) => g.title.includes("AfterRestore"))?.number).toBe(Math.max(...before.map((g) => g.number)) + 1);
  });
});
