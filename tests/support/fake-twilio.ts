import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import twilio from "twilio";

/**
 * A local stand-in for Twilio's REST API (`https://api.twilio.com/2010-04-01/…`), for tests and
 * benchmarks. Point calpage's `TWILIO_API_URL` at `fake.url`. It records `Messages.json` and
 * `Calls.json` POSTs, answers them the way Twilio does, and then behaves like Twilio towards
 * calpage: signed status callbacks for SMS (`sent`, `delivered`), for calls the signed TwiML fetch
 * when answered, key presses posted to the Gather action, and the final call status. Requests it
 * does not understand (wrong path, bad auth, invalid fields) land in `fake.unexpected`, so a
 * healthy test expects that empty.
 *
 * Every request to calpage is signed with the `twilio` package's own helper (not calpage's
 * code), so the fake also checks calpage's signature verification.
 */

/**
 * `answered`: a person picks up (and presses keys with {@link FakeTwilio.pressDigits}, or hangs up).
 * `machine`: voicemail or an answering machine picks up: it plays what calpage says, never presses
 * a key, and the call ends `completed`. With `MachineDetection` on the call, the TwiML fetch carries
 * `AnsweredBy` (`human` for `answered`; `machine_end_beep` with DetectMessageEnd, `machine_start`
 * with Enable), as Twilio's synchronous answering-machine detection does.
 */
export type FakeCallOutcome = "answered" | "machine" | "no-answer" | "busy" | "failed";
export type FakeSmsOutcome = "delivered" | "undelivered" | "failed";

export type FakeCallStatus = "queued" | "initiated" | "ringing" | "in-progress" | "completed" | "no-answer" | "busy" | "failed";
export type FakeMessageStatus = "queued" | "sent" | "delivered" | "undelivered" | "failed";

/** An injected failure for the next `times` POSTs of a kind. */
export interface FakeTwilioFailure {
  /**
   * An HTTP status (Twilio did not act: nothing is recorded, no callbacks), or the ambiguous
   * cases where Twilio DID act but its answer is lost: `reset` closes the connection without an
   * answer, `hang` never answers (the client times out). Both record the message / call as usual.
   */
  status: number | "reset" | "hang";
  times: number;
  /** Twilio error code in the JSON body. Default by status: 20429, 20500, 20503, 20003 … */
  code?: number;
  /** `Retry-After` seconds for 429. Default 1. */
  retryAfterSeconds?: number;
}

export interface FakeTwilioOptions {
  accountSid: string;
  authToken: string;
  /** Port on 127.0.0.1. Default: a random free one. */
  port?: number;
  /** Pause before Twilio-side activity (callbacks, TwiML fetch) starts, so the API answer is read first. Default 20 ms. */
  callbackDelayMs?: number;
  /** How long a callback to calpage may take. Default 5000 ms (Twilio allows 15 s). */
  callbackTimeoutMs?: number;
  /** Block sends to numbers that texted STOP, like Twilio's default opt-out handling (error 21610). Default true. */
  optOutHandling?: boolean;
}

/** One request the fake made to calpage. */
export interface FakeTwilioCallback {
  kind: "sms_status" | "call_status" | "call_twiml" | "gather" | "inbound_sms";
  /** The message or call sid it is about. */
  sid: string;
  url: string;
  params: Record<string, string>;
  /** The `X-Twilio-Signature` sent. */
  signature: string;
  /** HTTP status calpage answered, null when the request failed (see `error`). */
  status: number | null;
  body: string;
  error: string | null;
  at: number;
}

export interface FakeTwilioMessage {
  sid: string;
  from: string;
  to: string;
  body: string;
  statusCallback: string | null;
  status: FakeMessageStatus;
  /** Every form field of the POST. */
  params: Record<string, string | string[]>;
  createdAt: number;
}

