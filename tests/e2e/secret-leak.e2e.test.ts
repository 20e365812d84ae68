import { execFile, spawn, type ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeSlack, type FakeSlack } from "../support/fake-slack.js";
import type { FakeTwilio } from "../support/fake-twilio.js";
import { signSlackRequest, slashCommandBody } from "../support/slack-signing.js";
import { waitFor } from "../support/wait-for.js";
import { BACKENDS, prepareEnvWithTwilio, weeklyRotaIcs, type Env } from "./harness.js";

/**
 * Issue 11: calpage runs as a real process with distinctive secrets, takes an alert all the way
 * to a Slack post, a DM, an SMS and a call, refuses and fails requests carrying tokens, serves a
 * generated token and verifies a phone number — and none of the secrets, the code or a full phone
 * number shows up in its stdout/stderr, in /metrics, or in anything it sent to Slack.
 */

const SECRETS = {
  amToken: "leakcheck-am-token-3c9e1f7a2b5d8e4f",
  scheduleExport: "leakcheck-export-token-8d2f6a1c9e3b",
  userExport: "leakcheck-alice-ics-token-5e8a2c7f1d",
  botToken: "xoxb-leakcheck-bot-7f3a9c2e51d8",
  signingSecret: "leakcheck-signing-secret-4b7e19d2a6c3",
  twilioAuth: "leakcheckTwilioAuthToken9e2d7c4b1a",
  metricsToken: "leakcheck-metrics-token-2a9f4c7e1b6d",
  wrongToken: "leakcheck-wrong-token-6f1e8d3c2a9b",
};
const SID = "AC0000000000000000000000000000leak";
const FROM = "+15550009999";
const ALICE = { email: "alice@example.com", name: "Alice Example", id: "U0ALICE1", phone: "+15557340001", newPhone: "+15557340042" };
/** Full numbers as any format would contain them (E.164 without the +, too). */
const PHONE_DIGITS = [ALICE.phone, ALICE.newPhone].map((p) => p.slice(2));

const root = join(import.meta.dirname, "..", "..");
const run = promisify(execFile);

function configYaml(): string {
  return `timezone: Europe/Berlin
users:
  - email: ${ALICE.email}
    name: ${ALICE.name}
    phone: "${ALICE.phone}"
    export_token: \${ALICE_ICS_TOKEN}
    notification_rules:
      default: [slack_dm, sms, call]
schedules:
  - name: primary
    feed: ./oncall.ics
    channel: "#oncall"
    export_token: \${PRIMARY_ICS_TOKEN}
escalation_chains:
  - name: default
    steps:
      - notify_users: [${ALICE.email}]
integrations:
  - name: prod
    type: alertmanager
    token: \${AM_TOKEN}
    chain: default
    channel: "#alerts"
  - name: grafana
    type: grafana_alerting
    token: \${GRAFANA_TOKEN:-}
    chain: default
    channel: "#alerts"
`;
}

