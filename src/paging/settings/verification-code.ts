import { createHash, randomInt, timingSafeEqual } from "node:crypto";

/** How long a code sent by SMS can be used. */
export const CODE_TTL_MS = 10 * 60_000;
/** Wrong codes allowed before the pending number is dropped. */
export const MAX_CODE_ATTEMPTS = 5;
/** Least time between two codes for one person, and for one number (so calpage cannot be used to flood a phone). */
export const CODE_SPACING_MS = 30_000;

/** Six random digits from the OS's cryptographic generator. */
export function newVerificationCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, "0");
}

/**
 * What is stored instead of the code. Bound to the person and the number, so a hash
 * cannot be replayed for another person or another number.
 */
export function hashVerificationCode(email: string, phone: string, code: string): string {
  return createHash("sha256").update(`calpage-phone-verification\0${email}\0${phone}\0${code}`).digest("hex");
}

/** Compares in constant time, so response times say nothing about how close a guess was. */
export function verificationCodeMatches(storedHash: string, email: string, phone: string, code: string): boolean {
  const expected = Buffer.from(storedHash, "hex");
  const actual = Buffer.from(hashVerificationCode(email, phone, code), "hex");
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** The code as typed (`123 456`, `123-456`) to six digits; null when it is not six digits. */
export function normaliseCode(text: string): string | null {
  const s = text.replace(/[\s-]/g, "");
  return /^\d{6}$/.test(s) ? s : null;
}

/** The SMS that carries the code (GSM-7 only, one segment). */
export function verificationSmsText(code: string): string {
  return `calpage verification code: ${code}. It expires in ${CODE_TTL_MS / 60_000} minutes.`;
}
