import { describe, expect, it } from "vitest";
import { MAX_PATH_SEGMENTS, getJsonPath, parseJsonPath } from "./json-path.js";

describe("parseJsonPath", () => {
  it.each([
    ["title", ["title"]],
    ["data.alert.name", ["data", "alert", "name"]],
    ["alerts[0].name", ["alerts", 0, "name"]],
    ["m[1][2]", ["m", 1, 2]],
    ["a-b.c_d", ["a-b", "c_d"]],
  ])("%s", (path, segments) => expect(parseJsonPath(path)).toEqual(segments));

  it.each(["", ".", "a.", ".a", "a..b", "[0]", "a[", "a[x]", "a]", "a[-1]", Array(MAX_PATH_SEGMENTS + 1).fill("a").join(".")])(
    "rejects %j",
    (path) => expect(parseJsonPath(path)).toBeNull(),
  );
});

describe("getJsonPath", () => {
  const body = JSON.parse('{"data":{"alerts":[{"name":"x"},{"name":7}]},"__proto__":{"p":1}}') as unknown;

  it.each([
    ["data.alerts[0].name", "x"],
    ["data.alerts[1].name", 7],
    ["data.alerts[2].name", undefined],
    ["data.alerts.name", undefined],
    ["data.alerts[0].name.length", undefined],
    ["data.missing", undefined],
    ["constructor", undefined],
    ["data.toString", undefined],
    ["data.alerts.length", undefined],
    ["__proto__.p", 1],
  ])("%s -> %j", (path, value) => expect(getJsonPath(body, path)).toEqual(value));
});
