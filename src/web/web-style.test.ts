import { describe, expect, it } from "vitest";
import { WEB_CSS } from "./web-style.js";

/** WCAG 2 relative luminance and contrast ratio of two `#rrggbb` colours. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}
function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

/** The style sheet's custom properties, e.g. `--muted` → `#4a5360`. */
const vars = Object.fromEntries([...WEB_CSS.matchAll(/(--[a-z-]+):\s*(#[0-9a-f]{6})/g)].map((m) => [m[1]!, m[2]!]));
const v = (name: string) => {
  const value = vars[name];
  if (!value) throw new Error(`no ${name} in the style sheet`);
  return value;
};

describe("the web view's colours", () => {
  // Text and the background it is drawn on, as the style sheet pairs them.
  it.each([
    ["body text", v("--fg"), v("--bg")],
    ["muted text (times, lane names)", v("--muted"), v("--bg")],
    ["muted text on the table header", v("--muted"), "#f2f4f7"],
    ["links", v("--accent"), v("--bg")],
    ["button text", "#ffffff", v("--accent")],
    ["names on a calendar bar", v("--fg"), v("--oncall")],
    ["names on an override", v("--fg"), v("--override")],
    ["names on a feed event", v("--fg"), v("--event")],
    ["'Nobody on call' on the gap's red stripes", "#7a0e12", v("--gap")],
    ["gap rows in the table", v("--fg"), v("--gap")],
    ["firing badge", "#7a0e12", "#ffd7d5"],
    ["acknowledged badge", "#5c4100", "#fff1c2"],
    ["silenced badge", "#333a44", "#e6e8eb"],
    ["resolved badge", "#14532d", "#d3f0da"],
    ["↑ (above the team mean) in the report", "#a4161a", v("--bg")],
    ["↓ (below the team mean) in the report", "#0b5cad", v("--bg")],
    ["team mean and deviation rows in the report", v("--muted"), "#f8f9fb"],
  ])("%s reach 4.5:1", (_what, text, background) => {
    expect(contrast(text, background)).toBeGreaterThanOrEqual(4.5);
  });

  it("draws the keyboard focus ring 3 px thick, at 3:1 against the page (WCAG's non-text contrast)", () => {
    const ring = /a:focus-visible[^{]*\{[^}]*outline: 3px solid (#[0-9a-f]{6})/.exec(WEB_CSS)?.[1];
    expect(ring).toBeDefined();
    expect(contrast(ring!, v("--bg"))).toBeGreaterThanOrEqual(3);
  });

  it("draws the report's bars and its mean line at 3:1 against the bars' track (WCAG's non-text contrast)", () => {
    const fill = (selector: string) => new RegExp(`${selector.replace(/\./g, "\\.")} \\{[^}]*background: (#[0-9a-f]{6}|var\\(--[a-z-]+\\))`).exec(WEB_CSS)?.[1];
    const colour = (c: string | undefined) => (c?.startsWith("var(") ? v(c.slice(4, -1)) : c!);
    const track = colour(fill(".bar-track"));
    for (const part of [".bar-fill", ".bar-fill.flagged", ".bar-mean"]) expect(contrast(colour(fill(part)), track), part).toBeGreaterThanOrEqual(3);
  });

    it("asks for nothing outside calpage (no fonts, imports or remote images)", () => {
    expect(WEB_CSS).not.toMatch(/@import|url\(|@font-face/);
  });
});
