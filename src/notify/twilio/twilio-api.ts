/**
 * The Twilio REST calls calpage makes (send an SMS, start a call), as a port with one
 * implementation over plain `fetch`, so tests point `apiUrl` at a local stand-in.
 * Nothing here retries: whether a failed send may be repeated is the caller's decision,
 * informed by {@link TwilioApiError.notSent}.
 */

/** The call progress events calpage asks Twilio to report. */
export const CALL_STATUS_EVENTS = ["initiated", "ringing", "answered", "completed"] as const;

export interface SendSmsOptions {
  /** Absolute URL Twilio POSTs delivery status to (`sent`, `delivered`, `undelivered`, `failed`); null = none. */
  statusCallback?: string | null;
}

export interface StartCallOptions {
  /** Absolute URL Twilio POSTs to when the call is answered, to fetch the TwiML to play. */
  twimlUrl: string;
  /** Absolute URL for call progress events ({@link CALL_STATUS_EVENTS}); null = none. */
  statusCallback?: string | null;
  /** Seconds to let the phone ring before giving up with `no-answer` (Twilio default 60, range 5..600). */
  timeoutSeconds?: number;
  /**
   * Twilio's answering-machine detection (`MachineDetection`), synchronous: the TwiML fetch then
   * carries `AnsweredBy` (`human`, `machine_start`, `machine_end_beep`, `machine_end_silence`,
   * `machine_end_other`, `fax`, `unknown`). `DetectMessageEnd` waits for the voicemail greeting to
   * end, so what calpage says is recorded. Left out: no detection.
   */
  machineDetection?: "Enable" | "DetectMessageEnd";
}

/** The port: what the notify jobs need from Twilio. */
export interface TwilioApi {
  /** Queues one SMS from the configured number. Resolves with the `SM…` sid. */
  sendSms(to: string, body: string, options?: SendSmsOptions): Promise<{ sid: string }>;
  /** Starts one outbound call from the configured number. Resolves with the `CA…` sid. */
  startCall(to: string, options: StartCallOptions): Promise<{ sid: string }>;
}

export interface TwilioApiConfig {
  accountSid: string;
  authToken: string;
  /** E.164 number (or messaging sender) the SMS and calls come from. */
  fromNumber: string;
  /** API base without the `/2010-04-01` part; null/undefined = `https://api.twilio.com`. */
  apiUrl?: string | null;
  /** Give up on one request after this long (then the outcome is unknown). Default 10 000 ms. */
  requestTimeoutMs?: number;
  /** For tests; default the global `fetch`. */
  fetch?: typeof fetch;
  /** Told of every request: which (`sms`, `call`), how it went (ok, rate_limited, rejected, failed) and how long it took. */
  observe?: (method: "sms" | "call", outcome: "ok" | "rate_limited" | "rejected" | "failed", seconds: number) => void;
}

/**
 * A failed Twilio request.
 *
 * `notSent` is true only when Twilio certainly did not act on it: it answered 4xx (rejected the
 * request: bad number, auth, validation) or 429 (rate limited). Network errors, timeouts and 5xx
 * are ambiguous — the message or call may exist — so `notSent` is false and the caller must not
 * blindly retry (a second SMS or call at 3 am is worse than a logged failure).
 */
