import { describe, expect, it } from "vitest";
import { blockKitProblems } from "./block-kit-problems.js";
import { escalationLogReply } from "./escalation-log-reply.js";

const at = new Date("2025-03-04T13:05:00Z");

describe("escalationLogReply", () => {
  it("prefixes the caller's mrkdwn with the time in the zone, keeping mentions", () => {
    const reply = escalationLogReply({ at, kind: "custom", text: "Step 2: notified on-call of *primary*: <@U1>, <@U2>" }, { timezone: "Europe/Berlin" });
    expect(reply.text).toBe("14:05 CET · Step 2: notified on-call of *primary*: <@U1>, <@U2>");
    expect(reply.blocks).toEqual([
      { type: "context", block_id: "escalation_log", elements: [{ type: "mrkdwn", text: reply.text }] },
    ]);
  });

  it.each([
    ["notify", "📣 08:05 EST · x"],
    ["wait", "⏳ 08:05 EST · x"],
    ["acknowledged", "🟡 08:05 EST · x"],
    ["resolved", "✅ 08:05 EST · x"],
    ["toString", "08:05 EST · x"],
  ])("marks kind %s", (kind, expected) => {
    expect(escalationLogReply({ at, kind, text: "x" }, { timezone: "America/New_York" }).text).toBe(expected);
  });

  it("stays within the context limit without cutting a mention", () => {
    const reply = escalationLogReply({ at, kind: "notify", text: "<@U12345678> ".repeat(400) }, { timezone: "UTC" });
    expect(reply.text.length).toBeLessThanOrEqual(3000);
    expect(reply.text).toMatch(/(<@U12345678> )+…$/);
    expect(blockKitProblems(reply.blocks ?? [])).toEqual([]);
  });

  it("shows phone numbers only by their last four digits, whoever wrote the entry", () => {
    const reply = escalationLogReply({ at, kind: "notify_failed", text: "Could not send a SMS to Alice: The 'To' number +15550000001 is not a valid phone number." }, { timezone: "UTC" });
    expect(reply.text).toBe("13:05 UTC · Could not send a SMS to Alice: The 'To' number …0001 is not a valid phone number.");
  });
});