describe.each(BACKENDS)("no secret leaks out of a running calpage (%s)", (backend) => {
  let slack: FakeSlack;
  let twilio: FakeTwilio;
  let env: Env;
  let url: string;
  let child: ChildProcess | null = null;
  const output: string[] = [];

  beforeAll(async () => {
    slack = await startFakeSlack({ users: { [ALICE.email]: { id: ALICE.id, name: "alice", realName: ALICE.name } }, channels: { alerts: "C0ALERTS1", oncall: "C0ONCALL1" }, token: SECRETS.botToken });
    let port: number;
    ({ env, twilio, port } = await prepareEnvWithTwilio(backend, slack, { sid: SID, authToken: SECRETS.twilioAuth, from: FROM }));
    Object.assign(env.env, {
      SLACK_BOT_TOKEN: SECRETS.botToken,
      SLACK_SIGNING_SECRET: SECRETS.signingSecret,
      AM_TOKEN: SECRETS.amToken,
      ALICE_ICS_TOKEN: SECRETS.userExport,
      PRIMARY_ICS_TOKEN: SECRETS.scheduleExport,
      METRICS_TOKEN: SECRETS.metricsToken,
      HOST: "127.0.0.1",
    });
    url = `http://127.0.0.1:${port}`;
    writeFileSync(join(env.dir, "oncall.ics"), weeklyRotaIcs(ALICE.name, new Date()));
    writeFileSync(join(env.dir, "calpage.yaml"), configYaml());
  });

  afterAll(async () => {
    if (child && child.exitCode === null) child.kill("SIGKILL");
    await twilio?.close();
    await slack?.close();
    await env?.cleanup();
  });

  const configPath = () => join(env.dir, "calpage.yaml");
  const childEnv = () => ({ ...process.env, ...env.env, GRAFANA_TOKEN: "" });

  async function slash(text: string): Promise<string> {
    const mark = slack.calls.length;
    const body = slashCommandBody({ command: "/oncall", text, userId: ALICE.id, channelId: "C0ONCALL1" });
    const res = await fetch(`${url}/slack/events`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...signSlackRequest(SECRETS.signingSecret, body) },
      body,
    });
    expect(res.status).toBe(200);
    const answer = await slack.waitFor((c) => c.seq > mark && c.method === "chat.postEphemeral" && c.args.user === ALICE.id, 15_000);
    return String(answer.args.text);
  }

  /** A request whose body never arrives in full: calpage's handler fails and logs the request. */
  async function abortedUpload(path: string): Promise<void> {
    const socket = connect(Number(new URL(url).port), "127.0.0.1");
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    socket.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"version":"4"`);
    await new Promise((r) => setTimeout(r, 200));
    socket.destroy();
  }

  it("alert → Slack, DM, SMS, call; refused, failed and generated-token requests; phone verification — without a secret in any output", async () => {
    child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", "start", "--config", configPath()], { cwd: root, env: childEnv(), stdio: ["ignore", "pipe", "pipe"] });
    child.stdout!.on("data", (d: Buffer) => output.push(d.toString()));
    child.stderr!.on("data", (d: Buffer) => output.push(d.toString()));
    await waitFor(async () => (await fetch(`${url}/health/ready`).catch(() => null))?.ok, { timeoutMs: 60_000, intervalMs: 200, description: "calpage ready" });

    // The start log names each integration and where its token comes from, without the token.
    const started = output.join("");
    expect(started).toContain(`integration prod (alertmanager): ${url}/integrations/v1/alertmanager/<token>/ — token from calpage.yaml`);
    expect(started).toContain(`integration grafana (grafana_alerting): ${url}/integrations/v1/grafana_alerting/<token>/ — token generated by calpage`);

    // The generated token comes from `calpage urls` (the one place that prints it) and works.
    const urls = await run(process.execPath, ["--import", "tsx", "src/cli.ts", "urls", "--config", configPath()], { cwd: root, env: childEnv() });
    const grafanaUrl = /^grafana\s+grafana_alerting\s+(\S+)\s+\(token generated by calpage\)$/m.exec(urls.stdout)?.[1];
    expect(grafanaUrl).toMatch(new RegExp(`^${url}/integrations/v1/grafana_alerting/[A-Za-z0-9_-]{32,}/$`));
    const generatedToken = grafanaUrl!.split("/").at(-2)!;
    expect(urls.stdout).toContain(`${url}/integrations/v1/alertmanager/${SECRETS.amToken}/  (token from calpage.yaml)`);

    // An alert all the way to Slack, a DM, an SMS and a call.
    const am = readFileSync(join(root, "tests/fixtures/payloads/alertmanager-firing.json"), "utf8");
    const accepted = await fetch(`${url}/integrations/v1/alertmanager/${SECRETS.amToken}/`, { method: "POST", headers: { "content-type": "application/json" }, body: am });
    expect(accepted.status).toBe(200);
    await slack.waitFor((c) => c.method === "chat.postMessage" && c.args.channel === "#alerts" && !c.args.thread_ts, 20_000);
    await slack.waitFor((c) => c.method === "chat.postMessage" && c.args.channel === ALICE.id, 20_000);
    await twilio.waitForMessage((m) => m.to === ALICE.phone && m.status === "delivered", 20_000);
    await twilio.waitForCall((c) => c.to === ALICE.phone && c.twiml.length > 0, 20_000);
    // The thread log tells the paging story (with the number masked).
    await slack.waitFor((c) => c.method === "chat.postMessage" && typeof c.args.thread_ts === "string" && /SMS/.test(String(c.args.text)), 20_000);

    // Through the generated token.
    const grafana = readFileSync(join(root, "tests/fixtures/payloads/grafana-firing.json"), "utf8");
    expect((await fetch(grafanaUrl!, { method: "POST", headers: { "content-type": "application/json" }, body: grafana })).status).toBe(200);

    // Refused requests: a wrong integration token, a wrong export token; right export tokens.
    expect((await fetch(`${url}/integrations/v1/alertmanager/${SECRETS.wrongToken}/`, { method: "POST", headers: { "content-type": "application/json" }, body: am })).status).toBe(403);
    expect((await fetch(`${url}/ical/schedules/primary.ics?token=${SECRETS.wrongToken}`)).status).toBe(404);
    expect((await fetch(`${url}/ical/schedules/primary.ics?token=${SECRETS.scheduleExport}`)).status).toBe(200);
    expect((await fetch(`${url}/ical/users/${ALICE.email}.ics?token=${SECRETS.userExport}`)).status).toBe(200);
    // Failed requests with tokens in their URLs are logged, without them.
    await abortedUpload(`/integrations/v1/alertmanager/${SECRETS.amToken}/`);
    await abortedUpload(`/integrations/v1/grafana_alerting/${generatedToken}/`);
    const failedLines = ["http: POST /integrations/v1/alertmanager/[redacted]/ failed", "http: POST /integrations/v1/grafana_alerting/[redacted]/ failed"];
    await waitFor(() => failedLines.every((l) => output.join("").includes(l)), { timeoutMs: 10_000, intervalMs: 100, description: `${failedLines.join(" and ")} in the log` });

    // Phone verification: the code goes out by SMS and is typed back in Slack.
    expect(await slash(`me phone ${ALICE.newPhone}`)).toBe("Code sent to …0042; answer `/oncall me verify <code>`. calpage keeps using your current number until then.");
    const sms = await twilio.waitForMessage((m) => m.to === ALICE.newPhone, 15_000);
    const code = /\b(\d{6})\b/.exec(sms.body)![1]!;
    expect(await slash(`me verify ${code}`)).toBe(":white_check_mark: …0042 is verified: calpage texts and calls you there from the next page on.");

    // /metrics: 401 without the bearer token, the text with it.
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    const metricsRes = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${SECRETS.metricsToken}` } });
    expect(metricsRes.status).toBe(200);
    const metrics = await metricsRes.text();
    expect(metrics).toContain('route="integration_alertmanager"');

    await twilio.settled();
    child.kill("SIGTERM");
    await new Promise((r) => child!.once("exit", r));

    const places = {
      "calpage's stdout and stderr": output.join(""),
      "/metrics": metrics,
      // Content, not the credential: the bot token is how calpage signs in (Bolt's auth.test sends it as the `token` field).
      "what calpage sent to Slack": JSON.stringify(slack.calls.map((c) => ({ method: c.method, args: { ...c.args, token: undefined } }))),
    };
    const secrets = { ...SECRETS, generatedToken, verificationCode: code };
    const leaks: string[] = [];
    for (const [place, text] of Object.entries(places)) {
      for (const [name, value] of Object.entries(secrets)) {
        const found = name === "verificationCode" ? new RegExp(`(?<![\\d.])${value}(?!\\d)`).test(text) : text.includes(value);
        if (found) leaks.push(`${name} in ${place}`);
      }
      for (const digits of PHONE_DIGITS) if (text.includes(digits)) leaks.push(`phone number ${digits} in ${place}`);
    }
    expect(leaks).toEqual([]);
    // The stand-ins did see the masked forms: the checks above looked at real traffic.
    expect(places["what calpage sent to Slack"]).toContain("…0042");
    expect(slack.unexpected).toEqual([]);
  });
});