export class TwilioApiError extends Error {
  constructor(
    message: string,
    /** HTTP status, or null when no answer arrived (network error, timeout). */
    readonly status: number | null,
    /** Twilio's error code (e.g. 21211 invalid `To`, 21610 recipient replied STOP), else null. */
    readonly code: number | null,
    readonly notSent: boolean,
    /** From `Retry-After` on 429, else null. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = "TwilioApiError";
  }
}

export const DEFAULT_TWILIO_API_URL = "https://api.twilio.com";

/** The Twilio API over `fetch` with basic auth (account SID : auth token). */
export function createTwilioApi(config: TwilioApiConfig): TwilioApi {
  const base = (config.apiUrl || DEFAULT_TWILIO_API_URL).replace(/\/+$/, "");
  const accountUrl = `${base}/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}`;
  const authorization = `Basic ${Buffer.from(`${config.accountSid}:${config.authToken}`, "utf8").toString("base64")}`;
  const timeoutMs = config.requestTimeoutMs ?? 10_000;
  const doFetch = config.fetch ?? fetch;

  async function post(resource: "Messages.json" | "Calls.json", form: URLSearchParams): Promise<{ sid: string }> {
    const started = performance.now();
    const method = resource === "Messages.json" ? "sms" : "call";
    try {
      const r = await send(resource, form);
      config.observe?.(method, "ok", (performance.now() - started) / 1000);
      return r;
    } catch (error) {
      const status = error instanceof TwilioApiError ? error.status : null;
      const outcome = status === 429 ? "rate_limited" : status !== null && status >= 400 && status < 500 ? "rejected" : "failed";
      config.observe?.(method, outcome, (performance.now() - started) / 1000);
      throw error;
    }
  }

  async function send(resource: "Messages.json" | "Calls.json", form: URLSearchParams): Promise<{ sid: string }> {
    const what = resource === "Messages.json" ? "SMS" : "call";
    let response: Response;
    let text: string;
    try {
      response = await doFetch(`${accountUrl}/${resource}`, {
        method: "POST",
        headers: { authorization, "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: form.toString(),
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
      const detail = timedOut ? `no answer within ${timeoutMs} ms` : describeNetworkError(error);
      throw new TwilioApiError(`Twilio ${what} request failed: ${detail}`, null, null, false);
    }
    const body = parseJson(text);
    if (response.ok) {
      const sid = typeof body?.sid === "string" ? body.sid : "";
      // Twilio accepted it, so it exists; without a sid it cannot be tracked, and must not be re-sent.
      if (!sid) throw new TwilioApiError(`Twilio accepted the ${what} but answered without a sid`, response.status, null, false);
      return { sid };
    }
    const code = typeof body?.code === "number" ? body.code : null;
    const message = typeof body?.message === "string" ? body.message : text.slice(0, 200) || response.statusText;
    const status = response.status;
    const rejected = status >= 400 && status < 500;
    const retryAfterMs = status === 429 ? parseRetryAfter(response.headers.get("retry-after")) : null;
    throw new TwilioApiError(`Twilio ${what} HTTP ${status}${code !== null ? ` (${code})` : ""}: ${message}`, status, code, rejected, retryAfterMs);
  }

  return {
    sendSms(to, body, options = {}) {
      const form = new URLSearchParams({ To: to, From: config.fromNumber, Body: body });
      if (options.statusCallback) form.set("StatusCallback", options.statusCallback);
      return post("Messages.json", form);
    },
    startCall(to, options) {
      const form = new URLSearchParams({ To: to, From: config.fromNumber, Url: options.twimlUrl, Method: "POST" });
      if (options.statusCallback) {
        form.set("StatusCallback", options.statusCallback);
        form.set("StatusCallbackMethod", "POST");
        for (const event of CALL_STATUS_EVENTS) form.append("StatusCallbackEvent", event);
      }
      if (options.timeoutSeconds !== undefined) form.set("Timeout", String(Math.min(600, Math.max(5, Math.round(options.timeoutSeconds)))));
      if (options.machineDetection) form.set("MachineDetection", options.machineDetection);
      return post("Calls.json", form);
    },
  };
}

function parseJson(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function parseRetryAfter(header: string | null): number | null {
  if (header === null) return null;
  const seconds = Number(header.trim());
  return Number.isFinite(seconds) && seconds >= 0 ? Math.round(seconds * 1000) : null;
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  const code = cause !== null && typeof cause === "object" && "code" in cause ? String((cause as { code: unknown }).code) : null;
  return code ? `${error.message} (${code})` : error.message;
}
