import { createHmac, timingSafeEqual } from "node:crypto";

/** Form fields of a Twilio request; a field sent more than once has all its values. */
export type TwilioParams = Record<string, string | readonly string[]>;

/** What {@link verifyTwilioSignature} checks. */
export interface TwilioSignatureCheck {
  authToken: string;
  /** The URL Twilio requested, as Twilio knows it: `PUBLIC_URL` + path + query string. */
  url: string;
  /** The form fields of the POST body (not the query string: that is part of `url`). */
  params: TwilioParams;
  /** The `X-Twilio-Signature` header; missing means invalid. */
  signature: string | null | undefined;
}

/**
 * Twilio's request signature: HMAC-SHA1 keyed with the auth token over the URL followed by every
 * field name and value, names sorted, base64. Repeated fields contribute each distinct value in
 * sorted order, as Twilio's own helper does.
 */
export function twilioSignature(authToken: string, url: string, params: TwilioParams): string {
  let data = url;
  for (const name of Object.keys(params).sort()) {
    const value = params[name];
    if (value === undefined) continue;
    if (typeof value === "string") {
      data += name + value;
    } else {
      for (const v of [...new Set(value)].sort()) data += name + v;
    }
  }
  return createHmac("sha1", authToken).update(Buffer.from(data, "utf8")).digest("base64");
}

/**
 * True when `signature` is Twilio's signature of this request. Compared in constant time. Like
 * Twilio's helper, the URL is also tried with its default port added or removed, because Twilio
 * signs the URL exactly as configured and proxies differ on whether `:443` is part of it.
 */
export function verifyTwilioSignature({ authToken, url, params, signature }: TwilioSignatureCheck): boolean {
  if (!authToken || !signature) return false;
  const given = Buffer.from(signature, "utf8");
  let ok = false;
  // Every candidate is checked (no early return) so the time taken does not say which one matched.
  for (const candidate of urlCandidates(url)) {
    const expected = Buffer.from(twilioSignature(authToken, candidate, params), "utf8");
    // The expected length is fixed by SHA-1 and public, so a length mismatch may answer early.
    if (expected.length === given.length && timingSafeEqual(expected, given)) ok = true;
  }
  return ok;
}

/**
 * Parses an `application/x-www-form-urlencoded` body into {@link TwilioParams}: a field that appears
 * once is a string, one that repeats is an array of its values in order.
 */
export function parseTwilioForm(body: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(body)) {
    const existing = out[name];
    if (existing === undefined) out[name] = value;
    else if (typeof existing === "string") out[name] = [existing, value];
    else existing.push(value);
  }
  return out;
}

/** The URL as given, then with the scheme's default port removed or added. */
function urlCandidates(url: string): string[] {
  const m = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)(.*)$/is.exec(url);
  if (!m) return [url];
  const scheme = (m[1] ?? "").toLowerCase();
  const authority = m[2] ?? "";
  const rest = m[3] ?? "";
  const defaultPort = scheme === "https" ? "443" : scheme === "http" ? "80" : null;
  if (defaultPort === null) return [url];
  const at = authority.lastIndexOf("@");
  const userInfo = authority.slice(0, at + 1);
  const hostPort = authority.slice(at + 1);
  // The port colon comes after the closing bracket of an IPv6 literal.
  const colon = hostPort.indexOf(":", hostPort.lastIndexOf("]") + 1);
  const host = colon === -1 ? hostPort : hostPort.slice(0, colon);
  const port = colon === -1 ? null : hostPort.slice(colon + 1);
  const prefix = `${m[1] ?? ""}://${userInfo}${host}`;
  if (port === null) return [url, `${prefix}:${defaultPort}${rest}`];
  if (port === defaultPort) return [url, `${prefix}${rest}`];
  return [url];
}
