import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, PEOPLE } from "../e2e/harness.js";
import { startWebScenario, type WebScenario } from "./web-scenario.js";

/** The web view over plain HTTP on both store backends: links, the session cookie, refusals, the pages' status codes. */
describe.each(BACKENDS)("web view routes (%s)", (backend) => {
  let s: WebScenario;

  beforeAll(async () => {
    s = await startWebScenario(backend);
  }, 60_000);

  afterAll(async () => {
    await s?.stop();
  });

  /** Follows a link by hand: the 303 and its cookie. */
  async function session(link: string): Promise<string> {
    const r = await fetch(link, { redirect: "manual" });
    expect(r.status).toBe(303);
    expect(r.headers.get("location")).toBe("/web/");
    const cookie = r.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^calpage_web=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+; Path=\/web; Max-Age=(43199|43200); HttpOnly; SameSite=Lax$/);
    return cookie.split(";")[0]!;
  }

  const get = (path: string, cookie?: string) => fetch(`${s.url}${path}`, { headers: cookie ? { cookie } : {}, redirect: "manual" });

  it("answers /oncall web with a link at PUBLIC_URL that opens a session; pages then answer 200 with no scripts allowed", async () => {
    const link = await s.linkFor(PEOPLE.alice.id);
    expect(link.startsWith(`${s.url}/web/login?t=`)).toBe(true);
    const cookie = await session(link);
    const lastYear = new Date(Date.now() - 300 * 86_400_000).toISOString().slice(0, 10);
    for (const path of ["/web/", "/web/schedules/primary", `/web/schedules/primary?view=month&start=${lastYear}`, `/web/groups/${s.groupNumber}`, "/web/report", "/web/report?schedule=primary"]) {
      const r = await get(path, cookie);
      expect(r.status, path).toBe(200);
      expect(r.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(r.headers.get("content-security-policy")).toContain("default-src 'none'");
      expect(r.headers.get("cache-control")).toBe("no-store");
      expect(await r.text()).not.toContain("<script");
    }
    const css = await get("/web/style.css");
    expect(css.status).toBe(200);
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
  });

  it("names what is wrong: an unknown schedule or group, a bad start date, a page that does not exist, a POST", async () => {
    const cookie = await session(await s.linkFor(PEOPLE.bob.id));
    const unknown = await get("/web/schedules/nope", cookie);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain("There is no schedule called &quot;nope&quot;. Schedules: primary.");
    const group = await get("/web/groups/999", cookie);
    expect(group.status).toBe(404);
    expect(await group.text()).toContain("There is no alert group #999.");
    const start = await get("/web/schedules/primary?start=next-tuesday", cookie);
    expect(start.status).toBe(400);
    expect(await start.text()).toContain("start: expected a date like 2026-12-07, found &quot;next-tuesday&quot;.");
    const far = await get("/web/schedules/primary?view=month&start=2999-01-01", cookie);
    expect(far.status).toBe(400);
    expect(await far.text()).toContain("start: 2999-01-01 is more than two years from today");
    expect((await get("/web/elsewhere", cookie)).status).toBe(404);
    const post = await fetch(`${s.url}/web/`, { method: "POST", headers: { cookie } });
    expect(post.status).toBe(405);
  });

  it("refuses no session (401), an expired session and a forged one (403, clearing the cookie), saying how to get a link", async () => {
    const none = await get("/web/");
    expect(none.status).toBe(401);
    expect(await none.text()).toContain("Type /oncall web in Slack to get a new personal link.");
    const expired = `calpage_web=${await s.tokenExpiringAt(PEOPLE.alice.id, PEOPLE.alice.email, Date.now() - 1)}`;
    const r1 = await get("/web/", expired);
    expect(r1.status).toBe(403);
    expect(r1.headers.get("set-cookie")).toContain("Max-Age=0");
    expect(await r1.text()).toContain("This link has expired");
    const valid = await s.tokenExpiringAt(PEOPLE.alice.id, PEOPLE.alice.email, Date.now() + 60_000);
    const r2 = await get("/web/", `calpage_web=${valid.slice(0, -2)}xx`);
    expect(r2.status).toBe(403);
    expect(await r2.text()).toContain("This link is not valid");
  });

  it("comes back to the page asked for before signing in (a Slack message's Timeline link), and only to calpage's own pages", async () => {
    const asked = await get(`/web/groups/${s.groupNumber}`);
    expect(asked.status).toBe(401);
    const next = asked.headers.get("set-cookie")!;
    expect(next).toMatch(/^calpage_web_next=%2Fweb%2Fgroups%2F\d+; Path=\/web; Max-Age=3600; HttpOnly; SameSite=Lax$/);
    const link = await s.linkFor(PEOPLE.alice.id);
    const r = await fetch(link, { redirect: "manual", headers: { cookie: next.split(";")[0]! } });
    expect(r.status).toBe(303);
    expect(r.headers.get("location")).toBe(`/web/groups/${s.groupNumber}`);
    expect(r.headers.getSetCookie()).toEqual([expect.stringMatching(/^calpage_web=/), expect.stringMatching(/^calpage_web_next=; Path=\/web; Max-Age=0/)]);
    // The report, with its months, is remembered too.
    const report = await get("/web/report?from=2026-01&to=2026-03");
    expect(report.headers.get("set-cookie")).toMatch(/^calpage_web_next=%2Fweb%2Freport%3Ffrom%3D2026-01%26to%3D2026-03;/);
    for (const elsewhere of ["https%3A%2F%2Fevil.example.com%2F", "%2F%2Fevil.example.com", "%2Fweb%2Flogin%3Ft%3Dx"]) {
      const r2 = await fetch(link, { redirect: "manual", headers: { cookie: `calpage_web_next=${elsewhere}` } });
      expect(r2.headers.get("location"), elsewhere).toBe("/web/");
    }
  });

  it("counts Alice's page and acknowledgement in this month's fairness report, read from this backend", async () => {
    const cookie = await session(await s.linkFor(PEOPLE.bob.id));
    const page = await (await get("/web/report", cookie)).text();
    const month = DateTime.now().setZone("Europe/Berlin").toFormat("yyyy-MM");
    const section = page.split(`data-period="${month}"`)[1]!.split("</section>")[0]!;
    const row = /<tr data-email="alice@example\.com">[\s\S]*?<\/tr>/.exec(section)![0];
    const figure = (metric: string) => new RegExp(`data-metric="${metric}">(\\d+)`).exec(row)?.[1];
    expect([figure("pages"), figure("acks")]).toEqual(["1", "1"]);
  });

  it("keeps the fairness report to calpage users: a Slack guest is refused and told why", async () => {
    s.slack.users.add({ id: "U0GUEST1", name: "gus", email: "gus@example.com", realName: "Gus Guest", guest: true });
    const r = await get("/web/report", `calpage_web=${await s.tokenExpiringAt("U0GUEST1", "gus@example.com", Date.now() + 60_000)}`);
    expect(r.status).toBe(403);
    const text = await r.text();
    expect(text).toContain("Slack guests can only use the read-only commands");
    expect(text).not.toContain("Alice Example");
  });

    it("checks who the link is for on every page: a deactivated Slack account is refused", async () => {
    s.slack.users.add({ id: "U0DAVE01", name: "dave", email: "dave@example.com", realName: "Dave Gone", deleted: true });
    const r = await get("/web/", `calpage_web=${await s.tokenExpiringAt("U0DAVE01", "dave@example.com", Date.now() + 60_000)}`);
    expect(r.status).toBe(403);
    expect(await r.text()).toContain("Your Slack account is deactivated");
  });
});
