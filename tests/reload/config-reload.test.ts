import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Calpage } from "../../src/app/create-calpage.js";
import { loadConfig } from "../../src/config/load-config.js";
import { AM_TOKEN, BACKENDS, PEOPLE, fakeSlackUsers, prepareEnv, startInProcess, weeklyRotaIcs, writeConfigText, type Env } from "../e2e/harness.js";
import { startFakeSlack, type FakeSlack } from "../support/fake-slack.js";
import { waitFor } from "../support/wait-for.js";

/**
 * Config hot reload (README "Reloading calpage.yaml"): a valid file changes what calpage does
 * without dropping a request; a bad one is refused with file:line problems, the running config
 * keeps working, and the admins hear about it in Slack.
 */

const NEW_TOKEN = "reload-test-new-integration-token-1";
const { alice, bob, carol } = PEOPLE;

/** alice and bob are users; the `ops` chain pages `pagee`, and again 3 s later; optionally a second integration. */
function yaml(opts: { pagee: string; bobIsUser: boolean; extra: boolean }): string {
  const users = [alice, ...(opts.bobIsUser ? [bob] : [])].map((p) => `  - email: ${p.email}\n    name: ${p.name}`).join("\n");
  const extra = opts.extra ? `  - name: extra\n    type: webhook\n    token: ${NEW_TOKEN}\n    chain: ops\n    channel: "#alerts"\n` : "";
  return `timezone: Europe/Berlin
users:
${users}
access:
  admins: [${alice.email}, "@sre-leads"]
schedules:
  - name: primary
    feed: ./rota.ics
escalation_chains:
  - name: ops
    steps:
      - notify_users: [${opts.pagee}]
      - wait: 3s
      - notify_users: [${opts.pagee}]
integrations:
  - name: am
    type: alertmanager
    token: \${AM_TOKEN}
    chain: ops
    channel: "#alerts"
${extra}`;
}

function alertmanagerBody(key: string) {
  const alert = { status: "firing", labels: { alertname: key }, annotations: { summary: key }, startsAt: new Date().toISOString(), endsAt: "0001-01-01T00:00:00Z", generatorURL: "", fingerprint: key };
  return JSON.stringify({ version: "4", groupKey: `{}:{alertname="${key}"}`, status: "firing", receiver: "calpage", groupLabels: { alertname: key }, commonLabels: alert.labels, commonAnnotations: alert.annotations, externalURL: "http://127.0.0.1:9093", truncatedAlerts: 0, alerts: [alert] });
}

