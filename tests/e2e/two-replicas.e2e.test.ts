import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Calpage } from "../../src/app/create-calpage.js";
import { startFakeSlack, type FakeSlack } from "../support/fake-slack.js";
import { AM_TOKEN, PEOPLE, fakeSlackUsers, prepareEnv, sleep, startInProcess, weeklyRotaIcs, writeConfig, type Env } from "./harness.js";

const root = join(import.meta.dirname, "..", "..");
const CHAIN = `      - notify_schedule: primary
      - wait: 1s
      - notify_users: [bob@example.com]
      - wait: 1s
      - notify_users: [carol@example.com]
      - repeat: 1`;

describe("two calpage processes on one Postgres database", () => {
  let slack: FakeSlack;
  let env: Env;
  const apps: { app: Calpage; url: string }[] = [];

  beforeAll(async () => {
    slack = await startFakeSlack({ users: fakeSlackUsers(), token: "xoxb-e2e-test" });
    env = await prepareEnv("postgres", slack);
    const path = writeConfig(env.dir, { ics: weeklyRotaIcs("Alice Example", new Date()), chain: CHAIN });
    const yaml = readFileSync(path, "utf8");
    for (let i = 0; i < 2; i++) apps.push(await startInProcess(path, env.env, yaml));
  });

  afterAll(async () => {
    for (const a of apps) await a.app.stop();
    await slack?.close();
    await env?.cleanup();
  });

  it("run every escalation step of 10 groups exactly once between them", async () => {
    const base = JSON.parse(readFileSync(join(root, "tests/fixtures/payloads/alertmanager-firing.json"), "utf8")) as Record<string, unknown>;
    // Alternate the replicas that receive the webhooks, as a load balancer would.
    for (let i = 0; i < 10; i++) {
      const { url } = apps[i % 2]!;
      const res = await fetch(`${url}/integrations/v1/alertmanager/${AM_TOKEN}/`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ...base, groupKey: `{}:{alertname="Replica${i}"}` }),
      });
      expect(res.status).toBe(200);
    }
    // Each group: Alice, Bob, Carol, then once more (repeat 1) = 2 DMs each per group.
    const dms = (id: string) => slack.callsTo("chat.postMessage").filter((c) => c.args.channel === id);
    for (let i = 0; i < 100 && dms(PEOPLE.carol.id).length < 20; i++) await sleep(200);
    await sleep(2000);
    expect(dms(PEOPLE.alice.id)).toHaveLength(20);
    expect(dms(PEOPLE.bob.id)).toHaveLength(20);
    expect(dms(PEOPLE.carol.id)).toHaveLength(20);
    // Channel posts are paced at one a second per channel (shared by both replicas), so they trail the DMs.
    const rootPosts = () => slack.callsTo("chat.postMessage").filter((c) => c.args.channel === "#alerts" && !c.args.thread_ts);
    for (let i = 0; i < 200 && rootPosts().length < 10; i++) await sleep(200);
    expect(rootPosts()).toHaveLength(10);
    const times = slack.callsTo("chat.postMessage").filter((c) => c.args.channel === "#alerts" || c.response.channel === rootPosts()[0]!.response.channel).map((c) => c.at).sort((a, b) => a - b);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(900);
    const groups = await apps[0]!.app.store.read.groups.listOpen();
    expect(groups).toHaveLength(10);
    for (const g of groups) {
      const pages = await apps[0]!.app.store.read.pages.listForGroup(g.id);
      expect(pages.map((p) => p.state)).toEqual(Array(6).fill("sent"));
      expect(g.escalation.status).toBe("finished");
    }
  });
});
