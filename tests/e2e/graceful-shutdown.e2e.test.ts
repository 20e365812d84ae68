import { request } from "node:http";
import { join } from "node:path";
import { openSqliteDatabase } from "../../src/store/sqlite-driver.js";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { startFakeSlack, type FakeSlack } from "../support/fake-slack.js";
import { getFreePort } from "../support/free-port.js";
import { startChildCalpage, waitReady, type ChildCalpage } from "./child-calpage.js";
import { AM_TOKEN, BACKENDS, PEOPLE, fakeSlackUsers, prepareEnv, sleep, writeConfigText, type Env } from "./harness.js";

const users = Object.values(PEOPLE)
  .map((p) => `  - email: ${p.email}\n    name: ${p.name}`)
  .join("\n");
const yaml = `timezone: Europe/Berlin
users:
${users}
escalation_chains:
  - name: default
    steps:
      - notify_users: [alice@example.com]
      - wait: 10m
      - notify_users: [bob@example.com]
integrations:
  - name: prod
    type: webhook
    token: \${AM_TOKEN}
    chain: default
    channel: "#alerts"
    rate_limit: 100000
`;

interface Outcome {
  uid: string;
  status?: number;
  error?: string;
}

/** POSTs one alert on a connection of its own (no keep-alive), as many webhook senders do; `pause` splits the body around it. */
function postAlert(url: string, uid: string, pause?: () => Promise<void>): Promise<Outcome> {
  const body = JSON.stringify({ title: `Load ${uid}`, severity: "warning", alert_uid: uid });
  return new Promise((resolve) => {
    const req = request(`${url}/integrations/v1/webhook/${AM_TOKEN}/`, {
      method: "POST",
      agent: false,
      headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
    });
    req.on("response", (res) => {
      res.resume();
      res.on("end", () => resolve({ uid, status: res.statusCode }));
      res.on("error", (e: NodeJS.ErrnoException) => resolve({ uid, error: e.code ?? e.message }));
    });
    req.on("error", (e: NodeJS.ErrnoException) => resolve({ uid, error: e.code ?? e.message }));
    if (!pause) return req.end(body);
    req.flushHeaders();
    req.write(body.slice(0, 10));
    void pause().then(() => req.end(body.slice(10)));
  });
}

async function storedKeys(env: Env, backend: string): Promise<Set<string>> {
  if (backend === "sqlite") {
    const db = openSqliteDatabase(join(env.env.CALPAGE_DATA_DIR!, "calpage.db"), { readonly: true });
    try {
      return new Set((db.prepare("select grouping_key from alert_groups").all() as { grouping_key: string }[]).map((r) => r.grouping_key));
    } finally {
      db.close();
    }
  }
  const sql = postgres(env.env.DATABASE_URL!, { max: 1, onnotice: () => undefined });
  try {
    return new Set((await sql<{ grouping_key: string }[]>`select grouping_key from alert_groups`).map((r) => r.grouping_key));
  } finally {
    await sql.end({ timeout: 1 });
  }
}

async function lockedJobs(env: Env, backend: string): Promise<number> {
  if (backend === "sqlite") {
    const db = openSqliteDatabase(join(env.env.CALPAGE_DATA_DIR!, "calpage.db"), { readonly: true });
    try {
      return (db.prepare("select count(*) as n from jobs where locked_by is not null").get() as { n: number }).n;
    } finally {
      db.close();
    }
  }
  const sql = postgres(env.env.DATABASE_URL!, { max: 1, onnotice: () => undefined });
  try {
    const [row] = await sql<{ n: string }[]>`select count(*) as n from graphile_worker._private_jobs where locked_by is not null`;
    return Number(row!.n);
  } finally {
    await sql.end({ timeout: 1 });
  }
}