export interface FakeTwilioCall {
  sid: string;
  from: string;
  to: string;
  /** The TwiML URL (`Url`), or null when inline `Twiml` was given. */
  url: string | null;
  method: string;
  statusCallback: string | null;
  statusCallbackEvents: string[];
  timeoutSeconds: number;
  /** `MachineDetection` as asked (`Enable`, `DetectMessageEnd`), null when not. */
  machineDetection: string | null;
  outcome: FakeCallOutcome;
  status: FakeCallStatus;
  /** Every TwiML document played, in order (the first from `Url`, then Gather answers). */
  twiml: string[];
  /** The Gather waiting for a key, from the latest TwiML; null when none. */
  gather: { action: string; method: string } | null;
  /** Keys pressed with {@link FakeTwilio.pressDigits}. */
  digits: string[];
  params: Record<string, string | string[]>;
  createdAt: number;
}

/** One request to the fake's API. */
export interface FakeTwilioRequest {
  seq: number;
  method: string;
  path: string;
  params: Record<string, string | string[]>;
  /** HTTP status answered, or `reset` / `hang`. */
  status: number | "reset" | "hang";
  /** Why it was refused, for unexpected requests. */
  reason: string | null;
  at: number;
}

export interface InboundSmsResult {
  /** The `SM…` sid the inbound message was given. */
  sid: string;
  status: number | null;
  /** calpage's answer (TwiML). */
  body: string;
  /** The texts of `<Message>` verbs in the answer: what Twilio would text back. */
  replies: string[];
}

export interface FakeTwilio {
  /** Base URL for `TWILIO_API_URL`, e.g. `http://127.0.0.1:40123`. */
  url: string;
  /** Accepted SMS, in arrival order; `status` follows the callbacks. */
  messages: FakeTwilioMessage[];
  /** Accepted calls, in arrival order; `status` follows the call. */
  calls: FakeTwilioCall[];
  /** Every API request, including refused and failed ones. */
  requests: FakeTwilioRequest[];
  /** Requests Twilio would refuse as wrong: bad auth, unknown paths, invalid fields. */
  unexpected: FakeTwilioRequest[];
  /** Every request the fake made to calpage, in order, with calpage's answers. */
  callbacks: FakeTwilioCallback[];
  /** Numbers that texted an opt-out keyword (with {@link sendInboundSms}) and have not opted in again. */
  optedOut: Set<string>;
  /** First message (already here or future) matching `predicate`, re-checked on every status change; rejects after `timeoutMs` (default 5000). */
  waitForMessage(predicate: (message: FakeTwilioMessage) => boolean, timeoutMs?: number): Promise<FakeTwilioMessage>;
  /** First call (already here or future) matching `predicate`, re-checked on every change; rejects after `timeoutMs` (default 5000). */
  waitForCall(predicate: (call: FakeTwilioCall) => boolean, timeoutMs?: number): Promise<FakeTwilioCall>;
  /** How calls to `to` go. A list is used one per call, the last one sticking. Default `answered`. */
  setCallOutcome(to: string, outcome: FakeCallOutcome | FakeCallOutcome[]): void;
  /** How SMS to `to` end. Default `delivered`. */
  setSmsOutcome(to: string, outcome: FakeSmsOutcome): void;
  /** Make the next `times` POSTs of a kind fail. */
  setFailure(kind: "sms" | "call", failure: FakeTwilioFailure): void;
  /**
   * Presses keys on an answered call: posts the Gather action (signed, with `Digits`), plays the
   * answer, and — when the answer has no further Gather — ends the call and posts `completed`
   * before resolving. `digits` "" posts the action with no key, as on a bare `#`.
   */
  pressDigits(callSid: string, digits: string): Promise<{ status: number | null; twiml: string }>;
  /** The callee hangs up an answered call: posts `completed`. */
  hangUp(callSid: string): Promise<void>;
  /** Posts a signed inbound-SMS webhook to calpage at `url`, as Twilio does when someone texts `to`. */
  sendInboundSms(sms: { from: string; to: string; body: string; url: string }): Promise<InboundSmsResult>;
  /** Resolves when all Twilio-side activity started so far has finished. */
  settled(): Promise<void>;
  /** Forgets recorded messages, calls, requests and callbacks (outcomes and opt-outs stay). */
  reset(): void;
  close(): Promise<void>;
}

