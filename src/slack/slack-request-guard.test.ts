import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { signSlackRequest } from "../../tests/support/slack-signing.js";
import { SLACK_MAX_BODY_BYTES, checkHeaders, signatureMatches } from "./slack-request-guard.js";

const SECRET = "guard-test-secret";
const NOW_MS = Date.parse("2026-12-04T12:00:00Z");
const nowS = NOW_MS / 1000;

const req = (headers: Record<string, string | string[]>, method = "POST") => ({ method, headers }) as unknown as IncomingMessage;
const signed = (timestampSeconds: number, extra: Record<string, string> = {}) => req({ ...signSlackRequest(SECRET, "body", timestampSeconds), ...extra });

describe("checkHeaders (decided before any of the body is read)", () => {
  it("takes a signed request from now, 5 minutes back or 5 minutes ahead", () => {
    for (const offset of [0, -300, 300]) expect(checkHeaders(signed(nowS + offset), NOW_MS, SLACK_MAX_BODY_BYTES)).toBeNull();
  });

  it("refuses timestamps more than 5 minutes away, in either direction", () => {
    for (const offset of [-301, 301, -3600, 600]) {
      expect(checkHeaders(signed(nowS + offset), NOW_MS, SLACK_MAX_BODY_BYTES)).toEqual({
        status: 401,
        error: "x-slack-request-timestamp: more than 5 minutes away from calpage's clock",
      });
    }
  });

  it("names the missing or malformed header", () => {
    const { "x-slack-signature": signature, "x-slack-request-timestamp": timestamp } = signSlackRequest(SECRET, "body", nowS);
    const cases: [Record<string, string | string[]>, string][] = [
      [{}, "x-slack-signature: missing"],
      [{ "x-slack-request-timestamp": timestamp }, "x-slack-signature: missing"],
      [{ "x-slack-signature": "v1=abc", "x-slack-request-timestamp": timestamp }, "x-slack-signature: not a v0 signature"],
      [{ "x-slack-signature": [signature, signature], "x-slack-request-timestamp": timestamp }, "x-slack-signature: missing"],
      [{ "x-slack-signature": signature }, "x-slack-request-timestamp: missing"],
      [{ "x-slack-signature": signature, "x-slack-request-timestamp": "1e9" }, "x-slack-request-timestamp: not a number of seconds"],
      [{ "x-slack-signature": signature, "x-slack-request-timestamp": "-5" }, "x-slack-request-timestamp: not a number of seconds"],
    ];
    for (const [headers, error] of cases) expect(checkHeaders(req(headers), NOW_MS, SLACK_MAX_BODY_BYTES)).toEqual({ status: 401, error });
  });

  it("refuses a declared body over the cap with 413, and only POST", () => {
    expect(checkHeaders(signed(nowS, { "content-length": String(SLACK_MAX_BODY_BYTES) }), NOW_MS, SLACK_MAX_BODY_BYTES)).toBeNull();
    expect(checkHeaders(signed(nowS, { "content-length": String(SLACK_MAX_BODY_BYTES + 1) }), NOW_MS, SLACK_MAX_BODY_BYTES)?.status).toBe(413);
    expect(checkHeaders(signed(nowS, { "content-length": "lots" }), NOW_MS, SLACK_MAX_BODY_BYTES)?.status).toBe(413);
    expect(checkHeaders(req({}, "GET"), NOW_MS, SLACK_MAX_BODY_BYTES)?.status).toBe(405);
  });
});

describe("signatureMatches", () => {
  it("accepts Slack's v0 HMAC of the exact body and nothing else", () => {
    const body = Buffer.from("payload=%7B%22type%22%3A%22block_actions%22%7D");
    const { "x-slack-signature": signature, "x-slack-request-timestamp": timestamp } = signSlackRequest(SECRET, body.toString(), nowS);
    expect(signatureMatches(SECRET, timestamp, body, signature)).toBe(true);
    expect(signatureMatches("other-secret", timestamp, body, signature)).toBe(false);
    expect(signatureMatches(SECRET, String(nowS + 1), body, signature)).toBe(false);
    expect(signatureMatches(SECRET, timestamp, Buffer.concat([body, Buffer.from("x")]), signature)).toBe(false);
    expect(signatureMatches(SECRET, timestamp, body, signature.slice(0, -1))).toBe(false);
  });
});
