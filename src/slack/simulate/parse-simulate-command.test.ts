import { describe, expect, it } from "vitest";
import { parseSimulateCommand } from "./parse-simulate-command.js";

const NOW = Date.UTC(2026, 11, 7, 10, 0, 0);

describe("parseSimulateCommand", () => {
  it("reads the integration, labels and a time in the asker's zone", () => {
    expect(parseSimulateCommand(["prod"], "Europe/Berlin", NOW)).toEqual({ kind: "simulate", integration: "prod", labels: {}, at: NOW });
    const r = parseSimulateCommand(["prod", "team=db", 'severity="critical"', "tomorrow", "03:00"], "Europe/Berlin", NOW);
    expect(r).toMatchObject({ kind: "simulate", integration: "prod", at: Date.UTC(2026, 11, 8, 2, 0, 0) });
    expect({ ...(r as { labels: Record<string, string> }).labels }).toEqual({ team: "db", severity: "critical" });
    expect(parseSimulateCommand(["prod", "+2h"], "UTC", NOW)).toMatchObject({ at: NOW + 7_200_000 });
  });

  it("says what is wrong", () => {
    expect(parseSimulateCommand([], "UTC", NOW)).toMatchObject({ kind: "error", message: expect.stringContaining("Usage: `/oncall simulate <integration>") });
    expect(parseSimulateCommand(["prod", "someday"], "UTC", NOW)).toMatchObject({ kind: "error", message: expect.stringContaining("Expected a time like") });
    expect(parseSimulateCommand(["prod", "14:00", "team=db"], "UTC", NOW)).toMatchObject({ kind: "error", message: expect.stringContaining("labels as name=value before the time") });
  });
});
