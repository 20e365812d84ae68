import { describe, expect, it } from "vitest";
import { otherChannel } from "./other-channel.js";

describe("otherChannel: the second notice after a page with an unknown outcome", () => {
  it.each([
    ["a text or call is followed by a Slack DM", "sms", true, false, "slack_dm"],
    ["a call is followed by a Slack DM", "call", true, false, "slack_dm"],
    ["a DM is followed by a text", "slack_dm", true, false, "sms"],
    ["a DM is followed by a call when texts are stopped", "slack_dm", true, true, "call"],
    ["a DM is followed by a DM when there is no phone", "slack_dm", false, false, "slack_dm"],
  ] as const)("%s", (_name, lost, phoneOk, smsOptOut, expected) => {
    expect(otherChannel(lost, phoneOk, smsOptOut)).toBe(expected);
  });
});
