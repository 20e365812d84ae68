import { describe, expect, it } from "vitest";
import { createRedactor, envSecrets, maskPhone, maskPhoneNumbers, REDACTED } from "./redact.js";

describe("maskPhone / maskPhoneNumbers", () => {
  it("keeps only the last four digits, in one format", () => {
    expect(maskPhone("+4915112345678")).toBe("…5678");
    expect(maskPhone("+1 (555) 000-0001")).toBe("…0001");
  });

  it.each([
    ["Sent an SMS to +15550000001.", "Sent an SMS to …0001."],
    ["The 'To' number +49 151 1234-5678 is not a valid phone number", "The 'To' number …5678 is not a valid phone number"],
    ["To=%2B15550000001&From=%2B15550009999", "To=…0001&From=…9999"],
    ["numbers +15550000001, +15550000002", "numbers …0001, …0002"],
  ])("%s", (text, expected) => {
    expect(maskPhoneNumbers(text)).toBe(expected);
  });

  it.each([
    "2026-11-22T09:00:00+01:00",
    "#42 firing, 3 alerts",
    "ts 1700000000.000100",
    "retry in +30s",
    "+1234567 is too short to be a number",
  ])("leaves %s alone", (text) => {
    expect(maskPhoneNumbers(text)).toBe(text);
  });
});

describe("createRedactor", () => {
  const token = "e2e-alertmanager-token-0001";
  const r = createRedactor([token, "xoxb-1234-abcdef", "tw1l10-auth-token-value", null, undefined, "short"]);

  it("replaces known secret values wherever they are", () => {
    expect(r.redact(`config has ${token} and tw1l10-auth-token-value`)).toBe(`config has ${REDACTED} and ${REDACTED}`);
  });

  it("does not replace values too short to be secrets (they would mangle text)", () => {
    expect(r.redact("a short answer")).toBe("a short answer");
  });

  it("replaces the URL-encoded form of a secret too", () => {
    const odd = createRedactor(["secret with spaces&more"]);
    expect(odd.redact(`q=${encodeURIComponent("secret with spaces&more")}`)).toBe(`q=${REDACTED}`);
  });

  it.each([
    ["http: POST /integrations/v1/alertmanager/some-unknown-token-123/ failed: boom", `http: POST /integrations/v1/alertmanager/${REDACTED}/ failed: boom`],
    ["GET /integrations/v1/webhook/abcdefabcdefabcdef/heartbeat/", `GET /integrations/v1/webhook/${REDACTED}/heartbeat/`],
    ["GET /ical/schedules/primary.ics?token=abcdefghijklmnop0123 -> 500", `GET /ical/schedules/primary.ics?token=${REDACTED} -> 500`],
    ["GET /ical/users/a@example.com.ics?x=1&token=abc", `GET /ical/users/a@example.com.ics?x=1&token=${REDACTED}`],
    ["slack: an API error occurred: invalid_auth for xoxb-999-888-unknownvalue", `slack: an API error occurred: invalid_auth for ${REDACTED}`],
    ["socket mode with xapp-1-A0-123-abc failed", `socket mode with ${REDACTED} failed`],
    ["header Authorization: Bearer abcdefghijklmnopqrstuvwxyz", `header Authorization: Bearer ${REDACTED}`],
    ["connect postgres://calpage:hunter2hunter2@db:5432/calpage", `connect postgres://calpage:${REDACTED}@db:5432/calpage`],
    ["slash command /oncall me verify 123456 failed", `slash command /oncall me verify ${REDACTED} failed`],
    ["texted: calpage verification code: 654321. It expires", `texted: calpage verification code: ${REDACTED}. It expires`],
  ])("pattern: %s", (text, expected) => {
    expect(r.redact(text)).toBe(expected);
  });

  it("masks phone numbers", () => {
    expect(r.redact("Could not send a SMS to Alice (+15550000001)")).toBe("Could not send a SMS to Alice (…0001)");
  });

  it("learns secrets later (tokens generated at start)", () => {
    const later = createRedactor();
    const generated = "Zk3_generated-token-value-0123456789abcdef";
    expect(later.redact(`token ${generated}`)).toBe(`token ${generated}`);
    later.add([generated]);
    expect(later.redact(`token ${generated}`)).toBe(`token ${REDACTED}`);
  });

  it("replaces a secret that contains another one whole", () => {
    const nested = createRedactor(["abcdefgh", "abcdefgh-and-more"]);
    expect(nested.redact("x abcdefgh-and-more y")).toBe(`x ${REDACTED} y`);
  });

  it("leaves ordinary log lines as they are", () => {
    const line = "integration prod (alertmanager): http://localhost:8080/integrations/v1/alertmanager/<token>/ — token from calpage.yaml";
    expect(r.redact(line)).toBe(line);
    expect(r.redact("job escalation.step failed: group #42 is gone")).toBe("job escalation.step failed: group #42 is gone");
  });
});

describe("envSecrets", () => {
  it("names the credentials of the environment", () => {
    expect(envSecrets({ SLACK_BOT_TOKEN: "b", SLACK_SIGNING_SECRET: "s", SLACK_APP_TOKEN: "a", TWILIO_AUTH_TOKEN: "t", METRICS_TOKEN: "m", PORT: "8080" })).toEqual(["b", "s", "a", "t", "m"]);
  });
});
