import { createHmac, timingSafeEqual } from "node:crypto";

/** Who a signed web link or session is for: the Slack member who asked `/oncall web`. */
export interface WebIdentity {
  /** Slack user id. */
  userId: string;
  /** Their calpage email when known when the link was made (the principal is looked up again on every request). */
  email: string | null;
  /** Their Slack profile time zone, when Slack said. */
  tz: string | null;
  /** Expiry, epoch ms. */
  expiresAt: number;
}

export type TokenCheck = { ok: true; identity: WebIdentity } | { ok: false; reason: "malformed" | "forged" | "expired" };

/** Default lifetime of a link (and of the session it opens): 12 hours. */
export const DEFAULT_WEB_LINK_TTL_SECONDS = 12 * 3600;
/** Longer tokens are refused before any work. */
const MAX_TOKEN_LENGTH = 2048;

function mac(secret: string, payload: string): Buffer {
  return createHmac("sha256", secret).update(`calpage-web-v1.${payload}`).digest();
}

/** `<base64url(JSON identity)>.<base64url(HMAC-SHA256)>` */
export function signWebToken(identity: WebIdentity, secret: string): string {
  const payload = Buffer.from(JSON.stringify({ u: identity.userId, e: identity.email, z: identity.tz, x: identity.expiresAt })).toString("base64url");
  return `${payload}.${mac(secret, payload).toString("base64url")}`;
}

/** Checks the signature (in constant time) first, then the expiry; never throws. */
export function verifyWebToken(token: string, secret: string, now: number): TokenCheck {
  if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: "malformed" };
  const dot = token.indexOf(".");
  if (dot <= 0 || dot !== token.lastIndexOf(".")) return { ok: false, reason: "malformed" };
  const payload = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1), "base64url");
  const expected = mac(secret, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "forged" };
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return { ok: false, reason: "malformed" };
  }
  const d = data as Record<string, unknown>;
  if (typeof d.u !== "string" || typeof d.x !== "number" || (d.e !== null && typeof d.e !== "string") || (d.z !== null && typeof d.z !== "string")) {
    return { ok: false, reason: "malformed" };
  }
  if (d.x <= now) return { ok: false, reason: "expired" };
  return { ok: true, identity: { userId: d.u, email: d.e, tz: d.z, expiresAt: d.x } };
}
