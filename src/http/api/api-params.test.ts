import { describe, expect, it } from "vitest";
import { ApiError } from "./api-error.js";
import { ApiQuery, decodeCursor, encodeCursor, parseIsoTime, parseSilenceBody } from "./api-params.js";

const NOW = Date.parse("2026-11-21T09:00:00Z");

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApiError) return `${e.status} ${e.field}: ${e.message}`;
    throw e;
  }
  throw new Error("expected an ApiError");
}

describe("API request parameters", () => {
  it("reads ISO 8601 times with a zone, and refuses times without one, or days that do not exist", () => {
    expect(parseIsoTime("at", "2026-11-21T10:00:00+01:00").toISOString()).toBe("2026-11-21T09:00:00.000Z");
    expect(parseIsoTime("at", "2026-11-21T09:00Z").toISOString()).toBe("2026-11-21T09:00:00.000Z");
    expect(fieldOf(() => parseIsoTime("at", "2026-11-21T09:00:00"))).toMatch(/^400 at: at: expected an ISO 8601 time with a zone/);
    expect(fieldOf(() => parseIsoTime("at", "2026-02-30T09:00:00Z"))).toMatch(/^400 at: /);
    expect(fieldOf(() => parseIsoTime("at", "next tuesday"))).toMatch(/^400 at: /);
  });

  it("takes an unencoded + in a query's time offset (it arrives as a space)", () => {
    const q = ApiQuery.parse("/api/v1/oncall?at=2026-11-21T10:00:00+01:00", ["at"]);
    expect(q.time("at")?.toISOString()).toBe("2026-11-21T09:00:00.000Z");
  });

  it("refuses unknown and repeated parameters by name", () => {
    expect(fieldOf(() => ApiQuery.parse("/x?limit=1&limt=2", ["limit"]))).toBe("400 limt: limt: unknown query parameter; this endpoint takes limit");
    expect(fieldOf(() => ApiQuery.parse("/x?limit=1&limit=2", ["limit"]))).toBe("400 limit: limit: given more than once; give it once");
    expect(fieldOf(() => ApiQuery.parse("/x?limit=1", []))).toBe("400 limit: limit: unknown query parameter; this endpoint takes none");
  });

  it("round-trips cursors and refuses made-up ones", () => {
    expect(decodeCursor(encodeCursor(42))).toBe(42);
    expect(fieldOf(() => decodeCursor("42"))).toMatch(/^400 cursor: /);
    expect(fieldOf(() => decodeCursor(Buffer.from("g0").toString("base64url")))).toMatch(/^400 cursor: /);
  });

  it("reads a silence as a duration, forever, or until a future time", () => {
    expect(parseSilenceBody({ duration: "1h30m" }, NOW)).toBe(5400);
    expect(parseSilenceBody({ duration: "Forever" }, NOW)).toBeNull();
    expect(parseSilenceBody({ until: "2026-11-21T09:30:00.500Z" }, NOW)).toBe(1801);
    expect(fieldOf(() => parseSilenceBody({ duration: "0m" }, NOW))).toMatch(/^400 duration: /);
    expect(fieldOf(() => parseSilenceBody({ until: "2026-11-21T09:00:00Z" }, NOW))).toBe("400 until: until: is not in the future");
    expect(fieldOf(() => parseSilenceBody(null, NOW))).toMatch(/^400 body: /);
  });

  it("refuses a silence duration that ends past any time calpage can store and show (instead of silencing with an invalid end)", () => {
    // 99999999w from 2026 is year ~1.9 million: no Date can hold it; "forever" is how to say that.
    expect(fieldOf(() => parseSilenceBody({ duration: "99999999w" }, NOW))).toBe(
      '400 duration: duration: "99999999w" ends after 9999-12-31; give a shorter duration, or "forever"',
    );
    const longest = parseSilenceBody({ duration: "400000w" }, NOW)!;
    expect(new Date(NOW + longest * 1000).toISOString()).toMatch(/^9[0-9]{3}-/);
  });
});
