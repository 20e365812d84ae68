import { describe, expect, it } from "vitest";
import { matchUsers } from "./match-users.js";
import type { ScheduleUser } from "./schedule-types.js";

const users: ScheduleUser[] = [
  { email: "alice@example.com", name: "Alice Andersen", aliases: ["ally", "Al"], slackHandle: "@alice" },
  { email: "Bob@Example.com", name: "Bob Brown", aliases: [], slackHandle: "bobby" },
  { email: "jose@example.com", name: "José Núñez", aliases: [], slackHandle: null },
  { email: "john.smith@example.com", name: "Smith, John", aliases: [], slackHandle: null },
  { email: "sam@one.example", name: "Sam One", aliases: [], slackHandle: null },
  { email: "sam@two.example", name: "Sam Two", aliases: [], slackHandle: null },
  { email: "alexandra@example.com", name: "Alexandra Andover", aliases: [], slackHandle: null },
];

describe("matchUsers", () => {
  it.each([
    ["Alice Andersen", 0, ["alice@example.com"]],
    ["alice andersen", 0, ["alice@example.com"]],
    ["[L2] Bob Brown", 2, ["bob@example.com"]],
    ["[l9]   ally", 9, ["alice@example.com"]],
    ["[ L1 ] Bob Brown", 1, ["bob@example.com"]],
    ["alice@example.com", 0, ["alice@example.com"]],
    ["BOB@EXAMPLE.COM", 0, ["bob@example.com"]],
    ["@alice", 0, ["alice@example.com"]],
    ["alice", 0, ["alice@example.com"]],
    ["bobby", 0, ["bob@example.com"]],
    ["@bobby", 0, ["bob@example.com"]],
    ["Jose Nunez", 0, ["jose@example.com"]],
    ["Smith, John", 0, ["john.smith@example.com"]],
    ["Alice, Bob Brown", 0, ["alice@example.com", "bob@example.com"]],
    ["Alice / Bob Brown", 0, ["alice@example.com", "bob@example.com"]],
    ["Alice & Bob Brown", 0, ["alice@example.com", "bob@example.com"]],
    ["Alice and Bob Brown", 0, ["alice@example.com", "bob@example.com"]],
    ["Alice AND Bob Brown", 0, ["alice@example.com", "bob@example.com"]],
    ["Alexandra Andover", 0, ["alexandra@example.com"]],
    ["On call: Alice", 0, ["alice@example.com"]],
    ["On-call: Alice", 0, ["alice@example.com"]],
    ["Oncall - Alice", 0, ["alice@example.com"]],
    ["On call – Alice", 0, ["alice@example.com"]],
    ["On-call for Bob Brown", 0, ["bob@example.com"]],
    ["On call Alice", 0, ["alice@example.com"]],
    ["Weekend on-call - Bob Brown", 0, ["bob@example.com"]],
    ["Alice on call", 0, ["alice@example.com"]],
    ["Bob Brown - on-call", 0, ["bob@example.com"]],
    ["Alice (oncall)", 0, ["alice@example.com"]],
    ["Primary on-call shift: Alice", 0, ["alice@example.com"]],
    ["[L1] Secondary: Bob Brown", 1, ["bob@example.com"]],
    ["Alice (backup)", 0, ["alice@example.com"]],
    ['"Alice Andersen"', 0, ["alice@example.com"]],
    ["Alice Andersen <alice@example.com>", 0, ["alice@example.com"]],
    ["mailto:alice@example.com", 0, ["alice@example.com"]],
  ])("%j -> level %d, %j", (summary, level, emails) => {
    const m = matchUsers(summary, [], users);
    expect(m).toEqual({ level, emails, unmatched: [] });
  });

  it("reports names that match nobody, as written", () => {
    expect(matchUsers("On call: Alice, Zed Zulu / Bobb", [], users)).toEqual({ level: 0, emails: ["alice@example.com"], unmatched: ["Zed Zulu", "Bobb"] });
  });

  it("does not match a local part two users share, but matches both on a shared name", () => {
    expect(matchUsers("sam", [], users).emails).toEqual([]);
    expect(matchUsers("sam", [], users).unmatched).toEqual(["sam"]);
    const twins: ScheduleUser[] = [
      { email: "a@x.example", name: "Pat Lee", aliases: [], slackHandle: null },
      { email: "b@x.example", name: "Pat Lee", aliases: [], slackHandle: null },
    ];
    expect(matchUsers("Pat Lee", [], twins).emails).toEqual(["a@x.example", "b@x.example"]);
  });

  it("adds attendees that are users, ignores other attendees, and treats a bare 'On call' as no names", () => {
    const m = matchUsers("On call", ["ALICE@example.com", "room-1@resource.example", "mailto:bob@example.com"], users);
    expect(m).toEqual({ level: 0, emails: ["alice@example.com", "bob@example.com"], unmatched: [] });
  });

  it("unions summary names and attendees without duplicates", () => {
    expect(matchUsers("[L3] Alice", ["alice@example.com", "jose@example.com"], users)).toEqual({
      level: 3,
      emails: ["alice@example.com", "jose@example.com"],
      unmatched: [],
    });
  });

  it("handles empty summaries and no users", () => {
    expect(matchUsers("", [], users)).toEqual({ level: 0, emails: [], unmatched: [] });
    expect(matchUsers("Alice", ["alice@example.com"], [])).toEqual({ level: 0, emails: [], unmatched: ["Alice"] });
  });
});
