import { describe, expect, it } from "vitest";
import { hashVerificationCode, newVerificationCode, normaliseCode, verificationCodeMatches, verificationSmsText } from "./verification-code.js";

describe("verification codes", () => {
  it("are six digits and vary", () => {
    const codes = Array.from({ length: 200 }, () => newVerificationCode());
    for (const c of codes) expect(c).toMatch(/^\d{6}$/);
    expect(new Set(codes).size).toBeGreaterThan(190);
  });

  it("match only for the same person, number and code", () => {
    const hash = hashVerificationCode("a@example.com", "+4915112345678", "012345");
    expect(hash).not.toContain("012345");
    expect(verificationCodeMatches(hash, "a@example.com", "+4915112345678", "012345")).toBe(true);
    expect(verificationCodeMatches(hash, "a@example.com", "+4915112345678", "012346")).toBe(false);
    expect(verificationCodeMatches(hash, "b@example.com", "+4915112345678", "012345")).toBe(false);
    expect(verificationCodeMatches(hash, "a@example.com", "+4915112345679", "012345")).toBe(false);
    expect(verificationCodeMatches("abcd", "a@example.com", "+4915112345678", "012345")).toBe(false);
  });

  it.each([
    ["123456", "123456"],
    [" 123 456 ", "123456"],
    ["123-456", "123456"],
    ["12345", null],
    ["1234567", null],
    ["abcdef", null],
  ])("normaliseCode(%j) = %s", (text, code) => {
    expect(normaliseCode(text)).toBe(code);
  });

  it("texts the code with its lifetime", () => {
    expect(verificationSmsText("123456")).toBe("calpage verification code: 123456. It expires in 10 minutes.");
  });
});
