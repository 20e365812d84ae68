import { randomBytes, timingSafeEqual, createHash } from "node:crypto";

/** Random URL-safe identifier, e.g. for tokens and row ids. */
export function newId(bytes = 12): string {
  return randomBytes(bytes).toString("base64url");
}

/** Constant-time string comparison (hashes first so lengths do not leak). */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a).digest();
  const hb = createHash("sha256").update(b).digest();
  return timingSafeEqual(ha, hb);
}
