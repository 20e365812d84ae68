import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration } from "./duration.js";

describe("parseDuration", () => {
  it.each([
    ["30s", 30],
    ["5m", 300],
    ["1h30m", 5400],
    ["1h 30m", 5400],
    ["2d", 172800],
    ["1w", 604800],
    ["0.5m", 30],
  ])("%s -> %d seconds", (text, seconds) => expect(parseDuration(text)).toBe(seconds));

  it.each(["", "5", "m", "-5m", "5 minutes", "5mx", "abc"])("rejects %j", (text) =>
    expect(parseDuration(text)).toBeNull(),
  );
});

describe("formatDuration", () => {
  it.each([
    [90, "1m30s"],
    [3600, "1h"],
    [0, "0s"],
    [90061, "1d1h1m1s"],
  ])("%d -> %s", (s, text) => expect(formatDuration(s)).toBe(text));
});