const API_VERSION = "2010-04-01";
const MAX_BODY_BYTES = 1024 * 1024;
const E164 = /^\+[1-9]\d{6,14}$/;
const STOP_WORDS = new Set(["stop", "stopall", "unsubscribe", "cancel", "end", "quit", "optout", "revoke"]);
const START_WORDS = new Set(["start", "yes", "unstop"]);
const DEFAULT_CODES: Record<number, number> = { 400: 21211, 401: 20003, 403: 20003, 404: 20404, 429: 20429, 500: 20500, 503: 20503 };

class Refusal {
  constructor(
    readonly status: number,
    readonly code: number,
    readonly message: string,
  ) {}
}

function sid(prefix: string): string {
  return prefix + randomBytes(16).toString("hex");
}

function formParams(raw: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(raw)) {
    const existing = out[name];
    if (existing === undefined) out[name] = value;
    else if (typeof existing === "string") out[name] = [existing, value];
    else existing.push(value);
  }
  return out;
}

function first(params: Record<string, string | string[]>, name: string): string | undefined {
  const value = params[name];
  return Array.isArray(value) ? value[0] : value;
}

function all(params: Record<string, string | string[]>, name: string): string[] {
  const value = params[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(/\s+/)).filter(Boolean);
}

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === "http:" || u.protocol === "https:";
  } catch {
    return false;
  }
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&amp;/g, "&");
}

function attributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([A-Za-z_:][\w:.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) out[m[1] ?? ""] = unescapeXml(m[2] ?? m[3] ?? "");
  return out;
}

/** The first `<Gather>` of a TwiML document (the one Twilio runs first), its action resolved against the document's URL. */
function findGather(twiml: string, documentUrl: string): { action: string; method: string } | null {
  const m = /<Gather\b([^>]*?)\/?>/.exec(twiml);
  if (!m) return null;
  const attrs = attributes(m[1] ?? "");
  const action = attrs.action ? new URL(attrs.action, documentUrl).toString() : documentUrl;
  return { action, method: (attrs.method ?? "POST").toUpperCase() };
}

