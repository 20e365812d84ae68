import { describe, expect, it } from "vitest";
import { createTokenBuckets } from "./token-bucket.js";

describe("token buckets", () => {
  it("allows up to the per-minute budget at once, then refuses with a Retry-After", () => {
    const b = createTokenBuckets();
    expect(b.take("am", 50, 60, 0)).toEqual({ ok: true });
    expect(b.take("am", 10, 60, 0)).toEqual({ ok: true });
    expect(b.take("am", 5, 60, 0)).toEqual({ ok: false, retryAfterSeconds: 5 });
    // Refilled at one a second.
    expect(b.take("am", 5, 60, 5000)).toEqual({ ok: true });
  });

  it("keeps keys apart and never holds more than the budget", () => {
    const b = createTokenBuckets();
    expect(b.take("a", 60, 60, 0)).toEqual({ ok: true });
    expect(b.take("b", 60, 60, 0)).toEqual({ ok: true });
    expect(b.take("a", 30, 60, 3_600_000)).toEqual({ ok: true });
    expect(b.take("a", 31, 60, 3_600_000)).toEqual({ ok: false, retryAfterSeconds: 1 });
  });

  it("a request larger than the whole budget waits for a full bucket, then goes through", () => {
    const b = createTokenBuckets();
    b.take("a", 60, 60, 0);
    expect(b.take("a", 1000, 60, 0)).toEqual({ ok: false, retryAfterSeconds: 60 });
    expect(b.take("a", 1000, 60, 60_000)).toEqual({ ok: true });
    expect(b.take("a", 1, 60, 60_000)).toMatchObject({ ok: false });
  });
});
