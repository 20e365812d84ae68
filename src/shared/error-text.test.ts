import { describe, expect, it } from "vitest";
import { errorText } from "./error-text.js";

describe("errorText", () => {
  it("is the message of a plain error, and the text of a non-error", () => {
    expect(errorText(new Error("boom"))).toBe("boom");
    expect(errorText("just a string")).toBe("just a string");
  });

  it("adds the driver error (and its code) behind a wrapped query error", () => {
    const driver = Object.assign(new Error("deadlock detected"), { code: "40P01" });
    const wrapped = new Error("Failed query: select graphile_worker.add_job(...)\nparams: a,b", { cause: driver });
    expect(errorText(wrapped)).toBe("Failed query: select graphile_worker.add_job(...) — caused by: deadlock detected (40P01)");
  });
});
