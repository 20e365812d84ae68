import { describe, expect, it } from "vitest";
import { escapeHtml, html, safeHref } from "./html.js";

describe("html templates", () => {
  it("escapes every interpolated value", () => {
    const title = `<script>alert("x")</script> & 'quotes' \`back\``;
    expect(html`<h1>${title}</h1>`.text).toBe("<h1>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39; &#96;back&#96;</h1>");
  });

  it("keeps attribute values inside their quotes", () => {
    const label = `" onmouseover="alert(1)`;
    expect(html`<span title="${label}">x</span>`.text).toBe(`<span title="&quot; onmouseover=&quot;alert(1)">x</span>`);
  });

  it("keeps nested templates as markup, escapes lists item by item, drops null/false", () => {
    const items = ["<b>", "ok"];
    expect(html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>${null}${false}${undefined}${3}`.text).toBe("<ul><li>&lt;b&gt;</li><li>ok</li></ul>3");
  });

  it("escapes the five characters that matter and nothing else", () => {
    expect(escapeHtml("Ünïcode — fine")).toBe("Ünïcode — fine");
  });

  it("allows only http(s) links and calpage's own paths in href", () => {
    expect(safeHref("https://runbooks.example.com/x?a=1&b=2")).toBe("https://runbooks.example.com/x?a=1&b=2");
    expect(safeHref("/web/groups/4")).toBe("/web/groups/4");
    expect(safeHref("javascript:alert(1)")).toBeNull();
    expect(safeHref("data:text/html,<script>")).toBeNull();
    expect(safeHref("//evil.example.com/")).toBeNull();
    expect(safeHref("not a url")).toBeNull();
  });
});
