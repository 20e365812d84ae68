import { createHash } from "node:crypto";

/**
 * sha256 of a feed body's UTF-8, hex: stored with the body (`feeds.body_sha256`) and computed by
 * the schedule computer, so a stored shift table can be matched to the copy it came from without
 * reading the body.
 */
export function bodySha256(body: string): string {
  return createHash("sha256").update(body).digest("hex");
}
