import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Calpage } from "../../src/app/create-calpage.js";
import { startFakeSlack, type FakeSlack } from "../support/fake-slack.js";
import { AM_TOKEN, PEOPLE, fakeSlackUsers, prepareEnv, startInProcess, writeConfigText, type Env } from "../e2e/harness.js";

const yaml = `timezone: UTC
users:
  - email: ${PEOPLE.alice.email}
    name: ${PEOPLE.alice.name}
escalation_chains:
  - name: default
    steps:
      - notify_users: [alice@example.com]
integrations:
  - name: prod
    type: webhook
    token: \${AM_TOKEN}
    chain: default
    channel: "#alerts"
`;

/**
 * A full disk, simulated on calpage's own SQLite connection: `max_page_count` at the current size
 * makes the next page fail with SQLITE_FULL. (A read-only disk, SQLITE_READONLY, takes the same
 * path; it cannot be simulated here and healed again: tests run as root, who may write read-only
 * files, and `query_only` would refuse the statement that lifts it.)
 */
describe("SQLite: a full disk", () => {
  let slack: FakeSlack;
  let env: Env;
  let app: Calpage;
  let url: string;

  beforeAll(async () => {
    slack = await startFakeSlack({ users: fakeSlackUsers(), token: "xoxb-e2e-test" });
    env = await prepareEnv("sqlite", slack);
    const path = writeConfigText(env, yaml);
    ({ app, url } = await startInProcess(path, env.env, yaml));
  });
  afterAll(async () => {
    await app?.stop();
    await slack?.close();
    await env?.cleanup();
  });

  const post = (uid: string) =>
    fetch(`${url}/integrations/v1/webhook/${AM_TOKEN}/`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ title: `Disk ${uid}`, alert_uid: uid }) });
  const pragma = (text: string) => app.store.transaction((tx) => tx.db.all(sql.raw(`pragma ${text}`)));
  const groups = async () => app.store.read.groups.count();

  it("webhooks get 503 with Retry-After, nothing half-written, and it works again once the disk does", async () => {
    await post("warm-up");
    const before = await groups();
    await pragma("max_page_count = 1");
    const started = Date.now();
    // A payload big enough to need new pages.
    const refused = await fetch(`${url}/integrations/v1/webhook/${AM_TOKEN}/`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ title: "x".repeat(2000), message: "y".repeat(60_000), alert_uid: "refused" }),
    });
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(await refused.json()).toEqual({ error: "the database is unavailable; nothing was accepted, please retry" });
    expect(Date.now() - started).toBeLessThan(1_000);
    await pragma("max_page_count = 1073741823");
    expect(await groups()).toBe(before);
    const ok = await post("accepted");
    expect(ok.status).toBe(200);
    expect(await groups()).toBe(before + 1);
  });
});
