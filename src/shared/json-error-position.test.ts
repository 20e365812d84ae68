import { describe, expect, it } from "vitest";
import { jsonErrorPosition } from "./json-error-position.js";

describe("jsonErrorPosition", () => {
  it("says nothing of valid JSON, whatever its nesting", () => {
    for (const text of ['{"a": [1, -2.5e3, true, false, null, "x\\n\\u00e9"], "b": {}}', "[]", ' "s" ', "[".repeat(10_000) + "]".repeat(10_000)]) {
      expect(jsonErrorPosition(text), text.slice(0, 40)).toBeNull();
      expect(() => JSON.parse(text)).not.toThrow();
    }
  });

  it("points at the first offending character, as JSON.parse refuses it", () => {
    const cases: [string, number, number][] = [
      ['{\n "a": 1,\n "b": }', 3, 7],
      ['{\n "a": 1\n "b": 2}', 3, 2],
      ["[1, 2,]", 1, 7],
      ['{"a": tru}', 1, 7],
      ['{"a": "x', 1, 7],
      ['{\n  "a":', 2, 7],
      ["{} {}", 1, 4],
      ["{'a': 1}", 1, 2],
    ];
    for (const [text, line, column] of cases) {
      expect(() => JSON.parse(text), text).toThrow();
      expect(jsonErrorPosition(text), text).toEqual({ line, column });
    }
  });
});
