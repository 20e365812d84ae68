/**
 * A token bucket per key, refilled continuously: `perMinute` tokens a minute,
 * holding at most `perMinute`; a single request larger than that is let through from a
 * full bucket and leaves it in debt, so one big webhook is never refused forever. Pure given `now`; the caller keeps one instance.
 */
export function createTokenBuckets() {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    /** Takes `n` tokens if available. Otherwise takes none and says how long until there would be enough. */
    take(key: string, n: number, perMinute: number, now: number): { ok: true } | { ok: false; retryAfterSeconds: number } {
      const perMs = perMinute / 60_000;
      const b = buckets.get(key) ?? { tokens: perMinute, at: now };
      b.tokens = Math.min(perMinute, b.tokens + (now - b.at) * perMs);
      b.at = now;
      buckets.set(key, b);
      // A request larger than the whole budget is accepted from a full bucket (then the bucket owes it).
      if (Math.min(n, perMinute) <= b.tokens) {
        b.tokens -= n;
        return { ok: true };
      }
      const needed = Math.min(n, perMinute) - b.tokens;
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(needed / perMs / 1000)) };
    },
  };
}
