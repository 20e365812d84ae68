/**
 * "Sign in with Slack" (OpenID Connect) for the web view: the authorize URL to send a browser to,
 * and the code exchange (`openid.connect.token`) whose ID token names the Slack member. The token
 * comes straight from Slack's API over TLS, so its claims are checked (issuer, audience, expiry,
 * nonce) but not its signature (OpenID Connect Core 3.1.3.7).
 */
export interface SlackSignIn {
  authorizeUrl(state: string, nonce: string, redirectUri: string): string;
  exchange(code: string, redirectUri: string, nonce: string, now: number): Promise<{ ok: true; userId: string; email: string | null } | { ok: false; message: string }>;
}

const ISSUER = "https://slack.com";

export function createSlackSignIn(opts: { clientId: string; clientSecret: string; apiUrl: string | null; fetch?: typeof fetch }): SlackSignIn {
  const api = `${(opts.apiUrl ?? "https://slack.com/api").replace(/\/+$/, "")}/`;
  const doFetch = opts.fetch ?? fetch;
  return {
    authorizeUrl(state, nonce, redirectUri) {
      const u = new URL("../openid/connect/authorize", api);
      u.search = new URLSearchParams({ response_type: "code", scope: "openid email profile", client_id: opts.clientId, state, nonce, redirect_uri: redirectUri }).toString();
      return u.href;
    },
    async exchange(code, redirectUri, nonce, now) {
      let body: Record<string, unknown>;
      try {
        const res = await doFetch(new URL("openid.connect.token", api), {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ client_id: opts.clientId, client_secret: opts.clientSecret, code, redirect_uri: redirectUri }).toString(),
          signal: AbortSignal.timeout(10_000),
        });
        body = (await res.json()) as Record<string, unknown>;
      } catch {
        return { ok: false, message: "Slack did not answer the sign-in; try again." };
      }
      if (body.ok !== true || typeof body.id_token !== "string") return { ok: false, message: `Slack refused the sign-in (${typeof body.error === "string" ? body.error : "no ID token"}); try again.` };
      const claims = decodeJwtPayload(body.id_token);
      if (claims === null) return { ok: false, message: "Slack's answer could not be read; try again." };
      const aud = claims.aud;
      if (claims.iss !== ISSUER || !(aud === opts.clientId || (Array.isArray(aud) && aud.includes(opts.clientId)))) return { ok: false, message: "The sign-in was not for this calpage." };
      if (typeof claims.exp !== "number" || claims.exp * 1000 <= now) return { ok: false, message: "The sign-in expired; try again." };
      if (claims.nonce !== nonce) return { ok: false, message: "The sign-in did not match this browser's; try again." };
      const userId = claims["https://slack.com/user_id"] ?? claims.sub;
      if (typeof userId !== "string" || userId === "") return { ok: false, message: "Slack did not say who signed in." };
      return { ok: true, userId, email: typeof claims.email === "string" ? claims.email : null };
    },
  };
}

function decodeJwtPayload(jwt: string): Record<string, unknown> | null {
  const part = jwt.split(".")[1];
  if (!part) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
