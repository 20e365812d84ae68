import { describe, expect, it } from "vitest";
import { parseReportCommand } from "./parse-report-command.js";

const SCHEDULES = ["primary", "db-oncall"];

describe("parseReportCommand", () => {
  it.each([
    [[], { kind: "fairness", schedule: null, month: null }],
    [["primary"], { kind: "fairness", schedule: "primary", month: null }],
    [["#db-oncall", "2026-03"], { kind: "fairness", schedule: "db-oncall", month: "2026-03" }],
    [["march", "primary"], { kind: "fairness", schedule: "primary", month: "march" }],
    [["2026-3"], { kind: "fairness", schedule: null, month: "2026-03" }],
    [["help"], { kind: "help" }],
  ])("%j", (words, expected) => {
    expect(parseReportCommand(words, SCHEDULES)).toEqual(expected);
  });

  it("names the word it does not understand, the usage and the schedules", () => {
    expect(parseReportCommand(["secondary"], SCHEDULES)).toMatchObject({ kind: "error", message: expect.stringContaining('"secondary" is neither') });
    expect(parseReportCommand(["prod-db"], SCHEDULES)).toMatchObject({ kind: "error", message: expect.stringContaining('"prod-db" is neither a schedule nor a month') });
    expect(parseReportCommand(["prod-db"], SCHEDULES)).toMatchObject({ message: expect.stringContaining("Schedules: primary, db-oncall") });
    expect(parseReportCommand(["primary", "march", "april"], SCHEDULES).kind).toBe("error");
  });
});
