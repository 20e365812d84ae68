import { describe, expect, it } from "vitest";
import { parseMeCommand, type MeCommand } from "./parse-me-command.js";

const words = (s: string) => s.split(/\s+/).filter(Boolean);

describe("parseMeCommand", () => {
  const cases: [string, MeCommand][] = [
    ["", { kind: "show" }],
    ["help", { kind: "help" }],
    ["phone +4915112345678", { kind: "phone", number: "+4915112345678" }],
    ["phone +49 151 12345678", { kind: "phone", number: "+49 151 12345678" }],
    ["phone remove", { kind: "phone_remove" }],
    ["PHONE Delete", { kind: "phone_remove" }],
    ["verify 123456", { kind: "verify", code: "123456" }],
    ["verify 123 456", { kind: "verify", code: "123 456" }],
    ["rules default slack_dm, wait 2m, sms", { kind: "rules", ladder: "default", text: "slack_dm, wait 2m, sms" }],
    ["rules important call", { kind: "rules", ladder: "important", text: "call" }],
    ["rules default dm -&gt; sms", { kind: "rules", ladder: "default", text: "dm -> sms" }],
    ["rules reset", { kind: "rules_reset", ladder: null }],
    ["rules important reset", { kind: "rules_reset", ladder: "important" }],
    ["quiet 22:00-07:00", { kind: "quiet", text: "22:00-07:00" }],
    ["quiet 22:00 - 07:00", { kind: "quiet", text: "22:00 - 07:00" }],
    ["QUIET off", { kind: "quiet", text: "off" }],
    ["reminders 1h 1d", { kind: "reminders", seconds: [86_400, 3_600] }],
    ["reminders 30m, 2h,30m", { kind: "reminders", seconds: [7_200, 1_800] }],
    ["reminders off", { kind: "reminders", seconds: [] }],
    ["Reminders reset", { kind: "reminders_reset" }],
  ];
  it.each(cases)("%j", (text, cmd) => {
    expect(parseMeCommand(words(text))).toEqual(cmd);
  });

  it.each([
    ["reminders soon", '"soon" is not a duration like 1h or 1d.'],
    ["reminders 10s", "A reminder must be from 1m to 14d before the shift; 10s is not."],
    ["reminders 1m 2m 3m 4m 5m 6m", "At most 5 reminders."],
  ])("refuses %j, saying why", (text, why) => {
    const cmd = parseMeCommand(words(text));
    expect(cmd).toEqual({ kind: "error", message: expect.stringContaining(why) as string });
  });

  it.each(["phone", "verify", "rules", "rules default", "rules sometimes sms", "quiet", "reminders", "frobnicate"])("explains how to use %j", (text) => {
    const cmd = parseMeCommand(words(text));
    expect(cmd.kind).toBe("error");
    if (cmd.kind === "error") expect(cmd.message).toMatch(/\/oncall me/);
  });
});
