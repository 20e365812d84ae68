import { describe, expect, it } from "vitest";
import {
  ACTION_ACK,
  ACTION_ADD_RESPONDER,
  ACTION_ESCALATE,
  ACTION_RESOLVE,
  ACTION_SILENCE,
  ACTION_UNACK,
  ACTION_UNRESOLVE,
  ACTION_UNSILENCE,
  ALERT_GROUP_ACTION_IDS,
  actionsBlockId,
  parseActionValue,
  parseActionsBlockId,
  parseSilenceValue,
} from "./action-ids.js";

describe("action ids", () => {
  it("are the stable strings listeners register on", () => {
    expect([ACTION_ACK, ACTION_UNACK, ACTION_RESOLVE, ACTION_UNRESOLVE, ACTION_SILENCE, ACTION_UNSILENCE, ACTION_ESCALATE]).toEqual([
      "alert_ack",
      "alert_unack",
      "alert_resolve",
      "alert_unresolve",
      "alert_silence",
      "alert_unsilence",
      "alert_escalate",
    ]);
    expect(ACTION_ADD_RESPONDER).toBe("alert_add_responder");
    expect(new Set(ALERT_GROUP_ACTION_IDS).size).toBe(9);
  });
});

describe("parseActionValue", () => {
  it.each([
    ["grp_abc123", "grp_abc123"],
    ["  42 ", "42"],
    ["id\n", "id"],
    ["0f8fad5b-d9cb-469f-a165-70867728950e", "0f8fad5b-d9cb-469f-a165-70867728950e"],
    ["Zm9vYmFy-_", "Zm9vYmFy-_"],
  ])("accepts %j", (value, expected) => {
    expect(parseActionValue(value)).toBe(expected);
  });
  it.each([[undefined], [""], ["   "], ["a b"], ["<!channel>"], ["x".repeat(201)]])("rejects %j", (value) => {
    expect(parseActionValue(value)).toBeNull();
  });
});

describe("silence menu values", () => {
  it.each([
    ["30m", 1800],
    ["1h", 3600],
    ["2h", 7200],
    ["4h", 14400],
    ["8h", 28800],
    ["24h", 86400],
    ["forever", "forever"],
  ] as const)("%s", (value, expected) => {
    expect(parseSilenceValue(value)).toBe(expected);
  });
  it.each([[undefined], ["3h"], [""], ["FOREVER"]])("rejects %j", (value) => {
    expect(parseSilenceValue(value)).toBeNull();
  });
});

describe("actions block id", () => {
  it("round-trips the group id", () => {
    expect(actionsBlockId("grp_1")).toBe("alert_group_actions:grp_1");
    expect(parseActionsBlockId(actionsBlockId("grp_1"))).toBe("grp_1");
  });
  it.each([[undefined], ["alert_group_header"], ["alert_group_actions:"], ["alert_group_actions:a b"]])("rejects %j", (blockId) => {
    expect(parseActionsBlockId(blockId)).toBeNull();
  });
});
