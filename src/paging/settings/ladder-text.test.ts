import { describe, expect, it } from "vitest";
import type { LadderStep } from "../../config/config-types.js";
import { parseConfig } from "../../config/parse-config.js";
import { describeLadder, ladderToText, parseLadderText, sameLadder } from "./ladder-text.js";

const dm: LadderStep = { type: "slack_dm" };
const sms: LadderStep = { type: "sms" };
const call: LadderStep = { type: "call" };
const wait = (seconds: number): LadderStep => ({ type: "wait", seconds });
const until = (everySeconds: number, times: number): LadderStep => ({ type: "call_until_answered", everySeconds, times });

describe("parseLadderText accepts", () => {
  const cases: [string, LadderStep[]][] = [
    ["slack_dm, wait 2m, sms, wait 3m, call", [dm, wait(120), sms, wait(180), call]],
    ["dm", [dm]],
    ["Slack", [dm]],
    ["slack dm", [dm]],
    ["text", [sms]],
    ["SMS , CALL", [sms, call]],
    ["sms → wait 90s → call", [sms, wait(90), call]],
    ["sms -> call", [sms, call]],
    ["sms; call\ncall", [sms, call, call]],
    ["dm,, sms,", [dm, sms]],
    ["wait 1m30s, dm", [wait(90), dm]],
    ["dm, wait 2 min, sms", [dm, wait(120), sms]],
    ["dm, wait for 5 minutes, call", [dm, wait(300), call]],
    ["dm, {wait: 2m}, sms", [dm, wait(120), sms]],
    ["wait: 1h, call", [wait(3600), call]],
    ["call until answered", [until(120, 5)]],
    ["call_until_answered", [until(120, 5)]],
    ["call until answered every 2m x5", [until(120, 5)]],
    ["call until answered every 30s 3 times", [until(30, 3)]],
    ["call until answered x20 every 5s", [until(5, 20)]],
    ["call until answered 2x", [until(120, 2)]],
    ["call until answered times 4", [until(120, 4)]],
    ["call until answered every 1 m x1", [until(60, 1)]],
  ];
  it.each(cases)("%j", (text, steps) => {
    expect(parseLadderText(text, { hasPhone: true })).toEqual({ ok: true, steps });
  });
});

describe("parseLadderText refuses, naming the bad step", () => {
  const cases: [string, boolean, (string | RegExp)[]][] = [
    ["", true, [/empty/]],
    [" , ", true, [/empty/]],
    ["wait 2m", true, [/only waits and never notifies/]],
    ["wait 2m, wait 3m", true, [/only waits/]],
    ["dm, wiat 2m", true, [/^Step 2 "wiat 2m": not a step \(did you mean "wait"\?\)/]],
    ["dm, smss", true, [/^Step 2 "smss": not a step \(did you mean "sms"\?\)/]],
    ["pigeon", true, [/^Step 1 "pigeon": not a step; use slack_dm, sms, call/]],
    ["dm, wait", true, [/^Step 2 "wait": wait needs a duration/]],
    ["dm, wait soon", true, [/^Step 2 "wait soon": "soon" is not a duration/]],
    ["dm, wait 0s", true, [/^Step 2 "wait 0s": wait must be longer than 0s/]],
    ["call until answered every 4s", true, [/^Step 1 .*: every must be at least 5s, found 4s/]],
    ["call until answered x21", true, [/^Step 1 .*: the number of calls must be from 1 to 20, found 21/]],
    ["call until answered x0", true, [/from 1 to 20, found 0/]],
    ["call until answered every", true, [/every needs a duration/]],
    ["call until answered every 2m please", true, [/"please" is not understood here/]],
    ["dm, sms, call", false, [/^Step 2 "sms": texts need a phone number/, /^Step 3 "call": calls need a phone number/]],
    ["call until answered", false, [/^Step 1 .*: calls need a phone number/]],
    ["smss, wait, call", true, [/^Step 1/, /^Step 2/]],
    ["dm, " + "sms, ".repeat(300), true, [/longer than 1000 characters/]],
  ];
  it.each(cases)("%j (phone: %s)", (text, hasPhone, expected) => {
    const r = parseLadderText(text, { hasPhone });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toHaveLength(expected.length);
    expected.forEach((e, i) => expect(r.errors[i]).toMatch(e));
  });

  it("without a phone, Slack DMs and waits are still fine", () => {
    expect(parseLadderText("dm, wait 5m, dm", { hasPhone: false })).toEqual({ ok: true, steps: [dm, wait(300), dm] });
  });
});

describe("the text form round-trips and reads in words", () => {
  const ladders: LadderStep[][] = [[dm], [dm, wait(120), sms, wait(180), call], [sms, wait(90), until(30, 3)], [until(120, 5), call]];
  it.each(ladders.map((l) => [ladderToText(l), l] as const))("%s", (text, ladder) => {
    expect(parseLadderText(text, { hasPhone: true })).toEqual({ ok: true, steps: ladder });
  });

  it("describes ladders the way people say them", () => {
    expect(describeLadder([dm, wait(120), sms, call])).toBe("Slack DM → wait 2m → SMS → call");
    expect(describeLadder([until(60, 1)])).toBe("call until answered (every 1m, at most 1 call)");
    expect(describeLadder([until(120, 5)])).toBe("call until answered (every 2m, at most 5 calls)");
    expect(ladderToText([dm, wait(90), until(120, 5)])).toBe("slack_dm, wait 1m30s, call until answered every 2m x5");
  });

  it("sameLadder compares steps", () => {
    expect(sameLadder([dm, wait(60)], [dm, wait(60)])).toBe(true);
    expect(sameLadder([dm, wait(60)], [dm, wait(61)])).toBe(false);
    expect(sameLadder([dm], [dm, dm])).toBe(false);
  });
});

/** The same ladder written in calpage.yaml: does the config validation accept it? */
function configAccepts(yamlLadder: string, hasPhone: boolean): boolean {
  const phone = hasPhone ? `\n    phone: "+4915112345678"` : "";
  const yaml = `users:\n  - email: a@example.com\n    name: A${phone}\n    notification_rules:\n      default: ${yamlLadder}\n`;
  return parseConfig(yaml, "/tmp/calpage.yaml", {}).ok;
}

describe("the same rules as calpage.yaml", () => {
  const cases: [string, string, boolean][] = [
    ["slack_dm, wait 2m, sms, call", "[slack_dm, {wait: 2m}, sms, call]", true],
    ["slack_dm, wait 2m, sms, call", "[slack_dm, {wait: 2m}, sms, call]", false],
    ["wait 2m", "[{wait: 2m}]", true],
    ["call until answered every 5s x20", "[{call_until_answered: {every: 5s, times: 20}}]", true],
    ["call until answered every 4s", "[{call_until_answered: {every: 4s}}]", true],
    ["call until answered x21", "[{call_until_answered: {times: 21}}]", true],
    ["call until answered x1", "[{call_until_answered: {times: 1}}]", true],
    ["dm, wait 0s", "[slack_dm, {wait: 0s}]", true],
    ["call until answered", "[call_until_answered]", false],
    ["dm, wait 1s", "[slack_dm, {wait: 1s}]", false],
  ];
  it.each(cases)("%j like %s in calpage.yaml (phone: %s)", (text, yamlLadder, hasPhone) => {
    expect(parseLadderText(text, { hasPhone }).ok).toBe(configAccepts(yamlLadder, hasPhone));
  });
});
