import type { ApiTokenConfig } from "../../config/config-types.js";
import { safeEqual } from "../../shared/ids.js";

/** `Authorization: Bearer <token>` → its secret; null when the header is missing or of another kind. */
export function bearerToken(header: string | undefined): string | null {
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? "");
  return m ? m[1]! : null;
}

/**
 * The configured token `given` matches, compared in constant time against every token (so the time
 * taken says nothing about which, or how much of one, matched); null when none does.
 */
export function findApiToken(tokens: readonly ApiTokenConfig[], given: string): ApiTokenConfig | null {
  let found: ApiTokenConfig | null = null;
  for (const t of tokens) if (safeEqual(given, t.token) && found === null) found = t;
  return found;
}
