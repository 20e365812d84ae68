import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseSmsReply, smsReplyText } from "../../src/notify/twilio/sms-reply.js";
import { createTwilioApi, TwilioApiError, type TwilioApi } from "../../src/notify/twilio/twilio-api.js";
import { parseTwilioForm, verifyTwilioSignature } from "../../src/notify/twilio/verify-signature.js";
import { gatherResultTwiml, pageCallTwiml, voiceDigit } from "../../src/notify/twilio/voice-twiml.js";
import { startFakeTwilio, type FakeTwilio } from "./fake-twilio.js";

const ACCOUNT = "AC0123456789abcdef0123456789abcdef";
const TOKEN = "fake-twilio-auth-token";
const FROM = "+15550001111";
const ADA = "+15551230001";

interface Received {
  path: string;
  query: string;
  params: Record<string, string | string[]>;
  valid: boolean;
}

/** A tiny stand-in for calpage's /twilio/ routes: checks every signature with verify-signature.ts. */
async function startReceiver(): Promise<{ base: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  let base = "";
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", base);
      const params = parseTwilioForm(Buffer.concat(chunks).toString("utf8"));
      const header = req.headers["x-twilio-signature"];
      const valid = verifyTwilioSignature({ authToken: TOKEN, url: base + (req.url ?? "/"), params, signature: typeof header === "string" ? header : null });
      received.push({ path: url.pathname, query: url.search, params, valid });
      if (!valid) {
        res.writeHead(403).end("bad signature");
        return;
      }
      const one = (name: string) => {
        const v = params[name];
        return Array.isArray(v) ? (v[0] ?? "") : (v ?? "");
      };
      const page = { number: Number(url.searchParams.get("group") ?? 0), title: "HighLatency on <prod> & co", gatherUrl: `${base}/twilio/voice/gather?group=${url.searchParams.get("group") ?? ""}` };
      const xml = (body: string) => res.writeHead(200, { "content-type": "text/xml" }).end(body);
      switch (url.pathname) {
        case "/twilio/voice/answer":
          xml(pageCallTwiml(page));
          return;
        case "/twilio/voice/gather": {
          const action = voiceDigit(one("Digits"));
          if (one("Digits") === "") xml(gatherResultTwiml({ type: "no_input", call: page }));
          else if (action === "repeat" || action === "invalid") xml(gatherResultTwiml({ type: action, call: page }));
          else xml(gatherResultTwiml({ type: "done", action, number: page.number }));
          return;
        }
        case "/twilio/sms/inbound": {
          const reply = parseSmsReply(one("Body"), 42);
          const text =
            reply.type === "action"
              ? smsReplyText({ type: "done", action: reply.action, number: reply.number, title: "HighLatency" })
              : reply.type === "stop"
                ? null
                : smsReplyText({ type: "help" });
          xml(`<?xml version="1.0" encoding="UTF-8"?><Response>${text ? `<Message>${text.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</Message>` : ""}</Response>`);
          return;
        }
        default:
          res.writeHead(204).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe("fake Twilio", () => {
  let tw: FakeTwilio;
  let calpage: Awaited<ReturnType<typeof startReceiver>>;
  let api: TwilioApi;

  beforeEach(async () => {
    tw = await startFakeTwilio({ accountSid: ACCOUNT, authToken: TOKEN, callbackDelayMs: 5 });
    calpage = await startReceiver();
    api = createTwilioApi({ accountSid: ACCOUNT, authToken: TOKEN, fromNumber: FROM, apiUrl: tw.url, requestTimeoutMs: 2_000 });
  });

  afterEach(async () => {
    await tw.close();
    await calpage.close();
  });

  it("records an SMS, answers like Twilio and posts signed sent/delivered callbacks", async () => {
    const { sid } = await api.sendSms(ADA, "calpage #42 CRITICAL: HighLatency", { statusCallback: `${calpage.base}/twilio/sms/status?page=p1` });
    expect(sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(tw.messages).toHaveLength(1);
    expect(tw.messages[0]).toMatchObject({ sid, from: FROM, to: ADA, body: "calpage #42 CRITICAL: HighLatency" });

    const delivered = await tw.waitForMessage((m) => m.sid === sid && m.status === "delivered");
    expect(delivered.status).toBe("delivered");
    await tw.settled();
    const statuses = calpage.received.filter((r) => r.path === "/twilio/sms/status");
    expect(statuses.map((r) => [r.valid, r.query, r.params.MessageSid, r.params.MessageStatus])).toEqual([
      [true, "?page=p1", sid, "sent"],
      [true, "?page=p1", sid, "delivered"],
    ]);
    expect(tw.callbacks.every((c) => c.status === 204)).toBe(true);
    expect(tw.unexpected).toEqual([]);
  });

  it("reports undelivered SMS with an error code", async () => {
    tw.setSmsOutcome(ADA, "undelivered");
    const { sid } = await api.sendSms(ADA, "hello", { statusCallback: `${calpage.base}/twilio/sms/status` });
    await tw.waitForMessage((m) => m.sid === sid && m.status === "undelivered");
    await tw.settled();
    const last = calpage.received.at(-1);
    expect(last?.params).toMatchObject({ MessageStatus: "undelivered", ErrorCode: "30003" });
    expect(last?.valid).toBe(true);
  });

  it("refuses bad credentials with 401 and records them as unexpected", async () => {
    const wrong = createTwilioApi({ accountSid: ACCOUNT, authToken: "not-the-token", fromNumber: FROM, apiUrl: tw.url });
    const error = await wrong.sendSms(ADA, "hi").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TwilioApiError);
    expect(error).toMatchObject({ status: 401, code: 20003, notSent: true });
    expect(tw.messages).toEqual([]);
    expect(tw.unexpected).toHaveLength(1);
    expect(tw.unexpected[0]).toMatchObject({ status: 401, reason: "wrong credentials" });
  });

  it("refuses invalid requests and unknown paths as Twilio would, recording them as unexpected", async () => {
    await expect(api.sendSms("555-1234", "hi")).rejects.toMatchObject({ status: 400, code: 21211, notSent: true });
    const res = await fetch(`${tw.url}/2010-04-01/Accounts/${ACCOUNT}/Faxes.json`, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from(`${ACCOUNT}:${TOKEN}`).toString("base64")}` },
    });
    expect(res.status).toBe(404);
    expect(tw.unexpected.map((r) => r.status)).toEqual([400, 404]);
  });

  it("injects HTTP failures, then answers normally", async () => {
    tw.setFailure("sms", { status: 500, times: 1 });
    tw.setFailure("sms", { status: 429, times: 1, retryAfterSeconds: 2 });
    await expect(api.sendSms(ADA, "one")).rejects.toMatchObject({ status: 500, code: 20500, notSent: false });
    await expect(api.sendSms(ADA, "two")).rejects.toMatchObject({ status: 429, code: 20429, notSent: true, retryAfterMs: 2000 });
    await api.sendSms(ADA, "three");
    expect(tw.messages.map((m) => m.body)).toEqual(["three"]);
    expect(tw.requests.map((r) => r.status)).toEqual([500, 429, 201]);
    expect(tw.unexpected).toEqual([]);
  });

  it("a reset connection leaves the SMS sent but the answer lost (ambiguous)", async () => {
    tw.setFailure("sms", { status: "reset", times: 1 });
    const error = await api.sendSms(ADA, "maybe", { statusCallback: `${calpage.base}/twilio/sms/status` }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: null, notSent: false });
    const sent = await tw.waitForMessage((m) => m.body === "maybe" && m.status === "delivered");
    expect(sent.to).toBe(ADA);
  });

  it("a hanging answer times the client out, but the SMS exists (ambiguous)", async () => {
    tw.setFailure("sms", { status: "hang", times: 1 });
    const slow = createTwilioApi({ accountSid: ACCOUNT, authToken: TOKEN, fromNumber: FROM, apiUrl: tw.url, requestTimeoutMs: 200 });
    await expect(slow.sendSms(ADA, "slow")).rejects.toMatchObject({ status: null, notSent: false });
    expect(tw.messages.map((m) => m.body)).toEqual(["slow"]);
    expect(tw.requests.map((r) => r.status)).toEqual(["hang"]);
  });

  it("an answered call fetches the TwiML signed, takes a key press and completes", async () => {
    const { sid } = await api.startCall(ADA, {
      twimlUrl: `${calpage.base}/twilio/voice/answer?group=7`,
      statusCallback: `${calpage.base}/twilio/voice/status?group=7`,
      timeoutSeconds: 25,
    });
    expect(sid).toMatch(/^CA[0-9a-f]{32}$/);
    const call = await tw.waitForCall((c) => c.sid === sid && c.gather !== null);
    expect(call).toMatchObject({ status: "in-progress", timeoutSeconds: 25, statusCallbackEvents: ["initiated", "ringing", "answered", "completed"] });
    expect(call.gather).toEqual({ action: `${calpage.base}/twilio/voice/gather?group=7`, method: "POST" });
    expect(call.twiml[0]).toContain("<Say>This is calpage. Alert 7: HighLatency on &lt;prod&gt; &amp; co.</Say>");
    const fetch = calpage.received.find((r) => r.path === "/twilio/voice/answer");
    expect(fetch).toMatchObject({ valid: true, params: { CallSid: sid, CallStatus: "in-progress", From: FROM, To: ADA, AccountSid: ACCOUNT } });

    const pressed = await tw.pressDigits(sid, "4");
    expect(pressed.status).toBe(200);
    expect(pressed.twiml).toContain("<Say>Alert 7 acknowledged. Goodbye.</Say>");
    expect(tw.calls[0]?.status).toBe("completed");
    const gather = calpage.received.find((r) => r.path === "/twilio/voice/gather");
    expect(gather).toMatchObject({ valid: true, params: { Digits: "4", CallSid: sid } });
    const statuses = calpage.received.filter((r) => r.path === "/twilio/voice/status");
    expect(statuses.map((r) => r.params.CallStatus)).toEqual(["initiated", "ringing", "in-progress", "completed"]);
    expect(statuses.every((r) => r.valid)).toBe(true);
    expect(tw.unexpected).toEqual([]);
  });

  it("star repeats the page and keeps gathering; hanging up completes the call", async () => {
    const { sid } = await api.startCall(ADA, { twimlUrl: `${calpage.base}/twilio/voice/answer?group=9`, statusCallback: `${calpage.base}/twilio/voice/status` });
    await tw.waitForCall((c) => c.sid === sid && c.gather !== null);
    const repeated = await tw.pressDigits(sid, "*");
    expect(repeated.twiml).toContain("Alert 9: HighLatency");
    expect(tw.calls[0]).toMatchObject({ status: "in-progress", digits: ["*"] });
    expect(tw.calls[0]?.gather).not.toBeNull();
    await tw.hangUp(sid);
    expect(tw.calls[0]?.status).toBe("completed");
    await expect(tw.pressDigits(sid, "4")).rejects.toThrow(/not waiting for keys/);
    expect(calpage.received.at(-1)?.params).toMatchObject({ CallStatus: "completed" });
  });

  it("answering-machine detection: AnsweredBy comes with the TwiML fetch; a machine presses nothing and the call completes", async () => {
    tw.setCallOutcome(ADA, ["machine", "answered", "machine"]);
    const twimlUrl = `${calpage.base}/twilio/voice/answer?group=5`;
    const cb = `${calpage.base}/twilio/voice/status`;
    const machine = await api.startCall(ADA, { twimlUrl, statusCallback: cb, machineDetection: "DetectMessageEnd" });
    const ended = await tw.waitForCall((c) => c.sid === machine.sid && c.status === "completed");
    expect(ended).toMatchObject({ machineDetection: "DetectMessageEnd", digits: [], gather: null });
    await tw.settled();
    const fetches = () => calpage.received.filter((r) => r.path === "/twilio/voice/answer");
    expect(fetches()[0]?.params).toMatchObject({ CallSid: machine.sid, AnsweredBy: "machine_end_beep" });
    expect(calpage.received.at(-1)?.params).toMatchObject({ CallSid: machine.sid, CallStatus: "completed" });

    const human = await api.startCall(ADA, { twimlUrl, machineDetection: "Enable" });
    await tw.waitForCall((c) => c.sid === human.sid && c.gather !== null);
    expect(fetches()[1]?.params).toMatchObject({ CallSid: human.sid, AnsweredBy: "human" });
    await tw.hangUp(human.sid);

    // Without detection a machine is not announced: it simply never presses a key.
    const plain = await api.startCall(ADA, { twimlUrl });
    await tw.waitForCall((c) => c.sid === plain.sid && c.status === "completed");
    await tw.settled();
    expect(fetches()[2]?.params.AnsweredBy).toBeUndefined();

    await expect(api.startCall(ADA, { twimlUrl, machineDetection: "Sometimes" as "Enable" })).rejects.toMatchObject({ status: 400, code: 21207, notSent: true });
    expect(tw.unexpected.map((r) => r.reason)).toEqual(["invalid request: MachineDetection must be Enable or DetectMessageEnd, found Sometimes"]);
    tw.unexpected.length = 0;
  });

  it("no-answer, busy and failed calls report only their status, in the order set", async () => {
    tw.setCallOutcome(ADA, ["no-answer", "busy", "failed", "answered"]);
    const cb = `${calpage.base}/twilio/voice/status`;
    const twimlUrl = `${calpage.base}/twilio/voice/answer?group=1`;
    for (const expected of ["no-answer", "busy", "failed"] as const) {
      const { sid } = await api.startCall(ADA, { twimlUrl, statusCallback: cb });
      await tw.waitForCall((c) => c.sid === sid && c.status === expected);
      await tw.settled();
      expect(calpage.received.at(-1)?.params).toMatchObject({ CallSid: sid, CallStatus: expected });
    }
    expect(calpage.received.some((r) => r.path === "/twilio/voice/answer")).toBe(false);
    const { sid } = await api.startCall(ADA, { twimlUrl, statusCallback: cb });
    await tw.waitForCall((c) => c.sid === sid && c.gather !== null);
    expect(calpage.received.filter((r) => r.path === "/twilio/voice/answer")).toHaveLength(1);
    expect(calpage.received.every((r) => r.valid)).toBe(true);
  });

  it("posts signed inbound SMS and reads calpage's TwiML reply; STOP opts the number out", async () => {
    const url = `${calpage.base}/twilio/sms/inbound`;
    const ack = await tw.sendInboundSms({ from: ADA, to: FROM, body: "42 A", url });
    expect(ack.status).toBe(200);
    expect(ack.replies).toEqual(["calpage #42 acknowledged: HighLatency. Reply 42r to resolve."]);
    expect(calpage.received.at(-1)).toMatchObject({ valid: true, params: { From: ADA, To: FROM, Body: "42 A", AccountSid: ACCOUNT, MessageSid: ack.sid } });

    const stop = await tw.sendInboundSms({ from: ADA, to: FROM, body: "STOP", url });
    expect(stop.replies).toEqual([]);
    expect(tw.optedOut.has(ADA)).toBe(true);
    await expect(api.sendSms(ADA, "page")).rejects.toMatchObject({ status: 400, code: 21610, notSent: true });
    await tw.sendInboundSms({ from: ADA, to: FROM, body: "start", url });
    await expect(api.sendSms(ADA, "page")).resolves.toMatchObject({ sid: expect.stringMatching(/^SM/) as unknown });
  });

  it("its signatures are rejected under another auth token or URL (the receiver really checks)", async () => {
    await tw.sendInboundSms({ from: ADA, to: FROM, body: "help", url: `${calpage.base}/twilio/sms/inbound?x=1` });
    const sent = tw.callbacks.at(-1);
    expect(sent?.status).toBe(200);
    if (!sent) throw new Error("no callback recorded");
    expect(verifyTwilioSignature({ authToken: TOKEN, url: sent.url, params: sent.params, signature: sent.signature })).toBe(true);
    expect(verifyTwilioSignature({ authToken: "other", url: sent.url, params: sent.params, signature: sent.signature })).toBe(false);
    expect(verifyTwilioSignature({ authToken: TOKEN, url: `${calpage.base}/twilio/sms/inbound?x=2`, params: sent.params, signature: sent.signature })).toBe(false);

    const forged = await fetch(`${calpage.base}/twilio/sms/inbound`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": sent.signature },
      body: new URLSearchParams({ ...sent.params, Body: "42r" }).toString(),
    });
    expect(forged.status).toBe(403);
    expect(calpage.received.at(-1)?.valid).toBe(false);
  });
});
