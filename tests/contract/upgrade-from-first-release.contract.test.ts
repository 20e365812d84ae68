import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSqliteDatabase } from "../../src/store/sqlite-driver.js";
import { sql } from "drizzle-orm";
import { drizzle as drizzleSqlite } from "drizzle-orm/better-sqlite3";
import { migrate as migrateSqlite } from "drizzle-orm/better-sqlite3/migrator";
import { drizzle as drizzlePg } from "drizzle-orm/postgres-js";
import { migrate as migratePg } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { createStore } from "../../src/app/create-store.js";
import { parseConfig } from "../../src/config/parse-config.js";
import { AM_TOKEN, BACKENDS, PEOPLE, prepareEnv, startInProcess, type Backend, type Env } from "../e2e/harness.js";
import { backendWanted } from "./backends.js";
import { startFakeSlack, type FakeSlack } from "../support/fake-slack.js";
import { waitFor } from "../support/wait-for.js";

/**
 * A database made by calpage's first release (only the `0000_init` migrations) upgrades to the
 * newest schema with its data intact, and calpage runs on it: an acknowledged group keeps its
 * state, chain, alerts, log and pages; a cached feed stays; group numbers carry on.
 */

const root = join(import.meta.dirname, "..", "..");
const T0 = 1_767_225_600_000;
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** A copy of `migrations/<dialect>` whose journal holds only the first migration, as the first release shipped it. */
async function firstReleaseMigrations(dialect: "sqlite" | "pg"): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "calpage-first-migrations-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await cp(join(root, "migrations", dialect), dir, { recursive: true });
  const journalPath = join(dir, "meta", "_journal.json");
  const journal = JSON.parse(await readFile(journalPath, "utf8")) as { entries: { tag: string }[] };
  expect(journal.entries[0]?.tag).toBe("0000_init");
  expect(journal.entries.length).toBeGreaterThan(1);
  journal.entries = journal.entries.slice(0, 1);
  await writeFile(journalPath, JSON.stringify(journal));
  return dir;
}

const CHAIN = [{ type: "notify_users", users: [PEOPLE.alice.email] }];
const ESCALATION = '{"status":"idle","seq":0,"stepIndex":0,"repeatsDone":0,"nextAt":null}';

/** What a first-release calpage wrote: an acknowledged group of two deliveries of one alert, a resolved one, a page, log lines and a cached feed. */
const firstReleaseRows = [
  sql`insert into alert_groups (id, number, integration, grouping_key, state, title, message, severity, labels, links, chain, chain_steps, channel, alert_count, first_alert_at, last_alert_at, acknowledged_by, acknowledged_at, escalation, created_at, updated_at)
      values ('g41', 41, 'am', '{}:{alertname="DiskFull"}', 'acknowledged', 'DiskFull on db-1', 'disk 97% full', 'critical', '{"alertname":"DiskFull","instance":"db-1"}', '[{"title":"Runbook","url":"https://runbooks.example.com/disk"}]', 'ops', ${JSON.stringify(CHAIN)}, '#alerts', 2, ${T0}, ${T0 + 60_000}, ${PEOPLE.alice.email}, ${T0 + 120_000}, ${ESCALATION}, ${T0}, ${T0 + 120_000})`,
  sql`insert into alerts (id, group_id, status, labels, annotations, fingerprint, received_at) values ('a1', 'g41', 'firing', '{"alertname":"DiskFull"}', '{}', 'fp-disk', ${T0})`,
  sql`insert into alerts (id, group_id, status, labels, annotations, fingerprint, received_at) values ('a2', 'g41', 'firing', '{"alertname":"DiskFull"}', '{}', 'fp-disk', ${T0 + 60_000})`,
  sql`insert into alert_groups (id, number, integration, grouping_key, state, title, labels, links, chain_steps, alert_count, first_alert_at, last_alert_at, resolved_by, resolved_at, escalation, created_at, updated_at)
      values ('g42', 42, 'am', '{}:{alertname="Old"}', 'resolved', 'Old', '{}', '[]', '[]', 1, ${T0}, ${T0}, 'alertmanager', ${T0 + 1000}, ${ESCALATION}, ${T0}, ${T0 + 1000})`,
  sql`insert into counters (name, value) values ('alert_group_number', 42)`,
  sql`insert into log_entries (group_id, at, kind, text) values ('g41', ${T0 + 120_000}, 'acknowledged', 'Alice Example acknowledged')`,
  sql`insert into pages (id, group_id, dedupe_key, user_email, channel, important, state, attempts, created_at, updated_at)
      values ('p1', 'g41', 'g41:alice:0', ${PEOPLE.alice.email}, 'slack', 0, 'sent', 1, ${T0}, ${T0})`,
  sql`insert into feeds (schedule, kind, source, body, etag, fetched_at, checked_at) values ('legacy', 'primary', 'https://calendar.example.com/legacy.ics', 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n', '"v1"', ${T0}, ${T0})`,
];

