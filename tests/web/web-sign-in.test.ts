import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PEOPLE } from "../e2e/harness.js";
import { startWebScenario, type WebScenario } from "./web-scenario.js";

const CLIENT_ID = "1111.2222";
const CLIENT_SECRET = "sign-in-client-secret-0123";

/** An ID token as Slack's openid.connect.token returns it (the signature is not checked: it comes straight from Slack). */
function idToken(claims: Record<string, unknown>): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${part({ alg: "RS256", typ: "JWT" })}.${part(claims)}.c2lnbmF0dXJl`;
}

describe("Sign in with Slack (OpenID Connect) on the web view", () => {
  let s: WebScenario;
  /** What the fake Slack's token exchange answers per code. */
  const answers = new Map<string, (nonce: string) => Record<string, unknown>>();
  let nonceSeen = "";

  beforeAll(async () => {
    s = await startWebScenario("sqlite", { SLACK_CLIENT_ID: CLIENT_ID, SLACK_CLIENT_SECRET: CLIENT_SECRET });
    s.slack.handle("openid.connect.token", (args) => {
      if (args.client_id !== CLIENT_ID || args.client_secret !== CLIENT_SECRET) return { ok: false, error: "invalid_client_id" };
      if (args.redirect_uri !== `${s.url}/web/signin/slack/callback`) return { ok: false, error: "bad_redirect_uri" };
      const answer = answers.get(String(args.code));
      return answer ? answer(nonceSeen) : { ok: false, error: "invalid_code" };
    });
  }, 60_000);

  afterAll(async () => {
    await s?.stop();
  });

  const claims = (nonce: string, over: Record<string, unknown> = {}) => ({
    iss: "https://slack.com",
    aud: CLIENT_ID,
    exp: Math.floor(Date.now() / 1000) + 300,
    nonce,
    sub: PEOPLE.alice.id,
    "https://slack.com/user_id": PEOPLE.alice.id,
    "https://slack.com/team_id": "T0TEST001",
    email: PEOPLE.alice.email,
    ...over,
  });

  /** Starts a sign-in: Slack's authorize URL and this browser's cookie. */
  async function start(): Promise<{ authorize: URL; cookie: string }> {
    const r = await fetch(`${s.url}/web/signin/slack`, { redirect: "manual" });
    expect(r.status).toBe(303);
    const authorize = new URL(r.headers.get("location")!);
    const cookie = r.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^calpage_signin=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+; Path=\/web; Max-Age=600; HttpOnly; SameSite=Lax$/);
    nonceSeen = authorize.searchParams.get("nonce")!;
    return { authorize, cookie: cookie.split(";")[0]! };
  }

  const callback = (query: string, cookie?: string) => fetch(`${s.url}/web/signin/slack/callback?${query}`, { redirect: "manual", headers: cookie ? { cookie } : {} });

  it("offers it on the sign-in page and sends the browser to Slack's authorize page with this calpage's client id", async () => {
    const page = await fetch(`${s.url}/web/`);
    expect(page.status).toBe(401);
    expect(await page.text()).toContain(`<a class="button" href="/web/signin/slack">Sign in with Slack</a>`);
    const { authorize } = await start();
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${s.slack.origin}/openid/connect/authorize`);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({ response_type: "code", scope: "openid email profile", client_id: CLIENT_ID, redirect_uri: `${s.url}/web/signin/slack/callback` });
  });

  it("signs in the member the ID token names, with a session like a link's", async () => {
    answers.set("good-code", (nonce) => ({ ok: true, access_token: "xoxp-user", id_token: idToken(claims(nonce)) }));
    const { authorize, cookie } = await start();
    const r = await callback(`code=good-code&state=${authorize.searchParams.get("state")}`, cookie);
    expect(r.status).toBe(303);
    expect(r.headers.get("location")).toBe("/web/");
    const [session, cleared] = r.headers.getSetCookie();
    expect(session).toMatch(/^calpage_web=[^;]+; Path=\/web; Max-Age=(43199|43200); HttpOnly; SameSite=Lax$/);
    expect(cleared).toMatch(/^calpage_signin=; Path=\/web; Max-Age=0/);
    const index = await fetch(`${s.url}/web/`, { headers: { cookie: session!.split(";")[0]! } });
    expect(index.status).toBe(200);
    // Alice's Slack profile says New York.
    expect(await index.text()).toContain("Signed in as Alice Example · times in America/New_York");
  });

  it("refuses a sign-in not started in this browser, or whose state was swapped", async () => {
    answers.set("code-2", (nonce) => ({ ok: true, id_token: idToken(claims(nonce)) }));
    const { authorize, cookie } = await start();
    const noCookie = await callback(`code=code-2&state=${authorize.searchParams.get("state")}`);
    expect(noCookie.status).toBe(403);
    expect(await noCookie.text()).toContain("This sign-in was not started in this browser");
    const swapped = await callback(`code=code-2&state=someone-elses-state`, cookie);
    expect(swapped.status).toBe(403);
    expect(swapped.headers.getSetCookie().some((c) => c.startsWith("calpage_web="))).toBe(false);
  });

  it.each([
    ["an ID token for another browser's sign-in (nonce)", () => claims("another-nonce"), "did not match this browser"],
    ["an ID token for another app (audience)", (n: string) => claims(n, { aud: "9999.0000" }), "not for this calpage"],
    ["an ID token from elsewhere (issuer)", (n: string) => claims(n, { iss: "https://evil.example.com" }), "not for this calpage"],
    ["an expired ID token", (n: string) => claims(n, { exp: Math.floor(Date.now() / 1000) - 10 }), "The sign-in expired"],
    ["someone the bot cannot see (another workspace)", (n: string) => claims(n, { "https://slack.com/user_id": "U0STRANGER", sub: "U0STRANGER" }), "That Slack account is not in calpage&#39;s workspace"],
  ])("refuses %s", async (_what, make, message) => {
    const code = `code-${Math.random().toString(36).slice(2)}`;
    answers.set(code, (nonce) => ({ ok: true, id_token: idToken((make as (n: string) => Record<string, unknown>)(nonce)) }));
    const { authorize, cookie } = await start();
    const r = await callback(`code=${code}&state=${authorize.searchParams.get("state")}`, cookie);
    expect(r.status).toBe(403);
    expect(await r.text()).toContain(message);
  });

  it("says what Slack said when it refuses the code or the person declines", async () => {
    const { authorize, cookie } = await start();
    const bad = await callback(`code=unknown-code&state=${authorize.searchParams.get("state")}`, cookie);
    expect(bad.status).toBe(403);
    expect(await bad.text()).toContain("Slack refused the sign-in (invalid_code)");
    const declined = await callback(`error=access_denied&state=${authorize.searchParams.get("state")}`, cookie);
    expect(declined.status).toBe(403);
    expect(await declined.text()).toContain("Slack did not sign you in (access_denied)");
  });
});
