import { describe, expect, it } from "vitest";
import { pipelined } from "./pipelined.js";

describe("pipelined", () => {
  it("returns every result in argument order", async () => {
    const late = new Promise<string>((resolve) => setTimeout(() => resolve("late"), 5));
    expect(await pipelined(late, Promise.resolve(2), Promise.resolve(null))).toStrictEqual(["late", 2, null]);
  });

  it("throws the first failure in argument order, only after every statement has finished", async () => {
    const finished: string[] = [];
    const slow = new Promise<void>((resolve) =>
      setTimeout(() => {
        finished.push("slow");
        resolve();
      }, 10),
    );
    const error = await pipelined(Promise.reject(new Error("first")), slow, Promise.reject(new Error("second"))).catch((e: unknown) => e);
    expect(error).toStrictEqual(new Error("first"));
    expect(finished).toStrictEqual(["slow"]);
  });
});
