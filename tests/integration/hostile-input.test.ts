/**
 * Hostile and unlucky input through the real HTTP endpoint, on both backends: huge and unsigned
 * Slack requests, replayed or future-dated signatures, a Slack API that answers after 5 s,
 * clients that trickle their request, and characters no database keeps (issue 11).
 */
import { request, type IncomingHttpHeaders } from "node:http";
import { connect } from "node:net";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Calpage } from "../../src/app/create-calpage.js";
import { HEADERS_TIMEOUT_MS, REQUEST_TIMEOUT_MS } from "../../src/http/http-server.js";
import { SLACK_MAX_BODY_BYTES } from "../../src/slack/slack-request-guard.js";
import { startFakeSlack, type FakeSlack } from "../support/fake-slack.js";
import { buttonClickBody, signSlackRequest, slashCommandBody, viewSubmissionBody } from "../support/slack-signing.js";
import { AM_TOKEN, BACKENDS, PEOPLE, SIGNING_SECRET, fakeSlackUsers, prepareEnv, sleep, startInProcess, weeklyRotaIcs, writeConfigText, type Env } from "../e2e/harness.js";

const root = join(import.meta.dirname, "..", "..");
const GRAFANA_TOKEN = "hostile-grafana-token-0001";
const HOOK_TOKEN = "hostile-webhook-token-0001";
const MiB = 1024 * 1024;

const CONFIG = `timezone: Europe/Berlin
users:
${Object.values(PEOPLE)
  .map((p) => `  - email: ${p.email}\n    name: ${p.name}`)
  .join("\n")}
schedules:
  - name: primary
    feed: ./oncall.ics
escalation_chains:
  - name: default
    steps:
      - wait: 1h
      - notify_schedule: primary
integrations:
  - name: prod
    type: alertmanager
    token: \${AM_TOKEN}
    chain: default
    channel: "#alerts"
  - name: grafana
    type: grafana_alerting
    token: ${GRAFANA_TOKEN}
    chain: default
    channel: "#alerts"
  - name: hook
    type: webhook
    token: ${HOOK_TOKEN}
    chain: default
    channel: "#alerts"
`;

interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * Sends headers (with a Content-Length or chunked) and then `bodyBytes` of body in 64 KiB pieces,
 * stopping as soon as calpage answers or drops the connection. Resolves with the answer (if any),
 * how much body was written, and when the answer came.
 */
function sendLarge(
  url: string,
  headers: Record<string, string>,
  bodyBytes: number,
): Promise<{ answer: RawAnswer | null; written: number; answeredAfterMs: number; error: string | null }> {
  const chunk = Buffer.alloc(64 * 1024, "a");
  const started = Date.now();
  return new Promise((resolve) => {
    let written = 0;
    let answered = false;
    let finished = false;
    const done = (answer: RawAnswer | null, error: string | null) => {
      if (finished) return;
      finished = true;
      req.destroy();
      resolve({ answer, written, answeredAfterMs: Date.now() - started, error });
    };
    const req = request(`${url}/slack/events`, { method: "POST", headers, agent: false });
    req.on("response", (res) => {
      answered = true;
      const parts: Buffer[] = [];
      res.on("data", (d: Buffer) => parts.push(d));
      res.on("end", () => done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString("utf8") }, null));
      res.on("error", () => done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString("utf8") }, null));
    });
    req.on("error", (error) => done(null, error.message));
    req.flushHeaders();
    const pump = () => {
      // Bounded: at most bodyBytes / 64 KiB writes.
      while (!answered && !finished && written < bodyBytes) {
        written += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
    };
    pump();
  });
}

/** A raw TCP client that sends `head`, then one of `drip` every `everyMs`; resolves when calpage closes the connection. */
function trickle(port: number, head: string, drip: string, everyMs: number, maxDrips: number): Promise<{ closedAfterMs: number; received: string }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let received = "";
    let drips = 0;
    const socket = connect(port, "127.0.0.1", () => socket.write(head));
    const timer = setInterval(() => {
      if (drips++ >= maxDrips) {
        clearInterval(timer);
        socket.destroy();
        reject(new Error(`calpage kept the connection open for ${maxDrips} drips`));
        return;
      }
      if (!socket.destroyed) socket.write(drip);
    }, everyMs);
    socket.on("data", (d) => (received += d.toString("latin1")));
    socket.on("error", () => undefined);
    socket.on("close", () => {
      clearInterval(timer);
      resolve({ closedAfterMs: Date.now() - started, received });
    });
  });
}