/** Builds the first release's schema in the backend's storage and fills it. */
async function buildFirstRelease(backend: Backend, env: Env): Promise<void> {
  if (backend === "sqlite") {
    await mkdir(env.env.CALPAGE_DATA_DIR!, { recursive: true });
    const db = openSqliteDatabase(join(env.env.CALPAGE_DATA_DIR!, "calpage.db"));
    const orm = drizzleSqlite(db);
    migrateSqlite(orm, { migrationsFolder: await firstReleaseMigrations("sqlite") });
    for (const row of firstReleaseRows) orm.run(row);
    db.close();
  } else {
    const client = postgres(env.env.DATABASE_URL!, { max: 1, onnotice: () => undefined });
    const orm = drizzlePg(client);
    await migratePg(orm, { migrationsFolder: await firstReleaseMigrations("pg") });
    for (const row of firstReleaseRows) await orm.execute(row);
    await client.end();
  }
}

const YAML = `timezone: Europe/Berlin
users:
  - email: ${PEOPLE.alice.email}
    name: ${PEOPLE.alice.name}
escalation_chains:
  - name: ops
    steps:
      - notify_users: [${PEOPLE.alice.email}]
integrations:
  - name: am
    type: alertmanager
    token: \${AM_TOKEN}
    chain: ops
    channel: "#alerts"
`;

describe.each(BACKENDS.filter((b) => backendWanted(b)))("upgrade from the first release's database (%s)", (backend) => {
  let slack: FakeSlack;
  let env: Env;

  afterAll(async () => {
    await slack?.close();
    await env?.cleanup();
  });

  it("migrates to the newest schema keeping groups, alerts, log, pages and feeds, and calpage carries on numbering", async () => {
    slack = await startFakeSlack({ users: [{ email: PEOPLE.alice.email, id: PEOPLE.alice.id, name: "alice" }], channels: { alerts: "C0ALERTS1" }, token: "xoxb-e2e-test" });
    env = await prepareEnv(backend, slack);
    await buildFirstRelease(backend, env);
    const configPath = join(env.dir, "calpage.yaml");
    await writeFile(configPath, YAML);
    const parsed = parseConfig(YAML, configPath, env.env);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));

    const store = createStore(parsed.value);
    try {
      await store.migrate();
      expect(await store.read.groups.get("g41")).toMatchObject({
        number: 41,
        state: "acknowledged",
        title: "DiskFull on db-1",
        message: "disk 97% full",
        labels: { alertname: "DiskFull", instance: "db-1" },
        chain: "ops",
        chainSteps: CHAIN,
        acknowledgedBy: PEOPLE.alice.email,
        acknowledgedAt: T0 + 120_000,
        // Two deliveries of one alert count once since alert_identity.
        alertCount: 1,
      });
      expect((await store.read.alerts.recent("g41", 10)).map((a) => [a.key, a.status, a.receivedAt])).toEqual([["fp-disk", "firing", T0]]);
      expect(await store.read.groups.get("g42")).toMatchObject({ number: 42, state: "resolved" });
      expect((await store.read.log.list("g41")).map((l) => l.text)).toEqual(["Alice Example acknowledged"]);
      expect((await store.read.pages.listForGroup("g41")).map((p) => [p.userEmail, p.state])).toEqual([[PEOPLE.alice.email, "sent"]]);
      expect(await store.read.feeds.get("legacy", "primary")).toMatchObject({ body: "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", etag: '"v1"', fetchedAt: T0 });
      // Stored before calpage kept body hashes: no hash, so `who` parses this copy until the next refresh stores one (and a shift table).
      expect(await store.read.scheduleState.feedMeta("legacy", "primary")).toMatchObject({ hasBody: true, bodySha256: null, etag: '"v1"', fetchedAt: T0 });
      expect(await store.read.scheduleTables.get("legacy")).toBeNull();
      // Tables later releases added are there and work.
      await store.transaction((tx) => tx.userSettings.upsert(PEOPLE.alice.email, { smsOptOut: true }, T0));
      expect(await store.read.userSettings.get(PEOPLE.alice.email)).toMatchObject({ smsOptOut: true });
    } finally {
      await store.close();
    }

    // calpage starts on the upgraded database; the next group is number 43.
    const { app, url } = await startInProcess(configPath, env.env, YAML);
    try {
      const alert = { status: "firing", labels: { alertname: "NewAfterUpgrade" }, annotations: {}, startsAt: new Date().toISOString(), endsAt: "0001-01-01T00:00:00Z", generatorURL: "", fingerprint: "fp-new" };
      const body = { version: "4", groupKey: '{}:{alertname="NewAfterUpgrade"}', status: "firing", receiver: "calpage", groupLabels: alert.labels, commonLabels: alert.labels, commonAnnotations: {}, externalURL: "http://127.0.0.1:9093", truncatedAlerts: 0, alerts: [alert] };
      const res = await fetch(`${url}/integrations/v1/alertmanager/${AM_TOKEN}/`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      expect(res.status).toBe(200);
      let numbers: number[] = [];
      await waitFor(
        async () => {
          numbers = (await app.store.read.groups.listOpen(100)).map((g) => g.number).sort((a, b) => a - b);
          return numbers.length === 2;
        },
        { timeoutMs: 10_000, description: "the new group" },
      );
      expect(numbers).toEqual([41, 43]);
    } finally {
      await app.stop();
    }
  });
});
