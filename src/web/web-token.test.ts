import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signWebToken, verifyWebToken, type WebIdentity } from "./web-token.js";

const SECRET = "a-signing-secret-of-this-calpage";
const NOW = Date.UTC(2026, 11, 5, 9, 0);
const alice: WebIdentity = { userId: "U0ALICE1", email: "alice@example.com", tz: "Europe/Berlin", expiresAt: NOW + 12 * 3600_000 };

describe("web link tokens", () => {
  it("gives back who it was signed for until it expires", () => {
    const token = signWebToken(alice, SECRET);
    expect(verifyWebToken(token, SECRET, NOW)).toEqual({ ok: true, identity: alice });
    expect(verifyWebToken(token, SECRET, alice.expiresAt - 1)).toEqual({ ok: true, identity: alice });
  });

  it("refuses it from the moment it expires", () => {
    const token = signWebToken(alice, SECRET);
    expect(verifyWebToken(token, SECRET, alice.expiresAt)).toEqual({ ok: false, reason: "expired" });
    expect(verifyWebToken(token, SECRET, alice.expiresAt + 86_400_000)).toEqual({ ok: false, reason: "expired" });
  });

  it("refuses a token signed with another secret (another calpage, or a guess)", () => {
    const token = signWebToken(alice, "some-other-secret");
    expect(verifyWebToken(token, SECRET, NOW)).toEqual({ ok: false, reason: "forged" });
  });

  it("refuses a token whose identity or expiry was edited, keeping the signature", () => {
    const token = signWebToken(alice, SECRET);
    const [, sig] = token.split(".");
    const asBob = Buffer.from(JSON.stringify({ u: "U0BOB001", e: "bob@example.com", z: null, x: alice.expiresAt })).toString("base64url");
    const later = Buffer.from(JSON.stringify({ u: "U0ALICE1", e: "alice@example.com", z: "Europe/Berlin", x: alice.expiresAt + 365 * 86_400_000 })).toString("base64url");
    expect(verifyWebToken(`${asBob}.${sig}`, SECRET, NOW)).toEqual({ ok: false, reason: "forged" });
    expect(verifyWebToken(`${later}.${sig}`, SECRET, NOW)).toEqual({ ok: false, reason: "forged" });
    // A signature cut short when the link was copied.
    expect(verifyWebToken(token.slice(0, -3), SECRET, NOW)).toEqual({ ok: false, reason: "forged" });
  });

  it.each([[""], ["no-dot-at-all"], ["a.b.c"], [".sig"], ["x".repeat(5000)]])("refuses the malformed token %j without throwing", (token) => {
    expect(verifyWebToken(token, SECRET, NOW)).toEqual({ ok: false, reason: "malformed" });
  });

  it("refuses a correctly signed payload that is not an identity", () => {
    // Only calpage's key makes these; they are still checked field by field.
    const signed = (payload: string) => {
      const p = Buffer.from(payload).toString("base64url");
      return `${p}.${createHmac("sha256", SECRET).update(`calpage-web-v1.${p}`).digest("base64url")}`;
    };
    expect(verifyWebToken(signed("not json"), SECRET, NOW)).toEqual({ ok: false, reason: "malformed" });
    expect(verifyWebToken(signed(JSON.stringify({ u: "U1", e: null, z: null })), SECRET, NOW)).toEqual({ ok: false, reason: "malformed" });
    expect(verifyWebToken(signed(JSON.stringify({ u: 7, e: null, z: null, x: NOW + 1000 })), SECRET, NOW)).toEqual({ ok: false, reason: "malformed" });
    expect(verifyWebToken(signed(JSON.stringify({ u: "U1", e: null, z: null, x: NOW + 1000 })), SECRET, NOW)).toEqual({
      ok: true,
      identity: { userId: "U1", email: null, tz: null, expiresAt: NOW + 1000 },
    });
  });
});