describe.each(BACKENDS)("config reload (%s)", (backend) => {
  let slack: FakeSlack;
  let env: Env;
  let app: Calpage;
  let url: string;
  let path: string;
  let logs: string[];

  beforeAll(async () => {
    slack = await startFakeSlack({ users: fakeSlackUsers(), channels: { alerts: "C0ALERTS1" }, usergroups: [{ id: "S0SRELEAD", handle: "sre-leads", users: [carol.id] }], token: "xoxb-e2e-test" });
    env = await prepareEnv(backend, slack);
    writeFileSync(join(env.dir, "rota.ics"), weeklyRotaIcs(alice.name, new Date()));
    const text = yaml({ pagee: bob.email, bobIsUser: true, extra: false });
    path = writeConfigText(env, text);
    ({ app, url, logs } = await startInProcess(path, env.env, text));
  });

  afterAll(async () => {
    await app?.stop();
    await slack?.close();
    await env?.cleanup();
  });

  const postAlert = (key: string) => fetch(`${url}/integrations/v1/alertmanager/${AM_TOKEN}/`, { method: "POST", headers: { "content-type": "application/json" }, body: alertmanagerBody(key) });
  const postWebhook = (token: string, title: string) => fetch(`${url}/integrations/v1/webhook/${token}/`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ title, status: "firing" }) });
  const reloadFile = (text: string) => {
    writeFileSync(path, text);
    return app.reload(loadConfig(path, env.env), "test");
  };
  async function pagedFor(title: string): Promise<string[]> {
    let paged: string[] = [];
    await waitFor(
      async () => {
        const group = (await app.store.read.groups.listOpen(1000)).find((g) => g.title.includes(title));
        paged = group ? [...new Set((await app.store.read.pages.listForGroup(group.id)).map((p) => p.userEmail))] : [];
        return paged.length > 0;
      },
      { timeoutMs: 15_000, description: `a page for ${title}` },
    );
    return paged;
  }

  it("applies a valid file: a new integration's token is accepted, a removed user is no longer paged, escalating groups keep their chain, and no request is dropped", async () => {
    expect((await postAlert("before-reload")).status).toBe(200);
    expect(await pagedFor("before-reload")).toEqual([bob.email]);
    expect((await postWebhook(NEW_TOKEN, "too early")).status).toBe(403);

    // Webhooks keep arriving while the file is reloaded: every one is answered 200 and stored.
    const during = Array.from({ length: 20 }, (_, i) => postAlert(`during-${i}`));
    const outcome = await reloadFile(yaml({ pagee: alice.email, bobIsUser: false, extra: true }));
    const statuses = await Promise.all(during.map(async (r) => (await r).status));
    expect(outcome).toMatchObject({ applied: true });
    expect(statuses).toEqual(Array(20).fill(200));
    const titles = (await app.store.read.groups.listOpen(1000)).map((g) => g.title);
    for (let i = 0; i < 20; i++) expect(titles.some((t) => t.includes(`during-${i}`))).toBe(true);

    expect((await postWebhook(NEW_TOKEN, "after reload")).status).toBe(200);
    expect((await postAlert("after-reload")).status).toBe(200);
    expect(await pagedFor("after-reload")).toEqual([alice.email]);
    expect(app.config.users.map((u) => u.email)).toEqual([alice.email]);
    // The group that was escalating before keeps the chain it started with: its second step pages bob.
    const before = (await app.store.read.groups.listOpen(1000)).find((g) => g.title.includes("before-reload"))!;
    expect(JSON.stringify(before.chainSteps)).toContain(bob.email);
    let pages: string[] = [];
    await waitFor(
      async () => {
        pages = (await app.store.read.pages.listForGroup(before.id)).map((p) => p.userEmail);
        return pages.length >= 2;
      },
      { timeoutMs: 15_000, description: "the second step of the group that was escalating" },
    );
    expect(pages).toEqual([bob.email, bob.email]);

    const entry = (await app.store.read.audit.list({ limit: 20 })).find((e) => e.action === "config reloaded");
    expect(entry).toMatchObject({ surface: "config", outcome: "done", target: path });
    expect(entry?.reason).toMatch(/^1 users, 1 schedules, 1 chains, 2 integrations/);
    expect(logs.some((l) => l.includes("config reload (test): applied"))).toBe(true);
  });

  it("refuses a bad file with its file:line problems, keeps the running config, and DMs the admins", async () => {
    const mark = slack.calls.length;
    // Line 13: the chain pages someone who is not a user.
    const outcome = await reloadFile(yaml({ pagee: "nobody@example.com", bobIsUser: false, extra: false }));
    expect(outcome.applied).toBe(false);
    const problems = outcome.applied ? "" : outcome.problems;
    expect(problems).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:13: escalation_chains\\[0\\]\\.steps\\[0\\]`));
    expect(problems).toContain("nobody@example.com");

    // The previous configuration still works: the integration the bad file dropped still takes alerts.
    expect((await postWebhook(NEW_TOKEN, "still accepted")).status).toBe(200);
    expect(await pagedFor("still accepted")).toEqual([alice.email]);

    const refused = (await app.store.read.audit.list({ limit: 20 })).find((e) => e.action === "config reloaded" && e.outcome === "refused");
    expect(refused?.reason).toBe(problems);
    expect(logs.some((l) => l.includes("config reload (test) refused, still running the previous configuration"))).toBe(true);

    // Alice (an admin by email) and Carol (in @sre-leads) each get one DM naming the problem.
    const told = () => slack.calls.filter((c) => c.seq > mark && c.method === "chat.postMessage" && String(c.args.text).includes("did not reload"));
    await waitFor(() => told().length >= 2, { timeoutMs: 10_000, description: "two DMs" });
    const dms = told();
    expect(dms.map((c) => c.args.channel).sort()).toEqual([alice.id, carol.id].sort());
    for (const dm of dms) expect(String(dm.args.text)).toContain(`${path}:13:`);
  });

  it("refuses a file that is not YAML and one that is gone, and keeps running", async () => {
    const broken = await reloadFile("users: [\n  - email: x\n");
    expect(broken.applied).toBe(false);
    expect(broken.applied ? "" : broken.problems).toContain(path);
    const gone = await app.reload(loadConfig(join(env.dir, "moved-away.yaml"), env.env), "test");
    expect(gone.applied ? "" : gone.problems).toContain("config file not found");
    expect((await postWebhook(NEW_TOKEN, "after broken yaml")).status).toBe(200);
    expect(app.config.integrations.map((i) => i.name)).toEqual(["am", "extra"]);
  });
});
