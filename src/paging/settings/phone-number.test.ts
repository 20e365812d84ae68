import { describe, expect, it } from "vitest";
import { maskPhone, parsePhoneNumber } from "./phone-number.js";

describe("parsePhoneNumber", () => {
  it.each([
    ["+4915112345678", "+4915112345678"],
    [" +49 151 1234-5678 ", "+4915112345678"],
    ["+1 (555) 000.0001", "+15550000001"],
    ["004915112345678", "+4915112345678"],
    ["<tel:+4915112345678|+49 151 12345678>", "+4915112345678"],
  ])("%j -> %s", (text, phone) => {
    expect(parsePhoneNumber(text)).toEqual({ ok: true, phone });
  });

  it.each([
    ["015112345678", /no country code/],
    ["", /international form/],
    ["+49", /not a phone number/],
    ["+0151123456789", /not a phone number/],
    ["+49151123456789012", /not a phone number/],
    ["+49 151 CALLME", /not a phone number/],
  ])("refuses %j", (text, message) => {
    const r = parsePhoneNumber(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });

  it("does not repeat a refused number in full (the answer is Slack text)", () => {
    const local = parsePhoneNumber("0151 12345678");
    expect(local).toEqual({ ok: false, message: "…5678 has no country code: write it in international form starting with +, like `+4915112345678`." });
    const long = parsePhoneNumber("+49 151 1234567890123");
    expect(long.ok === false && long.message).toBe("…0123 is not a phone number in international form: a + and 8 to 15 digits, like `+4915112345678`.");
  });
});

describe("maskPhone", () => {
  it("shows only the last four digits", () => {
    expect(maskPhone("+4915112345678")).toBe("…5678");
    expect(maskPhone("+15550000001")).toBe("…0001");
  });
});
