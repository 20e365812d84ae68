import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { getFreePort } from "./free-port.js";
import { waitFor } from "./wait-for.js";

describe("waitFor", () => {
  it("returns the first value that is not undefined, null or false, retrying on throws", async () => {
    let n = 0;
    const value = await waitFor(
      () => {
        n += 1;
        if (n === 1) throw new Error("not yet");
        return n >= 3 ? { n } : undefined;
      },
      { intervalMs: 1 },
    );
    expect(value).toEqual({ n: 3 });
    expect(await waitFor(() => 0)).toBe(0);
  });

  it("times out with the description and the last value or error", async () => {
    await expect(waitFor(() => null, { timeoutMs: 30, intervalMs: 5, description: "ack" })).rejects.toThrow(
      /waitFor for ack timed out after \d+ ms \(\d+ attempts\); last value: null/,
    );
    await expect(waitFor(async () => Promise.reject(new Error("row missing")), { timeoutMs: 20 })).rejects.toThrow(/last error: Error: row missing/);
  });
});

describe("getFreePort", () => {
  it("returns a loopback port that can be bound", async () => {
    const port = await getFreePort();
    expect(port).toBeGreaterThan(0);
    const server = createServer();
    await new Promise<void>((resolve, reject) => server.once("error", reject).listen(port, "127.0.0.1", resolve));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
