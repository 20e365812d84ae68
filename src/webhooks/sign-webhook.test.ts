import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signWebhook, webhookHeaders } from "./sign-webhook.js";

describe("signWebhook", () => {
  it("is sha256= and the hex HMAC-SHA256 of '<timestamp>.<body>' under the secret", () => {
    // Computed independently: printf '%s' '1700000000.{"event":"opened"}' | openssl dgst -sha256 -hmac my-secret
    expect(signWebhook("my-secret", 1700000000, '{"event":"opened"}')).toBe("sha256=c52e6b6dbbf7baa219f8989158d233e350150e86876dfb546b10f97c414c27ec");
    // …which is what a receiver computes with its own HMAC.
    expect(signWebhook("my-secret", 1700000000, '{"event":"opened"}')).toBe(
      `sha256=${createHmac("sha256", "my-secret").update('1700000000.{"event":"opened"}').digest("hex")}`,
    );
  });

  it("changes with the secret, the timestamp and any byte of the body", () => {
    const base = signWebhook("secret-a", 1700000000, '{"a":1}');
    expect(signWebhook("secret-b", 1700000000, '{"a":1}')).not.toBe(base);
    expect(signWebhook("secret-a", 1700000001, '{"a":1}')).not.toBe(base);
    expect(signWebhook("secret-a", 1700000000, '{"a":2}')).not.toBe(base);
    expect(signWebhook("secret-a", 1700000000, '{"a":1}')).toBe(base);
  });
});

describe("webhookHeaders", () => {
  it("sets the event, delivery id, timestamp and signature, and extra headers cannot replace them", () => {
    const h = webhookHeaders("s3cret-s3cret-s3cret", { event: "resolved", deliveryId: "d-1", timestampSeconds: 1700000000 }, "{}", {
      "X-Ticket-Queue": "ops",
      "x-calpage-signature": "forged",
    });
    expect(h).toMatchObject({
      "X-Ticket-Queue": "ops",
      "content-type": "application/json",
      "x-calpage-event": "resolved",
      "x-calpage-delivery": "d-1",
      "x-calpage-timestamp": "1700000000",
      "x-calpage-signature": signWebhook("s3cret-s3cret-s3cret", 1700000000, "{}"),
    });
  });
});