describe.each(BACKENDS)("SIGTERM while webhooks arrive (%s)", (backend) => {
  let slack: FakeSlack;
  let env: Env;
  let calpage: ChildCalpage;

  beforeAll(async () => {
    slack = await startFakeSlack({ users: fakeSlackUsers(), token: "xoxb-e2e-test" });
    env = await prepareEnv(backend, slack, await getFreePort());
  });
  afterAll(async () => {
    if (calpage?.child.exitCode === null) calpage.child.kill("SIGKILL");
    await slack?.close();
    await env?.cleanup();
  });

  it("finishes the requests it started, stores every alert it answered 200, refuses the rest with 503, releases job locks and exits 0", { timeout: 120_000 }, async () => {
    const configPath = writeConfigText(env, yaml);
    calpage = startChildCalpage(env.env, configPath, Number(env.env.PORT));
    onTestFailed(() => console.log(`--- calpage's output ---\n${calpage.output.join("")}`));
    await waitReady(calpage.url);

    const outcomes: Outcome[] = [];
    let signalled = false;
    // Six senders, each posting one alert after another until calpage refuses one (503 or a refused connection).
    const senders = Array.from({ length: 6 }, async (_, s) => {
      for (let i = 0; i < 2_000; i++) {
        const outcome = await postAlert(calpage.url, `load-${s}-${i}`);
        outcomes.push(outcome);
        if (outcome.status !== 200) return;
      }
    });
    await sleep(1_500);
    // A request whose body is still arriving when the signal comes: it must be answered, and 200.
    let sendRest: () => void = () => undefined;
    const slow = postAlert(calpage.url, "slow-body", () => new Promise<void>((r) => (sendRest = r)));
    await sleep(200);
    const signalledAt = Date.now();
    calpage.child.kill("SIGTERM");
    signalled = true;
    await sleep(500);
    sendRest();
    const slowOutcome = await slow;
    await Promise.all(senders);
    const code = await calpage.exited;

    expect(signalled).toBe(true);
    expect(code).toBe(0);
    expect(slowOutcome).toEqual({ uid: "slow-body", status: 200 });
    const answered = outcomes.filter((o) => o.status === 200);
    expect(answered.length).toBeGreaterThan(20);
    // Nothing cut: every request calpage read was answered; after it closed, connections were refused, never reset.
    expect(outcomes.filter((o) => o.status === undefined && o.error !== "ECONNREFUSED")).toEqual([]);
    expect(outcomes.filter((o) => o.status !== undefined && o.status !== 200 && o.status !== 503)).toEqual([]);
    // While it finished the slow request, calpage still listened and told new senders to come back later.
    expect(outcomes.some((o) => o.status === 503)).toBe(true);
    // Every alert answered 200 is in the database.
    const stored = await storedKeys(env, backend);
    expect([...answered, slowOutcome].filter((o) => !stored.has(o.uid))).toEqual([]);
    expect(await lockedJobs(env, backend)).toBe(0);
    // The port is closed, the log says so, and it took no longer than the grace period (10 s) and a margin.
    expect((await fetch(`${calpage.url}/health/live`).catch((e: Error & { cause?: { code?: string } }) => e.cause?.code ?? "error")) as unknown).toBe("ECONNREFUSED");
    expect(calpage.output.join("")).toMatch(/calpage: SIGTERM, shutting down[\s\S]*calpage: stopped/);
    expect(Date.now() - signalledAt).toBeLessThan(15_000);
    expect(slack.unexpected).toEqual([]);
  });
});

describe("SIGTERM to `npm start`", () => {
  let slack: FakeSlack;
  let env: Env;
  let calpage: ChildCalpage;

  beforeAll(async () => {
    slack = await startFakeSlack({ users: fakeSlackUsers(), token: "xoxb-e2e-test" });
    env = await prepareEnv("sqlite", slack, await getFreePort());
  });
  afterAll(async () => {
    if (calpage?.child.exitCode === null) calpage.child.kill("SIGKILL");
    await slack?.close();
    await env?.cleanup();
  });

  it("reaches calpage through npm: the server stops, its port closes, and npm exits 0", { timeout: 90_000 }, async () => {
    const configPath = writeConfigText(env, yaml);
    calpage = startChildCalpage(env.env, configPath, Number(env.env.PORT), ["npm", "start", "--silent"]);
    onTestFailed(() => console.log(`--- npm start's output ---\n${calpage.output.join("")}`));
    await waitReady(calpage.url, 60_000);
    calpage.child.kill("SIGTERM");
    expect(await calpage.exited).toBe(0);
    expect(calpage.output.join("")).toMatch(/calpage: stopped/);
    // Nothing left answering on the port (before the fix, the server ran on without its parent).
    const after = await fetch(`${calpage.url}/health/live`).then(
      (r) => r.status,
      (e: Error & { cause?: { code?: string } }) => e.cause?.code ?? "error",
    );
    expect(after).toBe("ECONNREFUSED");
  });
});
