import { describe, expect, it } from "vitest";
import { formatClock, formatDateTime, formatTimeNear } from "./format-time.js";

const winter = new Date("2025-01-15T13:03:00Z");
const summer = new Date("2025-07-15T12:03:00Z");

describe("formatClock", () => {
  it.each([
    [winter, "Europe/Berlin", "14:03 CET"],
    [summer, "Europe/Berlin", "14:03 CEST"],
    [winter, "America/New_York", "08:03 EST"],
    [summer, "America/New_York", "08:03 EDT"],
    [summer, "Europe/London", "13:03 BST"],
    [winter, "UTC", "13:03 UTC"],
    [winter, "Asia/Tokyo", "22:03 UTC+9"],
    [winter, "Asia/Kolkata", "18:33 IST"],
  ] as const)("%s in %s", (at, zone, expected) => {
    expect(formatClock(at, zone)).toBe(expected);
  });

  it("does not depend on the host zone", () => {
    // Same instant, same zone: the result must not move with the host time zone (TZ).
    expect(formatClock(winter, "Pacific/Auckland")).toMatch(/^02:03 /);
  });

  it("falls back to labelled UTC for an unknown zone", () => {
    expect(formatClock(winter, "Mars/Olympus")).toBe("13:03 UTC");
  });
});

describe("formatDateTime / formatTimeNear", () => {
  it("adds the date, and the year only when it differs from the reference", () => {
    expect(formatDateTime(winter, "Europe/Berlin")).toBe("Wed 15 Jan, 14:03 CET");
    expect(formatDateTime(winter, "Europe/Berlin", new Date("2024-12-31T12:00:00Z"))).toBe("Wed 15 Jan 2025, 14:03 CET");
  });
  it("shows only the clock on the same local day", () => {
    expect(formatTimeNear(new Date("2025-01-15T22:59:00Z"), winter, "Europe/Berlin")).toBe("23:59 CET");
    expect(formatTimeNear(new Date("2025-01-15T23:01:00Z"), winter, "Europe/Berlin")).toBe("Thu 16 Jan, 00:01 CET");
  });
});
