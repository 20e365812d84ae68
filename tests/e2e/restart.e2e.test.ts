import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeSlack, type FakeSlack } from "../support/fake-slack.js";
import { getFreePort } from "../support/free-port.js";
import { waitFor } from "../support/wait-for.js";
import { AM_TOKEN, BACKENDS, PEOPLE, fakeSlackUsers, prepareEnv, sleep, weeklyRotaIcs, writeConfig, type Env } from "./harness.js";

const CHAIN = `      - notify_users: [alice@example.com]
      - wait: 10s
      - notify_users: [bob@example.com]
      - wait: 2s
      - notify_users: [carol@example.com]`;

const root = join(import.meta.dirname, "..", "..");

function startProcess(env: Record<string, string>, configPath: string, output: string[]): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", "start", "--config", configPath], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d: Buffer) => output.push(d.toString()));
  child.stderr!.on("data", (d: Buffer) => output.push(d.toString()));
  return child;
}

async function ready(url: string): Promise<void> {
  await waitFor(async () => (await fetch(`${url}/health/ready`).catch(() => null))?.ok, { timeoutMs: 30_000, intervalMs: 100, description: "calpage ready" });
}

describe.each(BACKENDS)("a killed calpage process resumes escalation exactly once (%s)", (backend) => {
  let slack: FakeSlack;
  let env: Env;
  const children: ChildProcess[] = [];
  const output: string[] = [];

  beforeAll(async () => {
    // Message ts from the wall clock, as Slack's are: after the restart calpage looks for a message
    // posted just before the kill by time (`oldest`), which the default fixed-counter ts would miss.
    slack = await startFakeSlack({ users: fakeSlackUsers(), token: "xoxb-e2e-test", tsClock: () => Date.now() });
    env = await prepareEnv(backend, slack, await getFreePort());
  });

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
    await slack?.close();
    await env?.cleanup();
  });

  it("kill -9 between two steps; after a restart the next step pages once, and the one after that too", async () => {
    const configPath = writeConfig(env.dir, { ics: weeklyRotaIcs("Alice Example", new Date()), chain: CHAIN });
    const url = `http://127.0.0.1:${env.env.PORT}`;
    const first = startProcess(env.env, configPath, output);
    children.push(first);
    await ready(url);

    const payload = readFileSync(join(root, "tests/fixtures/payloads/alertmanager-firing.json"), "utf8");
    const res = await fetch(`${url}/integrations/v1/alertmanager/${AM_TOKEN}/`, { method: "POST", headers: { "content-type": "application/json" }, body: payload });
    expect(res.status).toBe(200);
    const dmTo = (id: string) => slack.callsTo("chat.postMessage").filter((c) => c.args.channel === id);
    await slack.waitFor((c) => c.method === "chat.postMessage" && c.args.channel === PEOPLE.alice.id, 10_000);

    // Bob's step is due 10s after Alice's (room for a slow, loaded machine): kill the process hard before that.
    first.kill("SIGKILL");
    await new Promise((r) => first.once("exit", r));
    expect(dmTo(PEOPLE.bob.id)).toHaveLength(0);

    const second = startProcess(env.env, configPath, output);
    children.push(second);
    await ready(url);
    await slack.waitFor((c) => c.method === "chat.postMessage" && c.args.channel === PEOPLE.bob.id, 30_000);
    await slack.waitFor((c) => c.method === "chat.postMessage" && c.args.channel === PEOPLE.carol.id, 15_000);
    // Give any duplicate a chance to show up (sweep runs every 15 s by default; a stale timer would fire at once).
    await sleep(3000);
    // The kill may land after Slack took alice's DM but before calpage saved that it was sent: then
    // its outcome is unknown, the thread says so, and alice gets a second notice (never silence).
    const unknownNotices = () => {
      const thread = slack.callsTo("chat.postMessage").filter((c) => c.args.thread_ts).map((c) => String(c.args.text)).join("\n");
      return thread.match(/The Slack DM to Alice[^:]* may or may not have gone out/g)?.length ?? 0;
    };
    // The thread catches up through Slack work that may trail the DMs by a moment.
    await waitFor(() => dmTo(PEOPLE.alice.id).length === 1 + unknownNotices(), { timeoutMs: 15_000, description: "one DM to alice, plus one per unknown-outcome notice" });
    expect(unknownNotices()).toBeLessThanOrEqual(1);
    expect(dmTo(PEOPLE.bob.id)).toHaveLength(1);
    expect(dmTo(PEOPLE.carol.id)).toHaveLength(1);
    // Even a kill between Slack accepting the channel message and calpage saving its ts
    // leaves one message: the restarted process finds it by its metadata before posting.
    const roots = slack.callsTo("chat.postMessage").filter((c) => c.args.channel === "#alerts" && !c.args.thread_ts);
    expect(roots).toHaveLength(1);
    second.kill("SIGTERM");
    await new Promise((r) => second.once("exit", r));
  });
});