/** The texts of `<Message>` verbs (plain or with a `<Body>`). */
function messageTexts(twiml: string): string[] {
  const out: string[] = [];
  for (const m of twiml.matchAll(/<Message\b[^>]*>([\s\S]*?)<\/Message>/g)) {
    const inner = m[1] ?? "";
    const body = /<Body>([\s\S]*?)<\/Body>/.exec(inner);
    out.push(unescapeXml((body ? (body[1] ?? "") : inner.replace(/<[^>]*>/g, "")).trim()));
  }
  return out;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new Error("request body too large");
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function rfc2822(ms: number): string {
  return new Date(ms).toUTCString().replace("GMT", "+0000");
}

/**
 * Starts the fake on 127.0.0.1.
 *
 * @example
 * const tw = await startFakeTwilio({ accountSid: "AC…", authToken: "secret" });
 * // start calpage with TWILIO_API_URL=tw.url
 * const sms = await tw.waitForMessage((m) => m.to === "+15551230001", 10_000);
 * expect(sms.body).toContain("Reply 42a to ack");
 * expect(tw.unexpected).toEqual([]);
 * await tw.close();
 */
export async function startFakeTwilio(opts: FakeTwilioOptions): Promise<FakeTwilio> {
  const { accountSid, authToken } = opts;
  const callbackDelayMs = opts.callbackDelayMs ?? 20;
  const callbackTimeoutMs = opts.callbackTimeoutMs ?? 5_000;
  const optOutHandling = opts.optOutHandling ?? true;
  const expectedAuth = `Basic ${Buffer.from(`${accountSid}:${authToken}`, "utf8").toString("base64")}`;

  const events = new EventEmitter();
  events.setMaxListeners(0);
  const changed = () => events.emit("change");

  const messages: FakeTwilioMessage[] = [];
  const calls: FakeTwilioCall[] = [];
  const requests: FakeTwilioRequest[] = [];
  const unexpected: FakeTwilioRequest[] = [];
  const callbacks: FakeTwilioCallback[] = [];
  const optedOut = new Set<string>();
  const callOutcomes = new Map<string, FakeCallOutcome[]>();
  const smsOutcomes = new Map<string, FakeSmsOutcome>();
  const failures = new Map<"sms" | "call", FakeTwilioFailure[]>();
  const inFlight = new Set<Promise<unknown>>();
  const hanging = new Set<ServerResponse>();
  const abort = new AbortController();
  let closed = false;
  let seq = 0;

  const track = <T>(promise: Promise<T>): Promise<T> => {
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise)).catch(() => undefined);
    return promise;
  };

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      if (closed || ms <= 0) return resolve();
      const onAbort = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        abort.signal.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      abort.signal.addEventListener("abort", onAbort, { once: true });
    });

  /** POSTs a signed form to calpage, the way Twilio calls webhooks; never throws. */
  const postToCalpage = async (kind: FakeTwilioCallback["kind"], about: string, url: string, params: Record<string, string>): Promise<FakeTwilioCallback> => {
    const signature = twilio.getExpectedTwilioSignature(authToken, url, params);
    const record: FakeTwilioCallback = { kind, sid: about, url, params, signature, status: null, body: "", error: null, at: Date.now() };
    if (closed) {
      record.error = "fake Twilio closed";
    } else {
      try {
        const response = await fetch(url, {
          method: "POST",
          headers: {
            "content-type": "application/x-www-form-urlencoded",
            "x-twilio-signature": signature,
            "user-agent": "TwilioProxy/1.1",
            "i-twilio-idempotency-token": randomBytes(16).toString("hex"),
          },
          body: new URLSearchParams(params).toString(),
          signal: AbortSignal.any([abort.signal, AbortSignal.timeout(callbackTimeoutMs)]),
        });
        record.status = response.status;
        record.body = await response.text();
      } catch (error) {
        record.error = error instanceof Error ? error.message : String(error);
      }
    }
    callbacks.push(record);
    changed();
    return record;
  };

  // ---- SMS -------------------------------------------------------------------------------

  const smsFlow = async (message: FakeTwilioMessage) => {
    await pause(callbackDelayMs);
    const outcome = smsOutcomes.get(message.to) ?? "delivered";
    const steps: FakeMessageStatus[] = outcome === "failed" ? ["failed"] : ["sent", outcome];
    for (const status of steps) {
      if (closed) return;
      message.status = status;
      changed();
      if (!message.statusCallback) continue;
      const params: Record<string, string> = {
        AccountSid: accountSid,
        ApiVersion: API_VERSION,
        From: message.from,
        MessageSid: message.sid,
        MessageStatus: status,
        SmsSid: message.sid,
        SmsStatus: status,
        To: message.to,
      };
      if (status === "undelivered" || status === "failed") params.ErrorCode = status === "failed" ? "30008" : "30003";
      await postToCalpage("sms_status", message.sid, message.statusCallback, params);
    }
  };

  const createMessage = (params: Record<string, string | string[]>): FakeTwilioMessage => {
    const to = first(params, "To");
    const from = first(params, "From") ?? first(params, "MessagingServiceSid");
    const body = first(params, "Body");
    const statusCallback = first(params, "StatusCallback") ?? null;
    if (!to) throw new Refusal(400, 21604, "A 'To' phone number is required.");
    if (!from) throw new Refusal(400, 21603, "A 'From' phone number is required.");
    if (!body && !first(params, "MediaUrl")) throw new Refusal(400, 21602, "Message body is required.");
    if (!E164.test(to)) throw new Refusal(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    if ((body ?? "").length > 1600) throw new Refusal(400, 21617, "The concatenated message body exceeds the 1600 character limit.");
    if (statusCallback !== null && !isHttpUrl(statusCallback)) throw new Refusal(400, 21609, "The StatusCallback URL is not a valid URL.");
    if (optOutHandling && optedOut.has(to)) throw new Refusal(400, 21610, "Attempt to send to unsubscribed recipient");
    return { sid: sid("SM"), from, to, body: body ?? "", statusCallback, status: "queued", params, createdAt: Date.now() };
  };

  const messageJson = (m: FakeTwilioMessage) => ({
    account_sid: accountSid,
    api_version: API_VERSION,
    body: m.body,
    date_created: rfc2822(m.createdAt),
    date_sent: null,
    date_updated: rfc2822(m.createdAt),
    direction: "outbound-api",
    error_code: null,
    error_message: null,
    from: m.from,
    messaging_service_sid: null,
    num_media: "0",
    num_segments: "1",
    price: null,
    price_unit: "USD",
    sid: m.sid,
    status: "queued",
    subresource_uris: { media: `/${API_VERSION}/Accounts/${accountSid}/Messages/${m.sid}/Media.json` },
    to: m.to,
    uri: `/${API_VERSION}/Accounts/${accountSid}/Messages/${m.sid}.json`,
  });

  // ---- calls -----------------------------------------------------------------------------

  const callParams = (call: FakeTwilioCall, status: FakeCallStatus): Record<string, string> => ({
    AccountSid: accountSid,
    ApiVersion: API_VERSION,
    CallSid: call.sid,
    CallStatus: status,
    Direction: "outbound-api",
    From: call.from,
    To: call.to,
  });

  const statusCallback = async (call: FakeTwilioCall, event: string, status: FakeCallStatus, extra: Record<string, string> = {}) => {
    if (!call.statusCallback || closed) return;
    // The final status is always reported; the others only when asked for.
    if (event !== "completed" && !call.statusCallbackEvents.includes(event)) return;
    await postToCalpage("call_status", call.sid, call.statusCallback, {
      ...callParams(call, status),
      CallbackSource: "call-progress-events",
      SequenceNumber: String(callbacks.filter((c) => c.kind === "call_status" && c.sid === call.sid).length),
      Timestamp: new Date().toUTCString().replace("GMT", "+0000"),
      ...extra,
    });
  };

  const setStatus = (call: FakeTwilioCall, status: FakeCallStatus) => {
    call.status = status;
    changed();
  };

  const answeredAt = new Map<string, number>();

  const complete = async (call: FakeTwilioCall) => {
    if (call.status !== "in-progress") return;
    call.gather = null;
    setStatus(call, "completed");
    const duration = Math.max(1, Math.round((Date.now() - (answeredAt.get(call.sid) ?? Date.now())) / 1000));
    await statusCallback(call, "completed", "completed", { CallDuration: String(duration) });
  };

  /** Plays a TwiML document: remembers it and its Gather; without a Gather the call ends after it. */
  const play = async (call: FakeTwilioCall, twiml: string, documentUrl: string) => {
    call.twiml.push(twiml);
    call.gather = findGather(twiml, documentUrl);
    changed();
    if (!call.gather) await complete(call);
  };

  const callFlow = async (call: FakeTwilioCall, inlineTwiml: string | null) => {
    await pause(callbackDelayMs);
    if (closed) return;
    const outcome = call.outcome;
    if (outcome !== "failed") {
      setStatus(call, "initiated");
      await statusCallback(call, "initiated", "initiated");
      setStatus(call, "ringing");
      await statusCallback(call, "ringing", "ringing");
    }
    if (closed) return;
    if (outcome !== "answered" && outcome !== "machine") {
      setStatus(call, outcome);
      await statusCallback(call, "completed", outcome, { CallDuration: "0" });
      return;
    }
    setStatus(call, "in-progress");
    answeredAt.set(call.sid, Date.now());
    let twiml = inlineTwiml;
    const documentUrl = call.url ?? "";
    // Synchronous answering-machine detection: its verdict comes with the TwiML fetch.
    const answeredBy: Record<string, string> = call.machineDetection
      ? { AnsweredBy: outcome === "answered" ? "human" : call.machineDetection === "DetectMessageEnd" ? "machine_end_beep" : "machine_start" }
      : {};
    if (twiml === null && call.url !== null) {
      const fetched = await postToCalpage("call_twiml", call.sid, call.url, { ...callParams(call, "in-progress"), ...answeredBy });
      // Twilio says "an application error has occurred" and hangs up when the TwiML fetch fails.
      twiml = fetched.status !== null && fetched.status >= 200 && fetched.status < 300 ? fetched.body : "";
    }
    await statusCallback(call, "answered", "in-progress");
    await play(call, twiml ?? "", documentUrl);
    // A machine records whatever is played and presses nothing: every Gather times out, the call ends.
    if (outcome === "machine") await complete(call);
  };

  const createCall = (params: Record<string, string | string[]>): { call: FakeTwilioCall; inline: string | null } => {
    const to = first(params, "To");
    const from = first(params, "From");
    const url = first(params, "Url") ?? null;
    const inline = first(params, "Twiml") ?? null;
    const statusCallbackUrl = first(params, "StatusCallback") ?? null;
    if (!to) throw new Refusal(400, 21201, "No 'To' number is specified");
    if (!from) throw new Refusal(400, 21213, "No 'From' number is specified");
    if (!E164.test(to)) throw new Refusal(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    if (url === null && inline === null) throw new Refusal(400, 21205, "Url or Twiml parameter is required.");
    if (url !== null && !isHttpUrl(url)) throw new Refusal(400, 21205, "Url is not a valid URL.");
    if (statusCallbackUrl !== null && !isHttpUrl(statusCallbackUrl)) throw new Refusal(400, 21609, "The StatusCallback URL is not a valid URL.");
    const machineDetection = first(params, "MachineDetection") ?? null;
    // 21207 is Twilio's "Invalid IfMachine", the older name of the same option.
    if (machineDetection !== null && machineDetection !== "Enable" && machineDetection !== "DetectMessageEnd") {
      throw new Refusal(400, 21207, `MachineDetection must be Enable or DetectMessageEnd, found ${machineDetection}`);
    }
    const timeoutText = first(params, "Timeout");
    const timeoutSeconds = timeoutText === undefined ? 60 : Number(timeoutText);
    if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1) throw new Refusal(400, 21210, "Timeout must be a positive integer.");
    const queue = callOutcomes.get(to);
    const outcome = (queue && queue.length > 1 ? queue.shift() : queue?.[0]) ?? "answered";
    const call: FakeTwilioCall = {
      sid: sid("CA"),
      from,
      to,
      url,
      method: (first(params, "Method") ?? "POST").toUpperCase(),
      statusCallback: statusCallbackUrl,
      statusCallbackEvents: all(params, "StatusCallbackEvent"),
      timeoutSeconds: Math.min(600, timeoutSeconds),
      machineDetection,
      outcome,
      status: "queued",
      twiml: [],
      gather: null,
      digits: [],
      params,
      createdAt: Date.now(),
    };
    return { call, inline };
  };

  const callJson = (c: FakeTwilioCall) => ({
    account_sid: accountSid,
    api_version: API_VERSION,
    date_created: rfc2822(c.createdAt),
    date_updated: rfc2822(c.createdAt),
    direction: "outbound-api",
    duration: null,
    end_time: null,
    from: c.from,
    from_formatted: c.from,
    parent_call_sid: null,
    price: null,
    price_unit: "USD",
    sid: c.sid,
    start_time: null,
    status: "queued",
    to: c.to,
    to_formatted: c.to,
    uri: `/${API_VERSION}/Accounts/${accountSid}/Calls/${c.sid}.json`,
  });

  // ---- HTTP ------------------------------------------------------------------------------

  const sendJson = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), ...headers });
    res.end(text);
  };

  const errorJson = (status: number, code: number, message: string) => ({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });

  const record = (entry: Omit<FakeTwilioRequest, "seq" | "at">, isUnexpected: boolean): FakeTwilioRequest => {
    const full: FakeTwilioRequest = { seq: ++seq, at: Date.now(), ...entry };
    requests.push(full);
    if (isUnexpected) unexpected.push(full);
    changed();
    return full;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const raw = await readBody(req);
    const params = formParams(raw);
    const method = req.method ?? "GET";
    const path = url.pathname;
    const refuse = (status: number, code: number, message: string, reason: string) => {
      record({ method, path, params, status, reason }, true);
      sendJson(res, status, errorJson(status, code, message));
    };

    if (req.headers.authorization !== expectedAuth) {
      refuse(401, 20003, "Authenticate", req.headers.authorization ? "wrong credentials" : "no Authorization header");
      return;
    }
    const m = /^\/2010-04-01\/Accounts\/([^/]+)\/(Messages|Calls)\.json$/.exec(path);
    if (!m || method !== "POST") {
      refuse(404, 20404, `The requested resource ${path} was not found`, `${method} ${path} is not implemented by the fake`);
      return;
    }
    if (decodeURIComponent(m[1] ?? "") !== accountSid) {
      refuse(404, 20404, `The requested resource ${path} was not found`, "account SID in the path differs from the credentials");
      return;
    }
    const kind = m[2] === "Messages" ? "sms" : "call";
    const queue = failures.get(kind);
    const failure = queue?.[0];
    if (queue && failure) {
      failure.times -= 1;
      if (failure.times <= 0) queue.shift();
    }
    if (failure && typeof failure.status === "number") {
      const status = failure.status;
      const code = failure.code ?? DEFAULT_CODES[status] ?? 20500;
      record({ method, path, params, status, reason: null }, false);
      sendJson(res, status, errorJson(status, code, status === 429 ? "Too Many Requests" : `Injected failure ${status}`), status === 429 ? { "retry-after": String(failure.retryAfterSeconds ?? 1) } : {});
      return;
    }

    let created: { json: Record<string, unknown>; start: () => Promise<void> };
    try {
      if (kind === "sms") {
        const message = createMessage(params);
        messages.push(message);
        created = { json: messageJson(message), start: () => smsFlow(message) };
      } else {
        const { call, inline } = createCall(params);
        calls.push(call);
        created = { json: callJson(call), start: () => callFlow(call, inline) };
      }
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      refuse(error.status, error.code, error.message, `invalid request: ${error.message}`);
      return;
    }
    changed();
    if (failure) {
      // Twilio acted, but the answer is lost: the ambiguous case callers must not retry blindly.
      record({ method, path, params, status: failure.status, reason: null }, false);
      if (failure.status === "reset") res.socket?.destroy();
      else hanging.add(res);
    } else {
      record({ method, path, params, status: 201, reason: null }, false);
      sendJson(res, 201, created.json);
    }
    void track(created.start());
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, errorJson(500, 20500, `fake Twilio crashed: ${String(error)}`));
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  const waitFor = <T>(list: () => T[], what: string, describe: (item: T) => string, predicate: (item: T) => boolean, timeoutMs: number) =>
    new Promise<T>((resolve, reject) => {
      const check = () => {
        for (const item of list()) {
          try {
            if (predicate(item)) return item;
          } catch {
            // a throwing predicate means "not this one"
          }
        }
        return undefined;
      };
      const found = check();
      if (found !== undefined) return resolve(found);
      let timer: NodeJS.Timeout | undefined = undefined;
      const onChange = () => {
        const item = check();
        if (item === undefined) return;
        clearTimeout(timer);
        events.off("change", onChange);
        resolve(item);
      };
      timer = setTimeout(() => {
        events.off("change", onChange);
        const seen = list().map(describe);
        reject(new Error(`fake Twilio: no matching ${what} within ${timeoutMs} ms; got ${seen.length}: ${seen.join("; ") || "none"}`));
      }, timeoutMs);
      events.on("change", onChange);
    });

  const findCall = (callSid: string): FakeTwilioCall => {
    const call = calls.find((c) => c.sid === callSid);
    if (!call) throw new Error(`fake Twilio: no call ${callSid}`);
    return call;
  };

  const fake: FakeTwilio = {
    url: `http://127.0.0.1:${port}`,
    messages,
    calls,
    requests,
    unexpected,
    callbacks,
    optedOut,
    waitForMessage: (predicate, timeoutMs = 5_000) =>
      waitFor(() => messages, "message", (m) => `${m.sid} to ${m.to} [${m.status}] ${JSON.stringify(m.body)}`, predicate, timeoutMs),
    waitForCall: (predicate, timeoutMs = 5_000) =>
      waitFor(() => calls, "call", (c) => `${c.sid} to ${c.to} [${c.status}]${c.gather ? " gathering" : ""}`, predicate, timeoutMs),
    setCallOutcome(to, outcome) {
      callOutcomes.set(to, Array.isArray(outcome) ? [...outcome] : [outcome]);
    },
    setSmsOutcome(to, outcome) {
      smsOutcomes.set(to, outcome);
    },
    setFailure(kind, failure) {
      if (failure.times < 1) return;
      const queue = failures.get(kind) ?? [];
      queue.push({ ...failure });
      failures.set(kind, queue);
    },
    pressDigits: (callSid, digits) =>
      track(
        (async () => {
          const call = findCall(callSid);
          const gather = call.gather;
          if (call.status !== "in-progress" || !gather) throw new Error(`fake Twilio: call ${callSid} is ${call.status} and not waiting for keys`);
          call.digits.push(digits);
          call.gather = null;
          const params = { ...callParams(call, "in-progress"), Digits: digits, FinishedOnKey: "", msg: "Gather End" };
          const answer = await postToCalpage("gather", call.sid, gather.action, params);
          const ok = answer.status !== null && answer.status >= 200 && answer.status < 300;
          await play(call, ok ? answer.body : "", gather.action);
          return { status: answer.status, twiml: answer.body };
        })(),
      ),
    hangUp: (callSid) => track(complete(findCall(callSid))),
    sendInboundSms: ({ from, to, body, url }) =>
      track(
        (async () => {
          const messageSid = sid("SM");
          const word = body.trim().toLowerCase();
          if (STOP_WORDS.has(word)) optedOut.add(from);
          if (START_WORDS.has(word)) optedOut.delete(from);
          const answer = await postToCalpage("inbound_sms", messageSid, url, {
            AccountSid: accountSid,
            ApiVersion: API_VERSION,
            Body: body,
            From: from,
            MessageSid: messageSid,
            NumMedia: "0",
            NumSegments: "1",
            SmsMessageSid: messageSid,
            SmsSid: messageSid,
            SmsStatus: "received",
            To: to,
          });
          return { sid: messageSid, status: answer.status, body: answer.body, replies: messageTexts(answer.body) };
        })(),
      ),
    async settled() {
      // Bounded: each round waits for activity that has its own timeout; new activity is rare.
      for (let i = 0; i < 50 && inFlight.size > 0; i++) await Promise.allSettled([...inFlight]);
    },
    reset() {
      messages.length = 0;
      calls.length = 0;
      requests.length = 0;
      unexpected.length = 0;
      callbacks.length = 0;
    },
    async close() {
      closed = true;
      abort.abort();
      for (const res of hanging) res.socket?.destroy();
      hanging.clear();
      await Promise.allSettled([...inFlight]);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      events.removeAllListeners();
    },
  };
  return fake;
}
