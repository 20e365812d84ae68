import { describe, expect, it } from "vitest";
import type { Matcher } from "./config-types.js";
import { matcherRegExp, parseMatcher, parseMatcherList } from "./parse-matcher.js";

describe("parseMatcher", () => {
  it.each<[string, Matcher]>([
    ['severity="critical"', { name: "severity", op: "=", value: "critical" }],
    ["severity=critical", { name: "severity", op: "=", value: "critical" }],
    ['severity!="info"', { name: "severity", op: "!=", value: "info" }],
    ['team=~"db|infra"', { name: "team", op: "=~", value: "db|infra" }],
    ['team!~"db.*"', { name: "team", op: "!~", value: "db.*" }],
    ['  team  =~  "db"  ', { name: "team", op: "=~", value: "db" }],
    ["team = db", { name: "team", op: "=", value: "db" }],
    ['msg="say \\"hi\\""', { name: "msg", op: "=", value: 'say "hi"' }],
    ['path="C:\\\\temp"', { name: "path", op: "=", value: "C:\\temp" }],
    ['text="a\\nb"', { name: "text", op: "=", value: "a\nb" }],
    // A backslash that escapes nothing known is kept, so regex classes survive quoting.
    ['instance=~"db\\d+"', { name: "instance", op: "=~", value: "db\\d+" }],
    ['job=""', { name: "job", op: "=", value: "" }],
    ["job=", { name: "job", op: "=", value: "" }],
    ['_private_1="x"', { name: "_private_1", op: "=", value: "x" }],
    ['list="a,b"', { name: "list", op: "=", value: "a,b" }],
    ['eq="a=b"', { name: "eq", op: "=", value: "a=b" }],
  ])("%s", (text, expected) => {
    expect(parseMatcher(text)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ["severity", /expected a label name, an operator/],
    ["", /expected a label name, an operator/],
    ['="x"', /missing the label name/],
    ['bad-name="x"', /label name "bad-name" may only contain/],
    ['1abc="x"', /label name "1abc"/],
    ['team="db', /missing its closing "/],
    ['team="d"b"', /unescaped "/],
    ['team=d"b', /unescaped "/],
    ['team=~"(db"', /invalid regular expression: Unterminated group/],
    ['team!~"[a-"', /invalid regular expression/],
    ['team=~"*"', /invalid regular expression/],
    // Anchored as ^(?:x)|(a)$ this compiles, but the pattern on its own does not.
    ['team=~"x)|(a"', /invalid regular expression: Unmatched '\)'/],
    ['team!~"(?i)a)|(b"', /invalid regular expression/],
    ['team=~"a)("', /invalid regular expression/],
  ])("rejects %j", (text, message) => {
    const result = parseMatcher(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]).toMatch(message);
  });
});

describe("parseMatcherList", () => {
  it.each<[string, Matcher[]]>([
    ['{a="1", b=~"x|y"}', [{ name: "a", op: "=", value: "1" }, { name: "b", op: "=~", value: "x|y" }]],
    ['a="1", b!="2"', [{ name: "a", op: "=", value: "1" }, { name: "b", op: "!=", value: "2" }]],
    ['{a="1,2", b="x\\",y"}', [{ name: "a", op: "=", value: "1,2" }, { name: "b", op: "=", value: 'x",y' }]],
    ['{a="1",}', [{ name: "a", op: "=", value: "1" }]],
    ['severity="critical"', [{ name: "severity", op: "=", value: "critical" }]],
    ["{}", []],
    ["", []],
  ])("%s", (text, expected) => {
    expect(parseMatcherList(text)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['{a="1"', [/missing the closing }/]],
    ['a="1"}', [/missing the opening {/]],
    ['a="1",,b="2"', [/empty matcher between commas/]],
    ['{a, b=~"("}', [/'a': expected a label name/, /invalid regular expression/]],
  ])("rejects %j with every problem", (text, messages) => {
    const result = parseMatcherList(text);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors).toHaveLength(messages.length);
      messages.forEach((m, i) => expect(result.errors[i]).toMatch(m));
    }
  });
});

describe("matcherRegExp", () => {
  it.each([
    ["db|infra", "db", true],
    ["db|infra", "dbx", false],
    ["db", "xdb", false],
    ["db.*", "db-1", true],
    ["(?i)critical", "CRITICAL", true],
    ["critical", "CRITICAL", false],
    ["(?s)a.b", "a\nb", true],
  ])("%s on %j -> %s (anchored like Alertmanager)", (pattern, value, matches) => {
    expect(matcherRegExp(pattern).test(value)).toBe(matches);
  });

  it.each(["x)|(a", "(?i)x)|(a", "(db"])("throws for %j, which does not compile on its own", (pattern) => {
    expect(() => matcherRegExp(pattern)).toThrow(SyntaxError);
  });
});
