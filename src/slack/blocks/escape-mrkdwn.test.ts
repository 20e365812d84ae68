import { describe, expect, it } from "vitest";
import { escapeMrkdwn } from "./escape-mrkdwn.js";
import { actorMrkdwn, labelSpan, mrkdwnLink, safeUrl } from "./mrkdwn-parts.js";
import { escapeTruncated, truncateMrkdwn, truncatePlain } from "./truncate.js";

describe("escapeMrkdwn", () => {
  it.each([
    ["<!channel>", "&lt;!channel&gt;"],
    ["<@U1>", "&lt;@U1&gt;"],
    ["a & b", "a &amp; b"],
    ["&amp;", "&amp;amp;"],
    ["<https://evil.example.com|click>", "&lt;https://evil.example.com|click&gt;"],
    ["*bold* _it_ :fire:", "*bold* _it_ :fire:"],
  ])("%j", (input, expected) => {
    expect(escapeMrkdwn(input)).toBe(expected);
  });
});

describe("truncation", () => {
  it("leaves short text alone", () => {
    expect(truncatePlain("abc", 3)).toBe("abc");
    expect(truncateMrkdwn("abc", 3)).toBe("abc");
  });
  it("ends with an ellipsis within the limit", () => {
    expect(truncatePlain("abcdef", 4)).toBe("abc…");
  });
  it("never splits a surrogate pair", () => {
    const out = truncatePlain("ab😀cd", 4);
    expect(out).toBe("ab…");
  });
  it("never cuts a mention or an entity", () => {
    expect(truncateMrkdwn("hi <@U12345> there", 8)).toBe("hi …");
    expect(truncateMrkdwn("a &amp; b", 5)).toBe("a …");
  });
  it("escapeTruncated escapes first, then fits the escaped text", () => {
    const out = escapeTruncated("<".repeat(100), 20);
    expect(out.length).toBeLessThanOrEqual(20);
    expect(out).toBe("&lt;&lt;&lt;&lt;…");
  });
});

describe("links", () => {
  it("keeps & in URLs and escapes the title", () => {
    expect(mrkdwnLink("https://x.example.com/?a=1&b=2", "A & <B>")).toBe("<https://x.example.com/?a=1&b=2|A &amp; &lt;B&gt;>");
  });
  it("percent-encodes characters that would break the link token", () => {
    expect(safeUrl("https://x.example.com/a|b<c>d e")).toBe("https://x.example.com/a%7Cb%3Cc%3Ed%20e");
  });
  it.each([["javascript:alert(1)"], ["not a url"], ["/relative"], ["ftp://x.example.com"]])("refuses %j", (url) => {
    expect(safeUrl(url)).toBeNull();
    expect(mrkdwnLink(url, "t")).toBe("t");
  });
});

describe("actors", () => {
  it.each([
    ["U123", "<@U123>"],
    ["W0123ABC", "<@W0123ABC>"],
    ["<@U123>", "<@U123>"],
    ["<@U123|alice>", "<@U123>"],
    ["Alertmanager", "Alertmanager"],
    ["UPS", "UPS"],
    ["<!channel>", "&lt;!channel&gt;"],
  ])("%j", (actor, expected) => {
    expect(actorMrkdwn(actor)).toBe(expected);
  });
});

describe("labelSpan", () => {
  it("keeps the code span closed", () => {
    expect(labelSpan("k", "a`b\nc")).toBe("`k=aˋb c`");
  });
});
