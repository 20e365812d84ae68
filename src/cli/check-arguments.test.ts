import { describe, expect, it } from "vitest";
import { checkArguments } from "./check-arguments.js";

const who = { values: ["--at"], args: 1 };

describe("checkArguments", () => {
  it("passes what the command takes, and turns --name=value into --name value", () => {
    expect(checkArguments(["primary", "--at", "2026-03-16T10:00:00Z"], who)).toEqual({ ok: true, words: ["primary", "--at", "2026-03-16T10:00:00Z"] });
    expect(checkArguments(["--at=2026-03-16T10:00:00Z"], who)).toEqual({ ok: true, words: ["--at", "2026-03-16T10:00:00Z"] });
    expect(checkArguments(["x.yaml", "--feeds"], { flags: ["--feeds"], args: 1 })).toEqual({ ok: true, words: ["x.yaml", "--feeds"] });
    expect(checkArguments(["-"], { values: ["--integration"], args: 1 })).toEqual({ ok: true, words: ["-"] });
  });

  it.each([
    [["--form", "json"], { values: ["--format"], args: 1 }, "unknown option --form; it takes --format"],
    [["--at"], who, "--at needs a value"],
    [["--at", "--format"], who, "--at needs a value"],
    [["--at="], who, "--at needs a value"],
    [["primary", "2026-03-16"], who, 'unexpected argument "2026-03-16": this command takes at most 1'],
    [["extra"], { args: 0 }, 'unexpected argument "extra": this command takes none'],
    [["--verbose"], { args: 0 }, "unknown option --verbose; it takes no options"],
    [["--feeds=yes"], { flags: ["--feeds"], args: 0 }, "--feeds takes no value"],
  ] as const)("%j is refused: %s", (words, takes, message) => {
    expect(checkArguments(words, takes)).toEqual({ ok: false, message });
  });
});
