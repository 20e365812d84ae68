import twilio from "twilio";
import { describe, expect, it } from "vitest";
import { parseTwilioForm, twilioSignature, verifyTwilioSignature } from "./verify-signature.js";

const TOKEN = "12345";
const URL_ = "https://calpage.example.com/twilio/sms/inbound?team=db";
const PARAMS = {
  AccountSid: "AC00000000000000000000000000000000",
  Body: "42a",
  From: "+15551230001",
  MessageSid: "SM0123456789abcdef0123456789abcdef",
  To: "+15559870000",
};

describe("twilioSignature / verifyTwilioSignature", () => {
  it("computes the same signature as the twilio package's own helper", () => {
    const expected = twilio.getExpectedTwilioSignature(TOKEN, URL_, PARAMS);
    expect(twilioSignature(TOKEN, URL_, PARAMS)).toBe(expected);
    // Pinned, so a change in either implementation is noticed.
    expect(expected).toBe("d/CBhGRrlyMCwkS8mMYAKSOdu9k=");
    expect(verifyTwilioSignature({ authToken: TOKEN, url: URL_, params: PARAMS, signature: expected })).toBe(true);
    expect(twilio.validateRequest(TOKEN, expected, URL_, PARAMS)).toBe(true);
  });

  it("matches Twilio's documented example", () => {
    // https://www.twilio.com/docs/usage/security#validating-requests
    const params = { CallSid: "CA1234567890ABCDE", Caller: "+12349013030", Digits: "1234", From: "+12349013030", To: "+18005551212" };
    const url = "https://mycompany.com/myapp.php?foo=1&bar=2";
    expect(twilioSignature(TOKEN, url, params)).toBe("0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
    expect(verifyTwilioSignature({ authToken: TOKEN, url, params, signature: "0/KCTR6DLpKmkAf8muzZqo1nDgQ=" })).toBe(true);
  });

  it("sorts field names and handles repeated fields like the helper", () => {
    const params = { Zeta: "1", Alpha: "2", StatusCallbackEvent: ["ringing", "initiated", "ringing"] };
    const signature = twilio.getExpectedTwilioSignature(TOKEN, URL_, params);
    expect(twilioSignature(TOKEN, URL_, params)).toBe(signature);
    expect(verifyTwilioSignature({ authToken: TOKEN, url: URL_, params, signature })).toBe(true);
  });

  it("treats unicode bodies as UTF-8", () => {
    const params = { ...PARAMS, Body: "Ack 42 ✅ — grüße" };
    const signature = twilio.getExpectedTwilioSignature(TOKEN, URL_, params);
    expect(verifyTwilioSignature({ authToken: TOKEN, url: URL_, params, signature })).toBe(true);
  });

  it("rejects a changed field, URL, token, missing or malformed signature", () => {
    const signature = twilio.getExpectedTwilioSignature(TOKEN, URL_, PARAMS);
    const check = (over: Partial<Parameters<typeof verifyTwilioSignature>[0]>) =>
      verifyTwilioSignature({ authToken: TOKEN, url: URL_, params: PARAMS, signature, ...over });
    expect(check({})).toBe(true);
    expect(check({ params: { ...PARAMS, Body: "42r" } })).toBe(false);
    expect(check({ params: { ...PARAMS, Extra: "" } })).toBe(false);
    expect(check({ url: "https://calpage.example.com/twilio/sms/inbound?team=web" })).toBe(false);
    expect(check({ url: "http://calpage.example.com/twilio/sms/inbound?team=db" })).toBe(false);
    expect(check({ authToken: "54321" })).toBe(false);
    expect(check({ authToken: "" })).toBe(false);
    expect(check({ signature: undefined })).toBe(false);
    expect(check({ signature: null })).toBe(false);
    expect(check({ signature: "" })).toBe(false);
    expect(check({ signature: signature.slice(0, -2) })).toBe(false);
    expect(check({ signature: `${signature}x` })).toBe(false);
  });

  it("accepts the URL with or without the default port, as Twilio's helper does", () => {
    const withPort = "https://calpage.example.com:443/twilio/voice?page=7";
    const without = "https://calpage.example.com/twilio/voice?page=7";
    const signedWithPort = twilio.getExpectedTwilioSignature(TOKEN, withPort, PARAMS);
    const signedWithout = twilio.getExpectedTwilioSignature(TOKEN, without, PARAMS);
    expect(verifyTwilioSignature({ authToken: TOKEN, url: without, params: PARAMS, signature: signedWithPort })).toBe(true);
    expect(verifyTwilioSignature({ authToken: TOKEN, url: withPort, params: PARAMS, signature: signedWithout })).toBe(true);
    // A non-default port is part of the URL.
    const other = twilio.getExpectedTwilioSignature(TOKEN, "https://calpage.example.com:8443/twilio/voice?page=7", PARAMS);
    expect(verifyTwilioSignature({ authToken: TOKEN, url: without, params: PARAMS, signature: other })).toBe(false);
    const local = "http://127.0.0.1:3000/twilio/voice";
    expect(verifyTwilioSignature({ authToken: TOKEN, url: local, params: PARAMS, signature: twilio.getExpectedTwilioSignature(TOKEN, local, PARAMS) })).toBe(true);
  });

  it("parseTwilioForm keeps repeated fields as arrays", () => {
    expect(parseTwilioForm("To=%2B15551230001&Body=42+a&StatusCallbackEvent=initiated&StatusCallbackEvent=ringing")).toEqual({
      To: "+15551230001",
      Body: "42 a",
      StatusCallbackEvent: ["initiated", "ringing"],
    });
    expect(parseTwilioForm("")).toEqual({});
  });
});
