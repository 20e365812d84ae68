import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createTwilioApi, TwilioApiError } from "./twilio-api.js";

// The API against the full Twilio stand-in (callbacks, calls, opt-out) is tested in
// tests/support/fake-twilio.test.ts; this file keeps to request shape and error classification
// with a bare local server, because src/ must build without tests/ (see the Dockerfile).

const ACCOUNT = "AC11111111111111111111111111111111";
const TOKEN = "api-test-token";
const FROM = "+15550001111";
const TO = "+15551230001";

interface Seen {
  method: string;
  path: string;
  authorization: string | undefined;
  contentType: string | undefined;
  form: Array<[string, string]>;
}

type Answer = (req: IncomingMessage, res: ServerResponse) => void;

const servers: Array<ReturnType<typeof createServer>> = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((resolve) => {
          s.closeAllConnections();
          s.close(() => resolve());
        }),
    ),
  );
});

/** A local HTTP server that records requests and answers with `answer` (default: 201 with a sid). */
async function twilioStandIn(answer?: Answer): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      seen.push({
        method: req.method ?? "",
        path: req.url ?? "",
        authorization: req.headers.authorization,
        contentType: req.headers["content-type"],
        form: [...new URLSearchParams(Buffer.concat(chunks).toString("utf8"))],
      });
      if (answer) return answer(req, res);
      const sid = req.url?.endsWith("/Calls.json") ? "CA0123" : "SM0123";
      res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ sid, status: "queued" }));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Answer => (_req, res) =>
  res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));

const api = (apiUrl: string, requestTimeoutMs = 2_000) => createTwilioApi({ accountSid: ACCOUNT, authToken: TOKEN, fromNumber: FROM, apiUrl, requestTimeoutMs });

describe("createTwilioApi", () => {
  it("sends an SMS as a form POST with basic auth, From and the status callback", async () => {
    const tw = await twilioStandIn();
    await expect(api(`${tw.url}/`).sendSms(TO, "calpage #1: DiskFull", { statusCallback: "https://calpage.example.com/twilio/sms/status?page=1" })).resolves.toEqual({
      sid: "SM0123",
    });
    expect(tw.seen).toEqual([
      {
        method: "POST",
        path: `/2010-04-01/Accounts/${ACCOUNT}/Messages.json`,
        authorization: `Basic ${Buffer.from(`${ACCOUNT}:${TOKEN}`).toString("base64")}`,
        contentType: "application/x-www-form-urlencoded",
        form: [
          ["To", TO],
          ["From", FROM],
          ["Body", "calpage #1: DiskFull"],
          ["StatusCallback", "https://calpage.example.com/twilio/sms/status?page=1"],
        ],
      },
    ]);
  });

  it("leaves out StatusCallback when none is given", async () => {
    const tw = await twilioStandIn();
    await api(tw.url).sendSms(TO, "hi");
    expect(tw.seen[0]?.form).toEqual([
      ["To", TO],
      ["From", FROM],
      ["Body", "hi"],
    ]);
  });

  it("starts a call with Url, the four progress events and a clamped Timeout", async () => {
    const tw = await twilioStandIn();
    await expect(
      api(tw.url).startCall(TO, { twimlUrl: "https://calpage.example.com/twilio/voice/answer?page=3", statusCallback: "https://calpage.example.com/twilio/voice/status", timeoutSeconds: 2 }),
    ).resolves.toEqual({ sid: "CA0123" });
    expect(tw.seen[0]?.path).toBe(`/2010-04-01/Accounts/${ACCOUNT}/Calls.json`);
    expect(tw.seen[0]?.form).toEqual([
      ["To", TO],
      ["From", FROM],
      ["Url", "https://calpage.example.com/twilio/voice/answer?page=3"],
      ["Method", "POST"],
      ["StatusCallback", "https://calpage.example.com/twilio/voice/status"],
      ["StatusCallbackMethod", "POST"],
      ["StatusCallbackEvent", "initiated"],
      ["StatusCallbackEvent", "ringing"],
      ["StatusCallbackEvent", "answered"],
      ["StatusCallbackEvent", "completed"],
      ["Timeout", "5"],
    ]);
  });

  it("asks for answering-machine detection when told to", async () => {
    const tw = await twilioStandIn();
    await api(tw.url).startCall(TO, { twimlUrl: "https://calpage.example.com/twilio/voice/answer?page=3", machineDetection: "DetectMessageEnd" });
    expect(tw.seen[0]?.form).toContainEqual(["MachineDetection", "DetectMessageEnd"]);
    await api(tw.url).startCall(TO, { twimlUrl: "https://calpage.example.com/twilio/voice/answer?page=4" });
    expect(tw.seen[1]?.form.map(([k]) => k)).not.toContain("MachineDetection");
  });

  const classified: Array<[number, boolean]> = [
    [400, true],
    [401, true],
    [403, true],
    [404, true],
    [429, true],
    [500, false],
    [502, false],
    [503, false],
  ];
  it.each(classified)("HTTP %i: notSent %s (4xx and 429 were rejected, 5xx may have been acted on)", async (status, notSent) => {
    const tw = await twilioStandIn(json(status, { code: 20000 + status, message: "nope", status }));
    const error = await api(tw.url).sendSms(TO, "x").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TwilioApiError);
    expect(error).toMatchObject({ status, code: 20000 + status, notSent });
  });

  it("carries Twilio's error code, message and Retry-After", async () => {
    const invalid = await twilioStandIn(json(400, { code: 21211, message: "The 'To' number 12345 is not a valid phone number.", status: 400 }));
    const error = await api(invalid.url).startCall("12345", { twimlUrl: "https://x.example/t" }).catch((e: unknown) => e);
    expect((error as Error).message).toBe("Twilio call HTTP 400 (21211): The 'To' number 12345 is not a valid phone number.");
    const limited = await twilioStandIn(json(429, { code: 20429, message: "Too Many Requests", status: 429 }, { "retry-after": "3" }));
    await expect(api(limited.url).sendSms(TO, "x")).rejects.toMatchObject({ status: 429, notSent: true, retryAfterMs: 3000 });
  });

  it("a timeout is ambiguous (notSent false)", async () => {
    const tw = await twilioStandIn(() => undefined);
    const error = await api(tw.url, 200).sendSms(TO, "slow").catch((e: unknown) => e);
    expect(error).toMatchObject({ status: null, code: null, notSent: false });
    expect((error as Error).message).toContain("no answer within 200 ms");
  });

  it("a reset connection is ambiguous (notSent false)", async () => {
    const tw = await twilioStandIn((req) => req.socket.destroy());
    await expect(api(tw.url).sendSms(TO, "x")).rejects.toMatchObject({ status: null, notSent: false });
  });

  it("a network error is ambiguous (notSent false)", async () => {
    const tw = await twilioStandIn();
    const closed = servers.pop();
    await new Promise<void>((resolve) => closed?.close(() => resolve()));
    const error = await api(tw.url).sendSms(TO, "x").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TwilioApiError);
    expect(error).toMatchObject({ status: null, code: null, notSent: false });
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
  });

  it("a 2xx without a sid is an error that must not be retried", async () => {
    const tw = await twilioStandIn(json(201, {}));
    await expect(api(tw.url).sendSms(TO, "x")).rejects.toMatchObject({ status: 201, notSent: false });
  });

  it("a non-JSON error page keeps its status and text", async () => {
    const tw = await twilioStandIn((_req, res) => res.writeHead(502, { "content-type": "text/html" }).end("<h1>Bad Gateway</h1>"));
    const error = await api(tw.url).sendSms(TO, "x").catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 502, code: null, notSent: false });
    expect((error as Error).message).toContain("Bad Gateway");
  });

  it("defaults to api.twilio.com", async () => {
    const urls: string[] = [];
    const fake: typeof fetch = (input) => {
      urls.push(String(input));
      return Promise.resolve(new Response(JSON.stringify({ sid: "SM1" }), { status: 201 }));
    };
    await createTwilioApi({ accountSid: ACCOUNT, authToken: TOKEN, fromNumber: FROM, apiUrl: null, fetch: fake }).sendSms(TO, "x");
    expect(urls).toEqual([`https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT}/Messages.json`]);
  });
});

