import { describe, expect, it } from "vitest";
import type { Matcher, MatcherOp } from "../config/config-types.js";
import { anchoredRegex, matches, matchesAll } from "./match-labels.js";

const m = (name: string, op: MatcherOp, value: string): Matcher => ({ name, op, value });
const labels = { service: "api", env: "prod", team: "platform", empty: "", multi: "a\nb" };

describe("matches", () => {
  it.each<[string, Matcher, boolean]>([
    // =
    ["= equal", m("service", "=", "api"), true],
    ["= different", m("service", "=", "web"), false],
    ["= is not a prefix match", m("service", "=", "ap"), false],
    ["= case-sensitive", m("service", "=", "API"), false],
    ["= missing label vs empty", m("missing", "=", ""), true],
    ["= missing label vs value", m("missing", "=", "x"), false],
    ["= empty label vs empty", m("empty", "=", ""), true],
    // !=
    ["!= different", m("service", "!=", "web"), true],
    ["!= equal", m("service", "!=", "api"), false],
    ["!= missing label vs empty", m("missing", "!=", ""), false],
    ["!= missing label vs value", m("missing", "!=", "x"), true],
    // =~
    ["=~ exact", m("service", "=~", "api"), true],
    ["=~ anchored at the end", m("service", "=~", "ap"), false],
    ["=~ anchored at the start", m("service", "=~", "pi"), false],
    ["=~ wildcard", m("service", "=~", "a.*"), true],
    ["=~ alternation", m("env", "=~", "staging|prod"), true],
    ["=~ alternation is anchored as a whole", m("env", "=~", "pro|staging"), false],
    ["=~ alternation no match", m("env", "=~", "dev|staging"), false],
    ["=~ class", m("service", "=~", "[a-z]{3}"), true],
    ["=~ missing label vs .*", m("missing", "=~", ".*"), true],
    ["=~ missing label vs .+", m("missing", "=~", ".+"), false],
    ["=~ missing label vs empty alternative", m("missing", "=~", "|x"), true],
    ["=~ dot does not match newline", m("multi", "=~", "a.b"), false],
    ["=~ (?s) lets dot match newline", m("multi", "=~", "(?s)a.b"), true],
    ["=~ (?i) is case-insensitive", m("service", "=~", "(?i)API"), true],
    ["=~ case-sensitive by default", m("service", "=~", "API"), false],
    ["=~ named group in Go syntax", m("service", "=~", "(?P<x>api)"), true],
    ["=~ invalid regex matches nothing", m("service", "=~", "("), false],
    ["=~ unbalanced regex cannot escape anchoring", m("service", "=~", "x)|(a"), false],
    // !~
    ["!~ exact", m("service", "!~", "api"), false],
    ["!~ partial is not a match", m("service", "!~", "ap"), true],
    ["!~ alternation", m("env", "!~", "dev|staging"), true],
    ["!~ alternation hit", m("env", "!~", "dev|prod"), false],
    ["!~ missing label vs .+", m("missing", "!~", ".+"), true],
    ["!~ missing label vs .*", m("missing", "!~", ".*"), false],
    ["!~ invalid regex matches nothing", m("service", "!~", "["), false],
  ])("%s", (_name, matcher, expected) => {
    expect(matches(matcher, labels)).toBe(expected);
  });

  it("never reads inherited properties as labels", () => {
    expect(matches(m("constructor", "=", ""), {})).toBe(true);
    expect(matches(m("toString", "=~", ".+"), {})).toBe(false);
    expect(matches(m("constructor", "=", "x"), Object.assign(Object.create(null) as Record<string, string>, { constructor: "x" }))).toBe(true);
  });

  it("compiles each regex source once", () => {
    expect(anchoredRegex("svc-(a|b)")).toBe(anchoredRegex("svc-(a|b)"));
    expect(anchoredRegex("(")).toBeNull();
  });
});

describe("matchesAll", () => {
  it("requires every matcher; the empty list matches everything", () => {
    expect(matchesAll([], {})).toBe(true);
    expect(matchesAll([m("service", "=", "api"), m("env", "=~", "prod|staging")], labels)).toBe(true);
    expect(matchesAll([m("service", "=", "api"), m("env", "!=", "prod")], labels)).toBe(false);
  });
});
