import { describe, expect, it } from "vitest";
import { parseOncallCommand } from "./parse-oncall-command.js";

describe("parseOncallCommand", () => {
  it.each([
    ["", { kind: "help" }],
    ["help", { kind: "help" }],
    ["who", { kind: "who", schedule: null }],
    ["  WHO   primary ", { kind: "who", schedule: "primary" }],
    ["alerts", { kind: "alerts" }],
    ["ack 42", { kind: "ack", numbers: [42] }],
    ["ack #42", { kind: "ack", numbers: [42] }],
    ["acknowledge 7", { kind: "ack", numbers: [7] }],
    ["resolve 3", { kind: "resolve", numbers: [3] }],
    ["unack 3", { kind: "unack", numbers: [3] }],
    ["unresolve 3", { kind: "unresolve", numbers: [3] }],
    ["unsilence 3", { kind: "unsilence", numbers: [3] }],
    ["ack 3 4 7", { kind: "ack", numbers: [3, 4, 7] }],
    ["resolve #3,#4 4", { kind: "resolve", numbers: [3, 4] }],
    ["ack 12-15 20", { kind: "ack", numbers: [12, 13, 14, 15, 20] }],
    ["ack mine", { kind: "ack", mine: true }],
    ["resolve MINE", { kind: "resolve", mine: true }],
    ["escalate 9", { kind: "escalate", numbers: [9] }],
    ["escalate #9 10", { kind: "escalate", numbers: [9, 10] }],
    ["silence 5 2h", { kind: "silence", number: 5, seconds: 7200 }],
    ["silence 5 forever", { kind: "silence", number: 5, seconds: null }],
    ["maintenance prod-am 30m", { kind: "maintenance", integration: "prod-am", seconds: 1800 }],
    ["maintenance prod-am off", { kind: "maintenance_off", integration: "prod-am" }],
    ["page <@U123ABC|bob> db is down", { kind: "page", target: { userId: "U123ABC" }, message: "db is down", important: false }],
    ["page primary disk full important", { kind: "page", target: { schedule: "primary" }, message: "disk full", important: true }],
    ["add 42 <@U123ABC|bob>", { kind: "add_responder", number: 42, targets: [{ userId: "U123ABC" }] }],
    ["add #42 <@U1> db-primary,#payments <@W2|eve>", { kind: "add_responder", number: 42, targets: [{ userId: "U1" }, { schedule: "db-primary" }, { schedule: "payments" }, { userId: "W2" }] }],
  ])("%j", (text, expected) => expect(parseOncallCommand(text)).toEqual(expected));

  it.each([
    ["ack", "Usage: `/oncall ack"],
    ["ack x", "Usage: `/oncall ack"],
    ["ack 3 x", '"x" is not a group number. Usage: `/oncall ack'],
    ["ack 20-12", '"20-12" is not a range'],
    ["ack 1-51", 'At most 50 groups in one command; "1-51" names 51.'],
    ["ack 1-50 51", "At most 50 groups in one command."],
    ["unack mine", '"mine" is not a group number'],
    ["escalate", "Usage: `/oncall escalate"],
    ["silence 5", "For how long should #5 be silenced? Usage: `/oncall silence"],
    ["silence x 1h", '"x" is not a group number. Usage: `/oncall silence'],
    ["silence", "Which group? Usage: `/oncall silence"],
    ["silence 5 1h extra words", '"extra words" is not understood: a silence takes a group number and one duration. Usage: `/oncall silence'],
    ["silence 5 soon", '"soon" is not a duration; use e.g. 30m, 2h, 3d or forever. Usage: `/oncall silence'],
    ["maintenance prod-am", "Usage: `/oncall maintenance"],
    ["page", "Whom should calpage page? Usage: `/oncall page"],
    ["page <@U1>", "What should the page say? Write a message after <@U1>. Usage: `/oncall page"],
    ["page <@U1> important", "What should the page say? Write a message after <@U1>. Usage: `/oncall page"],
    ["add", "Which group? Usage: `/oncall add <group number> <@user|schedule>"],
    ["add <@U1> 42", '"<@U1>" is not a group number. Usage: `/oncall add'],
    ["add 42", "Whom should calpage add to #42? Usage: `/oncall add"],
    ["add 42 a b c d e f g h i j k", "At most 10 people or schedules in one command."],
  ])("%j is refused with a helpful message", (text, start) => {
    const r = parseOncallCommand(text);
    expect(r.kind).toBe("error");
    expect((r as { message: string }).message).toContain(start);
  });

  it("leaves an unknown subcommand to the listener, which answers with the whole help (features' commands too)", () => {
    expect(parseOncallCommand("frobnicate now")).toEqual({ kind: "unknown", sub: "frobnicate" });
  });
});
