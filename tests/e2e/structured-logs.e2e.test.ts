import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { startFakeSlack, type FakeSlack } from "../support/fake-slack.js";
import type { FakeTwilio } from "../support/fake-twilio.js";
import { ROOT, startChildCalpage, waitReady, type ChildCalpage } from "./child-calpage.js";
import { AM_TOKEN, BACKENDS, BOT_TOKEN, prepareEnvWithTwilio, weeklyRotaIcs, writeConfigText, type Env } from "./harness.js";

/**
 * Issue 12: `calpage start` run as a process with LOG_LEVEL=debug and its output piped (so JSON,
 * the default off a terminal). An alert goes to Slack, a DM and an SMS; then SIGTERM. Every line
 * calpage wrote to stdout and stderr must be a JSON object with level, time and msg, and the lines
 * of the request, the jobs and the Slack calls say what they are about.
 */

const ALICE = { email: "alice@example.com", name: "Alice Example", id: "U0ALICE1", phone: "+15557340001" };
const ACCOUNT = { sid: "AC00000000000000000000000000000log", authToken: "logs-e2e-twilio-auth-token", from: "+15550009999" };
const REQUEST_ID = "alertmanager-e2e-0001";

const yaml = `timezone: Europe/Berlin
users:
  - email: ${ALICE.email}
    name: ${ALICE.name}
    phone: "${ALICE.phone}"
    notification_rules:
      default: [slack_dm, sms]
schedules:
  - name: primary
    feed: ./oncall.ics
escalation_chains:
  - name: default
    steps:
      - wait: 1s
      - notify_schedule: primary
integrations:
  - name: prod
    type: alertmanager
    token: \${AM_TOKEN}
    chain: default
    channel: "#alerts"
`;

type Line = Record<string, unknown> & { level: string; time: string; msg: string };

describe.each(BACKENDS)("calpage start logs JSON lines with their context (%s)", (backend) => {
  let slack: FakeSlack;
  let twilio: FakeTwilio;
  let env: Env;
  let calpage: ChildCalpage | null = null;

  beforeAll(async () => {
    slack = await startFakeSlack({ users: { [ALICE.email]: { id: ALICE.id, name: "alice", realName: ALICE.name } }, channels: { alerts: "C0ALERTS1" }, token: BOT_TOKEN });
    ({ env, twilio } = await prepareEnvWithTwilio(backend, slack, ACCOUNT));
    Object.assign(env.env, { LOG_LEVEL: "debug", HOST: "127.0.0.1" });
    writeFileSync(join(env.dir, "oncall.ics"), weeklyRotaIcs(ALICE.name, new Date()));
  });

  afterAll(async () => {
    if (calpage?.child.exitCode === null) calpage.child.kill("SIGKILL");
    await twilio?.close();
    await slack?.close();
    await env?.cleanup();
  });

  it("alert → Slack post, DM, SMS → SIGTERM: every line parses, with level, time, msg and its context", { timeout: 120_000 }, async () => {
    const configPath = writeConfigText(env, yaml);
    const running = startChildCalpage(env.env, configPath, Number(env.env.PORT));
    calpage = running;
    onTestFailed(() => console.log(`--- calpage's output ---\n${running.output.join("")}`));
    await waitReady(running.url, 60_000);

    const body = readFileSync(join(ROOT, "tests/fixtures/payloads/alertmanager-firing.json"), "utf8");
    const res = await fetch(`${running.url}/integrations/v1/alertmanager/${AM_TOKEN}/`, { method: "POST", headers: { "content-type": "application/json", "x-request-id": REQUEST_ID }, body });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toBe(REQUEST_ID);
    const group = ((await res.json()) as { groups: { number: number }[] }).groups[0]!.number;

    await slack.waitFor((c) => c.method === "chat.postMessage" && c.args.channel === "#alerts" && !c.args.thread_ts, 20_000);
    await slack.waitFor((c) => c.method === "chat.postMessage" && c.args.channel === ALICE.id, 20_000);
    await twilio.waitForMessage((m) => m.to === ALICE.phone && m.status === "delivered", 20_000);
    await twilio.settled();

    running.child.kill("SIGTERM");
    expect(await running.exited).toBe(0);

    const text = running.output.join("");
    const raw = text.split("\n").filter((l) => l !== "");
    const notJson = raw.filter((l) => {
      try {
        const o: unknown = JSON.parse(l);
        return typeof o !== "object" || o === null || Array.isArray(o);
      } catch {
        return true;
      }
    });
    expect(notJson).toEqual([]);
    const lines = raw.map((l) => JSON.parse(l) as Line);
    for (const l of lines) {
      expect(["debug", "info", "warn", "error"]).toContain(l.level);
      expect(new Date(l.time).toISOString()).toBe(l.time);
      expect(typeof l.msg).toBe("string");
    }
    const find = (what: string, test: (l: Line) => boolean): Line => {
      const found = lines.find(test);
      if (!found) throw new Error(`no log line ${what}`);
      return found;
    };

    expect(find("saying calpage listens", (l) => l.msg.startsWith("calpage listening on"))).toMatchObject({ level: "info" });
    expect(find("saying calpage stopped", (l) => l.msg === "calpage: stopped")).toMatchObject({ level: "info" });

    // The webhook's access line: its request id, the integration and the group its alert joined.
    expect(find("for the webhook", (l) => l.reqId === REQUEST_ID)).toMatchObject({
      level: "info",
      msg: "http: POST integration_alertmanager 200",
      method: "POST",
      route: "integration_alertmanager",
      status: 200,
      integration: "prod",
      group,
    });
    // Health probes are answered too, at debug, each with a request id of its own.
    const probes = lines.filter((l) => l.route === "/health/ready");
    expect(probes.length).toBeGreaterThan(0);
    for (const p of probes) expect(p).toMatchObject({ level: "debug", method: "GET", reqId: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown });

    // Jobs: the task, the job's id, the group and the channel.
    expect(find("for the escalation step", (l) => l.task === "escalation.step" && l.msg === "job escalation.step done" && l.channel === "#alerts")).toMatchObject({ level: "debug", group, jobId: expect.any(String) as unknown });
    expect(find("for the DM", (l) => l.task === "notify.page" && l.channel === "slack_dm")).toMatchObject({ group, jobId: expect.any(String) as unknown });
    expect(find("for the SMS", (l) => l.task === "notify.page" && l.channel === "sms")).toMatchObject({ group, jobId: expect.any(String) as unknown });

    // Slack Web API calls: the method, how it went, in the job that made them.
    expect(find("for the alert's post", (l) => l.slackMethod === "chat.postMessage" && l.task === "slack.sync")).toMatchObject({ level: "debug", msg: "slack: chat.postMessage", outcome: "ok", ms: expect.any(Number) as unknown });

    // Secrets stay out of the structured lines too.
    for (const secret of [AM_TOKEN, BOT_TOKEN, ACCOUNT.authToken, ALICE.phone.slice(1)]) expect(text).not.toContain(secret);
  });
});
