import type { IncomingMessage, ServerResponse } from "node:http";
import type { WebAnswer, WebService } from "../web/web-service.js";
import type { WebIdentity } from "../web/web-token.js";
import { WEB_CSS } from "../web/web-style.js";

/** The session cookie: the signed token itself (stateless, so every replica reads it). */
export const WEB_COOKIE = "calpage_web";
/** The page someone without a session asked for (a Slack message's Timeline link): where their next sign-in goes. */
export const NEXT_COOKIE = "calpage_web_next";
/** A "Sign in with Slack" under way in this browser: its state and nonce, for 10 minutes. */
export const SIGN_IN_COOKIE = "calpage_signin";
/** Pages worth coming back to after signing in: calpage's own, no other host. */
const NEXT_PAGE = /^\/web\/(?:groups\/\d{1,9}|(?:schedules\/[A-Za-z0-9%._~-]{1,200}|report)(?:\?[A-Za-z0-9%=&._~-]{0,300})?)$/;

const SECURITY_HEADERS = {
  // No scripts at all; styles only calpage's own sheet and the bars' positions.
  "content-security-policy": "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
};

/**
 * The read-only web view (README "Web view"): `/web/login?t=<token>` exchanges a `/oncall web`
 * link for a session cookie; `/web/`, `/web/schedules/<name>`, `/web/groups/<number>`,
 * `/web/report` need it;
 * `/web/style.css` is the one asset. Thin: parse, ask the web service, send its page.
 */
export function createWebRoutes(deps: { web: WebService; secureCookie: boolean }) {
  const { web } = deps;
  const send = (res: ServerResponse, a: WebAnswer, headers: Record<string, string> = {}) => {
    res.writeHead(a.status, { "content-type": "text/html; charset=utf-8", "content-length": Buffer.byteLength(a.html), ...SECURITY_HEADERS, ...headers });
    res.end(a.html);
  };
  const cookie = (value: string, maxAge: number, name = WEB_COOKIE) =>
    `${name}=${value}; Path=/web; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${deps.secureCookie ? "; Secure" : ""}`;

  /** The session cookie, then on to the page asked for before signing in, if any, else /web/. */
  const signedIn = (req: IncomingMessage, res: ServerResponse, token: string, identity: WebIdentity, more: string[]) => {
    const next = decodeNext(readCookie(req.headers.cookie, NEXT_COOKIE));
    const cookies = [cookie(token, web.maxAgeSeconds(identity)), ...more];
    if (next !== null) cookies.push(cookie("", 0, NEXT_COOKIE));
    res.writeHead(303, { location: next ?? "/web/", "set-cookie": cookies, ...SECURITY_HEADERS });
    res.end();
  };

  return async (req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> => {
    if (path !== "/web" && !path.startsWith("/web/")) return false;
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" });
      res.end("method not allowed: the web view is read-only\n");
      return true;
    }
    const url = new URL(req.url ?? "/", "http://calpage.invalid");
    if (path === "/web/style.css") {
      res.writeHead(200, { "content-type": "text/css; charset=utf-8", "content-length": Buffer.byteLength(WEB_CSS), "cache-control": "public, max-age=3600", "x-content-type-options": "nosniff" });
      res.end(WEB_CSS);
      return true;
    }
    if (path === "/web") {
      res.writeHead(308, { location: "/web/" });
      res.end();
      return true;
    }
    if (path === "/web/login") {
      const checked = await web.check(url.searchParams.get("t"));
      if (!checked.ok) {
        send(res, checked.answer);
        return true;
      }
      // The token leaves the address bar (and the history) at once.
      signedIn(req, res, url.searchParams.get("t")!, checked.identity, []);
      return true;
    }
    if (path === "/web/signin/slack") {
      const started = web.startSlackSignIn();
      if (!started) {
        send(res, web.refusedPage(404, "Not found", "Sign in with Slack is not set up here.", "Type /oncall web in Slack to get a personal link."));
        return true;
      }
      res.writeHead(303, { location: started.location, "set-cookie": cookie(started.pending, 600, SIGN_IN_COOKIE), ...SECURITY_HEADERS });
      res.end();
      return true;
    }
    if (path === "/web/signin/slack/callback") {
      const q = (k: string) => url.searchParams.get(k);
      const done = await web.finishSlackSignIn({ code: q("code"), state: q("state"), error: q("error") }, readCookie(req.headers.cookie, SIGN_IN_COOKIE));
      if (!done.ok) {
        send(res, done.answer, { "set-cookie": cookie("", 0, SIGN_IN_COOKIE) });
        return true;
      }
      signedIn(req, res, done.token, done.identity, [cookie("", 0, SIGN_IN_COOKIE)]);
      return true;
    }
    if (path === "/web/logout") {
      send(res, web.refusedPage(200, "Signed out", "Type /oncall web in Slack to sign in again."), { "set-cookie": cookie("", 0) });
      return true;
    }
    const checked = await web.check(readCookie(req.headers.cookie, WEB_COOKIE));
    if (!checked.ok) {
      const asked = `${path}${url.search}`;
      const remember = NEXT_PAGE.test(asked) ? [cookie(encodeURIComponent(asked), 3600, NEXT_COOKIE)] : [];
      const clear = checked.answer.status === 403 ? [cookie("", 0)] : [];
      if (clear.length + remember.length > 0) res.setHeader("set-cookie", [...clear, ...remember]);
      send(res, checked.answer);
      return true;
    }
    const signed = await web.signIn(checked.identity, url.searchParams.get("tz"));
    if (!signed.ok) {
      send(res, signed.answer);
      return true;
    }
    const who = signed.who;
    if (path === "/web/") {
      send(res, await web.index(who));
      return true;
    }
    const s = /^\/web\/schedules\/([^/]+)$/.exec(path);
    if (s) {
      const name = decode(s[1]!);
      const q = (k: string) => url.searchParams.get(k);
      send(res, name === null ? web.refusedPage(404, "No such schedule", "That schedule name cannot be read.") : await web.schedule(who, name, { view: q("view"), start: q("start"), tz: q("tz") }));
      return true;
    }
    if (path === "/web/report") {
      const q = (k: string) => url.searchParams.get(k);
      send(res, await web.report(who, { from: q("from"), to: q("to"), schedule: q("schedule") }));
      return true;
    }
    const g = /^\/web\/groups\/#?(\d{1,9})$/.exec(path);
    if (g) {
      send(res, await web.group(who, Number(g[1])));
      return true;
    }
    send(res, web.refusedPage(404, "Not found", `calpage has no page at ${path}.`, "The web view has /web/ (schedules and your open alert groups), /web/schedules/<name>, /web/groups/<number> and /web/report (the fairness report)."));
    return true;
  };
}

/** One cookie's value from a Cookie header; null when absent. */
export function readCookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/** The remembered page, if it is still one of calpage's own. */
function decodeNext(value: string | null): string | null {
  const page = value === null ? null : decode(value);
  return page !== null && NEXT_PAGE.test(page) ? page : null;
}

function decode(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}
