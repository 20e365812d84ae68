import { describe, expect, it } from "vitest";
import { parseTimeOption } from "./parse-time-option.js";

const NOW = new Date("2026-12-05T12:00:00Z");
const at = (value: string | undefined, zone = "Europe/Berlin") => {
  const r = parseTimeOption("--at", value, NOW, zone);
  return r.ok ? r.value.toISOString() : r.errors[0];
};

describe("parseTimeOption", () => {
  it("takes an ISO time with a zone as it is, whatever the zone given", () => {
    expect(at("2026-10-25T01:30:00Z")).toBe("2026-10-25T01:30:00.000Z");
    expect(at("2026-10-25T03:30+02:00", "America/New_York")).toBe("2026-10-25T01:30:00.000Z");
  });

  it("reads a local time or date in the zone given, not the machine's (the night clocks go back in Berlin)", () => {
    // 02:30 happens twice on 25 Oct 2026 in Berlin; luxon (and so `explain`, which reads times the same way) takes the second, in CET.
    expect(at("2026-10-25T02:30")).toBe("2026-10-25T01:30:00.000Z");
    expect(at("2026-10-25 04:00")).toBe("2026-10-25T03:00:00.000Z");
    expect(at("2026-10-25")).toBe("2026-10-24T22:00:00.000Z");
    expect(at("2026-10-25T04:00", "America/New_York")).toBe("2026-10-25T08:00:00.000Z");
  });

  it("is the fallback when left out", () => {
    expect(at(undefined)).toBe(NOW.toISOString());
  });

  it.each(["2026-02-30T10:00:00Z", "2026-02-30", "3", "tomorrow", "2026-13-01T00:00"])("refuses %j, saying what it expects and in which zone", (value) => {
    expect(at(value)).toBe(`--at ${value}: expected an ISO time like 2026-11-21T09:00:00Z, or a local time like 2026-11-21T10:00 (read in Europe/Berlin)`);
  });
});