describe.each(BACKENDS)("hostile and unlucky input (%s)", (backend) => {
  let slack: FakeSlack;
  let env: Env;
  let app: Calpage;
  let url: string;
  let port: number;
  /** A group accepted before anything hostile arrives; it must come out of every test unchanged. */
  let keeper: { id: string; alerts: number };

  const post = (type: string, token: string, body: string | Buffer) =>
    fetch(`${url}/integrations/v1/${type}/${token}/`, { method: "POST", headers: { "content-type": "application/json" }, body });
  const amPayload = (groupKey: string, labels: string, extra = "") =>
    `{"version":"4","groupKey":${groupKey},"status":"firing","receiver":"calpage","groupLabels":{},"commonLabels":{},"commonAnnotations":{},"externalURL":"http://am:9093","alerts":[{"status":"firing","labels":${labels},"annotations":{}${extra},"startsAt":"2026-01-01T00:00:00Z"}]}`;
  const signedHeaders = (body: string, timestampSeconds?: number) => ({ "content-type": "application/x-www-form-urlencoded", ...signSlackRequest(SIGNING_SECRET, body, timestampSeconds) });
  const openGroup = async (name: string) => {
    const res = await post("alertmanager", AM_TOKEN, amPayload(JSON.stringify(`{}:{alertname="${name}"}`), JSON.stringify({ alertname: name })));
    expect(res.status).toBe(200);
    const number = ((await res.json()) as { groups: { number: number }[] }).groups[0]!.number;
    return (await app.store.read.groups.getByNumber(number))!;
  };

  beforeAll(async () => {
    slack = await startFakeSlack({ users: fakeSlackUsers(), channels: { alerts: "C0ALERTS1" }, token: "xoxb-e2e-test" });
    env = await prepareEnv(backend, slack);
    writeFileSync(join(env.dir, "oncall.ics"), weeklyRotaIcs("Alice Example", new Date()));
    const path = writeConfigText(env, CONFIG);
    ({ app, url } = await startInProcess(path, env.env, readFileSync(path, "utf8")));
    port = Number(new URL(url).port);
    const res = await post("alertmanager", AM_TOKEN, readFileSync(join(root, "tests/fixtures/payloads/alertmanager-firing.json")));
    expect(res.status).toBe(200);
    const number = ((await res.json()) as { groups: { number: number }[] }).groups[0]!.number;
    const group = (await app.store.read.groups.getByNumber(number))!;
    keeper = { id: group.id, alerts: await app.store.read.alerts.countForGroup(group.id) };
  });

  afterAll(async () => {
    if (app && keeper) {
      // Nothing accepted before was lost or changed by what came after.
      const group = (await app.store.read.groups.get(keeper.id))!;
      expect(group.state).toBe("firing");
      expect(await app.store.read.alerts.countForGroup(keeper.id)).toBe(keeper.alerts);
    }
    slack?.setDelay(0);
    await app?.stop();
    await slack?.close();
    await env?.cleanup();
  });

  it("refuses a 200 MiB Slack request at once from its headers: unsigned → 401, signed but over 1 MiB → 413", async () => {
    const rssBefore = process.memoryUsage().rss;
    const unsigned = await sendLarge(url, { "content-type": "application/json", "content-length": String(200 * MiB) }, 200 * MiB);
    expect(unsigned.answer?.status).toBe(401);
    expect(JSON.parse(unsigned.answer!.body)).toEqual({ error: "x-slack-signature: missing" });

    const noTimestamp = await sendLarge(url, { "content-type": "application/json", "content-length": String(200 * MiB), "x-slack-signature": signedHeaders("x")["x-slack-signature"] }, 200 * MiB);
    expect(noTimestamp.answer?.status).toBe(401);
    expect(JSON.parse(noTimestamp.answer!.body)).toEqual({ error: "x-slack-request-timestamp: missing" });

    const signedHuge = await sendLarge(url, { ...signedHeaders("anything"), "content-length": String(200 * MiB) }, 200 * MiB);
    expect(signedHuge.answer?.status).toBe(413);
    expect(JSON.parse(signedHuge.answer!.body).error).toBe(`body: Slack requests are at most ${SLACK_MAX_BODY_BYTES} bytes`);
    // Answered from the headers: far less than the body was sent, and calpage did not keep it.
    for (const r of [unsigned, noTimestamp, signedHuge]) expect(r.written).toBeLessThan(32 * MiB);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(100 * MiB);
  });

  it("cuts a chunked Slack body off once it passes 1 MiB (413) and does not hold it in memory", async () => {
    const rssBefore = process.memoryUsage().rss;
    const r = await sendLarge(url, { ...signedHeaders("anything"), "transfer-encoding": "chunked" }, 200 * MiB);
    // The 413 goes out and Node closes the connection at once (it does not linger for a body still
    // arriving), so a sender still writing may see its write fail before it reads the answer.
    expect([413, "write EPIPE", "read ECONNRESET", "write ECONNRESET"]).toContain(r.answer?.status ?? r.error);
    expect(r.written).toBeLessThan(32 * MiB);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(100 * MiB);
    // A body of exactly 1 MiB is read (and refused only for its signature, here a wrong one).
    const exactly = await sendLarge(url, { ...signedHeaders("not this body"), "content-length": String(SLACK_MAX_BODY_BYTES) }, SLACK_MAX_BODY_BYTES);
    expect(exactly.answer?.status).toBe(401);
    expect(JSON.parse(exactly.answer!.body).error).toMatch(/^x-slack-signature: does not match/);
  });

  it("refuses a click signed 10 minutes in the future or in the past with 401 and changes nothing; one a minute off is taken", async () => {
    const group = await openGroup(`Clock-${backend}`);
    const body = buttonClickBody({ actionId: "alert_ack", value: group.id, userId: PEOPLE.bob.id, channelId: "C0ALERTS1", messageTs: "1700000000.000100" });
    const nowS = Math.floor(Date.now() / 1000);
    for (const offset of [600, -600, 301, -301]) {
      const res = await fetch(`${url}/slack/events`, { method: "POST", headers: signedHeaders(body, nowS + offset), body });
      expect(res.status, `signed ${offset} s from now`).toBe(401);
      expect(((await res.json()) as { error: string }).error).toBe("x-slack-request-timestamp: more than 5 minutes away from calpage's clock");
    }
    expect((await app.store.read.groups.get(group.id))!.state).toBe("firing");
    const wrongSecret = await fetch(`${url}/slack/events`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", ...signSlackRequest("not-the-secret", body) }, body });
    expect(wrongSecret.status).toBe(401);
    expect((await app.store.read.groups.get(group.id))!.state).toBe("firing");

    const ok = await fetch(`${url}/slack/events`, { method: "POST", headers: signedHeaders(body, nowS + 60), body });
    expect(ok.status).toBe(200);
    for (let i = 0; i < 50 && (await app.store.read.groups.get(group.id))!.state !== "acknowledged"; i++) await sleep(100);
    expect((await app.store.read.groups.get(group.id))!.state).toBe("acknowledged");
  });

  it("answers a button click, /oncall ack and a modal within 3 s while Slack's API takes 5 s, and all three take effect", async () => {
    const clicked = await openGroup(`SlowSlackClick-${backend}`);
    const commanded = await openGroup(`SlowSlackCommand-${backend}`);
    slack.setDelay(5_000);
    try {
      const click = buttonClickBody({ actionId: "alert_ack", value: clicked.id, userId: PEOPLE.bob.id, channelId: "C0ALERTS1", messageTs: "1700000000.000200" });
      let started = Date.now();
      const clickRes = await fetch(`${url}/slack/events`, { method: "POST", headers: signedHeaders(click), body: click, signal: AbortSignal.timeout(10_000) });
      expect(clickRes.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(3_000);

      const command = slashCommandBody({ text: `ack ${commanded.number}`, userId: PEOPLE.carol.id, channelId: "C0ALERTS1", responseUrl: slack.responseUrl("slow-ack") });
      started = Date.now();
      const commandRes = await fetch(`${url}/slack/events`, { method: "POST", headers: signedHeaders(command), body: command, signal: AbortSignal.timeout(10_000) });
      expect(commandRes.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(3_000);
      // Who asked is looked up in Slack (users.info, slow): the ack says so at once, the answer follows through response_url.
      expect(((await commandRes.json()) as { text: string }).text).toBe(":hourglass_flowing_sand: Working on it…");
      const answer = await slack.waitFor((c) => c.method === "response_url" && c.responseUrlId === "slow-ack", 15_000);
      expect(answer.args).toMatchObject({ response_type: "ephemeral", replace_original: true, text: `#${commanded.number} is now acknowledged.` });

      // A modal submitted while Slack is slow: closed within 3 s, saved all the same.
      const rules = viewSubmissionBody({
        callbackId: "me_rules",
        userId: PEOPLE.alice.id,
        values: { me_rules_default: { value: { type: "plain_text_input", value: "slack_dm, wait 1m, slack_dm" } }, me_rules_important: { value: { type: "plain_text_input", value: "slack_dm" } } },
      });
      started = Date.now();
      const viewRes = await fetch(`${url}/slack/events`, { method: "POST", headers: signedHeaders(rules), body: rules, signal: AbortSignal.timeout(10_000) });
      expect(viewRes.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(3_000);
      for (let i = 0; i < 100 && !(await app.store.read.userSettings.get(PEOPLE.alice.email))?.rules; i++) await sleep(100);
      expect((await app.store.read.userSettings.get(PEOPLE.alice.email))?.rules?.default).toHaveLength(3);

      for (let i = 0; i < 50 && (await app.store.read.groups.get(clicked.id))!.state !== "acknowledged"; i++) await sleep(100);
      expect(await app.store.read.groups.get(clicked.id)).toMatchObject({ state: "acknowledged", acknowledgedBy: PEOPLE.bob.id });
      expect(await app.store.read.groups.get(commanded.id)).toMatchObject({ state: "acknowledged", acknowledgedBy: PEOPLE.carol.id });
    } finally {
      slack.setDelay(0);
    }
  });

  it("stores lone surrogates and NUL as U+FFFD from all three integrations, and answers a broken token escape with 400", async () => {
    const before = await app.store.read.groups.count();
    // Raw JSON text: JSON.stringify would never write these escapes for us.
    const am = await post("alertmanager", AM_TOKEN, amPayload(`"{}:{alertname=\\"Odd-${backend}\\u0000\\"}"`, `{"alertname":"Odd-${backend}\\u0000","instance":"db\\ud800-1"}`, `,"generatorURL":"http://prom/\\udfff"`));
    expect(am.status).toBe(200);
    const grafana = await post(
      "grafana_alerting",
      GRAFANA_TOKEN,
      `{"status":"firing","alerts":[{"status":"firing","labels":{"alertname":"Graf-${backend}\\u0000","host":"\\ud800"},"annotations":{"summary":"nul\\u0000here"},"fingerprint":"fp-${backend}\\ud800"}]}`,
    );
    expect(grafana.status).toBe(200);
    const hook = await post("webhook", HOOK_TOKEN, `{"title":"Hook-${backend}\\u0000\\ud800","message":"m\\u0000","alert_uid":"uid-${backend}\\udc00","labels":{"team\\u0000":"db\\ud800"}}`);
    expect(hook.status).toBe(200);

    const groupOf = async (res: Response) => (await app.store.read.groups.getByNumber(((await res.json()) as { groups: { number: number }[] }).groups[0]!.number))!;
    const a = await groupOf(am);
    expect(a.title).toBe(`Odd-${backend}\uFFFD`);
    const [stored] = await app.store.read.alerts.recent(a.id, 1);
    expect(stored).toMatchObject({ labels: { alertname: `Odd-${backend}\uFFFD`, instance: "db\uFFFD-1" }, generatorUrl: "http://prom/\uFFFD" });
    const g = await groupOf(grafana);
    expect(g.title).toContain(`Graf-${backend}\uFFFD`);
    expect(g.labels).toMatchObject({ host: "\uFFFD" });
    const h = await groupOf(hook);
    expect(h).toMatchObject({ title: `Hook-${backend}\uFFFD\uFFFD`, message: "m\uFFFD" });
    expect(h.labels).toMatchObject({ "team\uFFFD": "db\uFFFD" });

    // The same alert again joins its group: the key was stored as it is compared.
    const again = await post("webhook", HOOK_TOKEN, `{"title":"Hook-${backend}\\u0000\\ud800","alert_uid":"uid-${backend}\\udc00"}`);
    expect(((await again.json()) as { groups: { number: number; opened: boolean }[] }).groups[0]).toMatchObject({ number: h.number, state: "firing", opened: false });
    expect(await app.store.read.groups.count()).toBe(before + 3);

    for (const type of ["alertmanager", "grafana_alerting", "webhook"]) {
      for (const path of [`/integrations/v1/${type}/%ZZ/`, `/integrations/v1/${type}/abc%E0%A4%A/`, `/integrations/v1/${type}/%ZZ/heartbeat/`]) {
        const res = await fetch(`${url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
        expect(res.status, path).toBe(400);
        expect(((await res.json()) as { error: string }).error).toMatch(/^token: /);
      }
    }
    expect(await app.store.read.groups.count()).toBe(before + 3);
  });

  it(`cuts off a client that trickles its headers (${HEADERS_TIMEOUT_MS / 1000} s) or its body (${REQUEST_TIMEOUT_MS / 1000} s)`, async () => {
    const before = await app.store.read.alerts.countAll();
    const [headers, slowBody] = await Promise.all([
      trickle(port, "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n", "X-Slow: 1\r\n", 500, 120),
      trickle(port, `POST /integrations/v1/webhook/${HOOK_TOKEN}/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`, " ", 500, 120),
    ]);
    expect(headers.received).toMatch(/^HTTP\/1\.1 408 /);
    expect(headers.closedAfterMs).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 100);
    expect(headers.closedAfterMs).toBeLessThan(HEADERS_TIMEOUT_MS + 5_000);
    expect(slowBody.received).toMatch(/^HTTP\/1\.1 408 /);
    expect(slowBody.closedAfterMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 100);
    expect(slowBody.closedAfterMs).toBeLessThan(REQUEST_TIMEOUT_MS + 5_000);
    expect(await app.store.read.alerts.countAll()).toBe(before);
    // The server still answers everyone else.
    expect((await fetch(`${url}/health/ready`)).status).toBe(200);
  });
});
