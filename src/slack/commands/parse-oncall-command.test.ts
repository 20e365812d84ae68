import { describe, expect, it } from "vitest";
import { parseOncallCommand } from "./parse-oncall-command.js";

describe("parseOncallCommand", () => {
  it.each([
    ["", { kind: "help" }],
    ["help", { kind: "help" }],
    ["who", { kind: "who", schedule: null }],
    ["  WHO   primary ", { kind: "who", schedule: "primary" }],
    ["alerts", { kind: "alerts" }],
    ["ack 42", { kind: "ack", number: 42 }],
    ["ack #42", { kind: "ack", number: 42 }],
    ["acknowledge 7", { kind: "ack", number: 7 }],
    ["resolve 3", { kind: "resolve", number: 3 }],
    ["unack 3", { kind: "unack", number: 3 }],
    ["unresolve 3", { kind: "unresolve", number: 3 }],
    ["unsilence 3", { kind: "unsilence", number: 3 }],
    ["silence 5 2h", { kind: "silence", number: 5, seconds: 7200 }],
    ["silence 5 forever", { kind: "silence", number: 5, seconds: null }],
    ["maintenance prod-am 30m", { kind: "maintenance", integration: "prod-am", seconds: 1800 }],
    ["maintenance prod-am off", { kind: "maintenance_off", integration: "prod-am" }],
    ["page <@U123ABC|bob> db is down", { kind: "page", target: { userId: "U123ABC" }, message: "db is down", important: false }],
    ["page primary disk full important", { kind: "page", target: { schedule: "primary" }, message: "disk full", important: true }],
  ])("%j", (text, expected) => expect(parseOncallCommand(text)).toEqual(expected));

  it.each([
    ["ack", "Usage: `/oncall ack"],
    ["ack x", "Usage: `/oncall ack"],
    ["silence 5", "Usage: `/oncall silence"],
    ["silence 5 soon", '"soon" is not a duration'],
    ["maintenance prod-am", "Usage: `/oncall maintenance"],
    ["page <@U1>", "Usage: `/oncall page"],
    ["page <@U1> important", "Usage: `/oncall page"],
    ["frobnicate", 'Unknown command "frobnicate"'],
  ])("%j is refused with a helpful message", (text, start) => {
    const r = parseOncallCommand(text);
    expect(r.kind).toBe("error");
    expect((r as { message: string }).message).toContain(start);
  });
});