describe("createTwilioApi: observe (metrics)", () => {
  it("tells each request's method and outcome: ok, rate_limited (429), rejected (other 4xx), failed (5xx, no answer)", async () => {
    const statuses = [201, 429, 400, 503];
    const { url } = await twilioStandIn((_req, res) => {
      const status = statuses.shift()!;
      if (status === 201) return void res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ sid: "SM1" }));
      res.writeHead(status, { "content-type": "application/json", "retry-after": "1" }).end(JSON.stringify({ code: 20000 + status, message: "no" }));
    });
    const seen: Array<[string, string]> = [];
    const observe = (method: string, outcome: string, seconds: number) => {
      expect(seconds).toBeGreaterThanOrEqual(0);
      seen.push([method, outcome]);
    };
    const api = createTwilioApi({ accountSid: ACCOUNT, authToken: TOKEN, fromNumber: FROM, apiUrl: url, observe });
    await api.sendSms(TO, "one");
    await expect(api.sendSms(TO, "two")).rejects.toBeInstanceOf(TwilioApiError);
    await expect(api.startCall(TO, { twimlUrl: "http://127.0.0.1/twiml" })).rejects.toBeInstanceOf(TwilioApiError);
    await expect(api.sendSms(TO, "four")).rejects.toBeInstanceOf(TwilioApiError);
    const closed = createTwilioApi({ accountSid: ACCOUNT, authToken: TOKEN, fromNumber: FROM, apiUrl: "http://127.0.0.1:1", observe });
    await expect(closed.startCall(TO, { twimlUrl: "http://127.0.0.1/twiml" })).rejects.toBeInstanceOf(TwilioApiError);
    expect(seen).toEqual([
      ["sms", "ok"],
      ["sms", "rate_limited"],
      ["call", "rejected"],
      ["sms", "failed"],
      ["call", "failed"],
    ]);
  });
});
