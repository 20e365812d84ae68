import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { BodyTooLargeError, readBody } from "../http/read-body.js";
import { sendJson } from "../http/send.js";

/** Slack's requests (events, commands, interactions) are a few KiB; 1 MiB is far above any of them. */
export const SLACK_MAX_BODY_BYTES = 1024 * 1024;
/** Slack's documented replay window: a request signed more than 5 minutes before or after now is refused. */
export const SLACK_TIMESTAMP_WINDOW_SECONDS = 5 * 60;

export interface SlackRequestGuardOptions {
  signingSecret: string;
  /** Epoch ms. */
  now?: () => number;
  maxBodyBytes?: number;
}

/** What calpage answers a refused Slack request with, and why. */
type Refusal = { status: 401 | 405 | 413; error: string };

/**
 * Checks a request to /slack/events before Bolt sees it, cheapest test first, so that an
 * unsigned or oversized request costs calpage almost nothing:
 * 1. `X-Slack-Signature` and `X-Slack-Request-Timestamp` present and well formed (else 401, body unread);
 * 2. the timestamp within ±5 minutes of now (else 401, body unread) — Bolt only refuses old ones;
 * 3. `Content-Length` at most 1 MiB (else 413, body unread); a body without one is cut off at 1 MiB (413);
 * 4. the HMAC of the body (else 401).
 * The body read here is handed to Bolt as `req.rawBody` (Bolt's HTTPReceiver uses it instead of
 * reading the stream again) and Bolt then verifies the signature once more.
 */
export function guardSlackRequests(next: RequestListener, options: SlackRequestGuardOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const now = options.now ?? Date.now;
  const limit = options.maxBodyBytes ?? SLACK_MAX_BODY_BYTES;
  return async function guarded(req, res) {
    const refusal = checkHeaders(req, now(), limit);
    if (refusal) return refuse(res, refusal, true);
    let body: Buffer;
    try {
      body = await readBody(req, limit);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return refuse(res, { status: 413, error: `body: Slack requests are at most ${limit} bytes` }, true);
      throw error;
    }
    const headers = signatureHeaders(req)!;
    if (!signatureMatches(options.signingSecret, headers.timestamp, body, headers.signature)) {
      return refuse(res, { status: 401, error: "x-slack-signature: does not match the request (check SLACK_SIGNING_SECRET)" }, false);
    }
    Object.assign(req, { rawBody: body });
    next(req, res);
  };
}

function refuse(res: ServerResponse, refusal: Refusal, bodyUnread: boolean): void {
  // The unread rest of the body is not drained: the connection is closed after the answer.
  sendJson(res, refusal.status, { error: refusal.error }, bodyUnread ? { connection: "close" } : {});
}

function signatureHeaders(req: IncomingMessage): { signature: string; timestamp: string } | null {
  const signature = req.headers["x-slack-signature"];
  const timestamp = req.headers["x-slack-request-timestamp"];
  if (typeof signature !== "string" || typeof timestamp !== "string") return null;
  return { signature, timestamp };
}

/** Everything that can be decided from the request line and headers alone. */
export function checkHeaders(req: IncomingMessage, nowMs: number, limit: number): Refusal | null {
  if (req.method !== "POST") return { status: 405, error: "use POST: /slack/events takes Slack's signed requests" };
  const signature = req.headers["x-slack-signature"];
  const timestamp = req.headers["x-slack-request-timestamp"];
  if (typeof signature !== "string" || signature === "") return { status: 401, error: "x-slack-signature: missing" };
  if (!/^v0=[0-9a-f]{64}$/.test(signature)) return { status: 401, error: "x-slack-signature: not a v0 signature" };
  if (typeof timestamp !== "string" || timestamp === "") return { status: 401, error: "x-slack-request-timestamp: missing" };
  if (!/^\d{1,12}$/.test(timestamp)) return { status: 401, error: "x-slack-request-timestamp: not a number of seconds" };
  if (Math.abs(Number(timestamp) - nowMs / 1000) > SLACK_TIMESTAMP_WINDOW_SECONDS) {
    return { status: 401, error: `x-slack-request-timestamp: more than ${SLACK_TIMESTAMP_WINDOW_SECONDS / 60} minutes away from calpage's clock` };
  }
  const length = req.headers["content-length"];
  if (length !== undefined && !(Number(length) <= limit)) return { status: 413, error: `body: Slack requests are at most ${limit} bytes` };
  return null;
}

/** `v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<body>`, compared in constant time. */
export function signatureMatches(secret: string, timestamp: string, body: Buffer, signature: string): boolean {
  const expected = Buffer.from(`v0=${createHmac("sha256", secret).update(`v0:${timestamp}:`).update(body).digest("hex")}`);
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
