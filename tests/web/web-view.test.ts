import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DateTime } from "luxon";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../src/shared/package-root.js";
import { PEOPLE } from "../e2e/harness.js";
import { HOSTILE_SUMMARY, SCREENS, chromiumMissing, launchChromium, saveScreenshots, startWebScenario, type WebScenario } from "./web-scenario.js";

if (chromiumMissing) console.warn(`SKIPPED the web view's browser tests: ${chromiumMissing}`);

const ARTIFACTS = join(packageRoot(), "test-artifacts", "web");

describe.skipIf(chromiumMissing !== null)("the web view in headless Chromium", () => {
  let s: WebScenario;
  let browser: Browser;
  /** Every URL the browser asked for: calpage's own, nothing else. */
  const requested: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    [s, browser] = await Promise.all([startWebScenario("sqlite"), launchChromium()]);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await s?.stop();
  });

  async function signedIn(userId: string, zoneless = false): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
    const page = await context.newPage();
    page.on("request", (r) => requested.push(r.url()));
    page.on("dialog", (d) => void d.dismiss());
    const link = await s.linkFor(userId);
    const landed = await page.goto(link);
    expect(landed?.status()).toBe(200);
    // The token left the address bar: the session cookie carries it now.
    expect(page.url()).toBe(`${s.url}/web/`);
    if (zoneless) expect(await page.textContent("header")).toContain("times in");
    return { context, page };
  }

  it("/oncall web answers a personal link; following it signs in with an HttpOnly, SameSite=Lax cookie that lasts as long", async () => {
    const { context, page } = await signedIn(PEOPLE.alice.id);
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: "calpage_web", httpOnly: true, sameSite: "Lax", secure: false, path: "/web" });
    const hoursLeft = (cookie!.expires * 1000 - Date.now()) / 3_600_000;
    expect(hoursLeft).toBeGreaterThan(11.9);
    expect(hoursLeft).toBeLessThanOrEqual(12);
    // The index: the schedule and who is on call now, and Alice's open group.
    await expect(page.textContent("header")).resolves.toContain("Signed in as Alice Example · times in America/New_York");
    const main = (await page.textContent("main"))!;
    expect(main).toContain("primary");
    expect(main).toMatch(/on call now: (Alice Example|Bob Example|Carol Example)|nobody is on call now/);
    expect(main).toContain(`#${s.groupNumber} HighLatency`);
    await page.screenshot({ path: join(ARTIFACTS, "index.png"), fullPage: true });
    await context.close();
  });

  it("shows the week's final schedule in the viewer's zone: both feeds' people, the override and the gap", async () => {
    const { context, page } = await signedIn(PEOPLE.alice.id);
    const res = await page.goto(`${s.url}/web/schedules/primary?view=week`);
    expect(res?.status()).toBe(200);
    // What the feeds say, computed here from the rota's definition: Berlin times seen from New York.
    const ny = DateTime.now().setZone("America/New_York").startOf("week");
    const berlin = (days: number, hour: number) => DateTime.fromObject({ ...ny.plus({ days }).toObject(), hour, minute: 0 }, { zone: "Europe/Berlin" }).setZone("America/New_York");
    const f = (d: DateTime) => d.toFormat("ccc d LLL HH:mm");
    const days = await page.locator(".day .day-label").allTextContents();
    expect(days).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => ny.plus({ days: i }).toFormat("ccc d LLL")));
    const gapRows = await page.locator("#gaps-h + div tbody tr").allTextContents();
    expect(gapRows).toContain(`${f(berlin(2, 9))}${f(berlin(2, 15))}6 h`);
    const shifts = await page.locator("#shifts-h + div tbody tr").allTextContents();
    expect(shifts.some((r) => r.startsWith(`${f(berlin(4, 18))}${f(berlin(4, 22))}Carol Example (override)`))).toBe(true);
    expect(shifts.some((r) => r.includes("Alice Example") && r.includes("calendar: Alice Example"))).toBe(true);
    expect(shifts.some((r) => r.includes("Bob Example"))).toBe(true);
    // The chart draws the gap and the override on Wednesday and Friday.
    const wednesday = page.locator(`.day[data-day="${ny.plus({ days: 2 }).toISODate()}"]`);
    await expect(wednesday.locator(".bar.gap").first().textContent()).resolves.toBe("Nobody on call");
    const friday = page.locator(`.day[data-day="${ny.plus({ days: 4 }).toISODate()}"]`);
    await expect(friday.locator(".bar.override").first().textContent()).resolves.toBe("Carol Example");
    expect(await page.locator(".lane-name").allTextContents()).toEqual(expect.arrayContaining(["On call", "Overrides feed", "Calendar"]));
    await page.screenshot({ path: join(ARTIFACTS, "schedule-week.png"), fullPage: true });

    // ?tz= shows the same week in Berlin's time.
    await page.goto(`${s.url}/web/schedules/primary?view=week&tz=Europe/Berlin`);
    const berlinGaps = await page.locator("#gaps-h + div tbody tr").allTextContents();
    expect(berlinGaps.some((r) => /^Wed \d+ \w+ 09:00Wed \d+ \w+ 15:006 h$/.test(r))).toBe(true);
    // A bad zone or view is named.
    const bad = await page.goto(`${s.url}/web/schedules/primary?tz=Mars/Olympus`);
    expect(bad?.status()).toBe(400);
    expect(await page.textContent("main")).toContain(`tz: "Mars/Olympus" is not a time zone calpage knows`);
    const badView = await page.goto(`${s.url}/web/schedules/primary?view=year`);
    expect(badView?.status()).toBe(400);
    expect(await page.textContent("main")).toContain(`view: expected week or month, found "year"`);
    await context.close();
  });

  it("shows a month, one row a day, and moves between months", async () => {
    const { context, page } = await signedIn(PEOPLE.alice.id);
    // A month a little ahead: one row a day, whatever its length.
    const month = DateTime.now().setZone("America/New_York").plus({ months: 2 }).set({ day: 10 });
    await page.goto(`${s.url}/web/schedules/primary?view=month&start=${month.toISODate()}`);
    expect(await page.textContent("h1")).toContain(month.toFormat("LLLL yyyy"));
    expect(await page.locator(".day").count()).toBe(month.daysInMonth);
    await page.screenshot({ path: join(ARTIFACTS, "schedule-month.png"), fullPage: true });
    await page.click("text=Next month →");
    const next = month.plus({ months: 1 });
    expect(await page.textContent("h1")).toContain(next.toFormat("LLLL yyyy"));
    expect(await page.locator(".day").count()).toBe(next.daysInMonth);
    await context.close();
  });

  it("shows the alert group's timeline: alerts, the page to Alice, her acknowledgement, hostile text as text", async () => {
    const { context, page } = await signedIn(PEOPLE.alice.id);
    const res = await page.goto(`${s.url}/web/groups/${s.groupNumber}`);
    expect(res?.status()).toBe(200);
    expect(await page.textContent("h1")).toBe(`#${s.groupNumber} HighLatency (cluster=prod, service=api)`);
    expect(await page.textContent(".state")).toBe("acknowledged");
    const lines = await page.locator("ol.timeline li").allTextContents();
    expect(lines.some((l) => /alertHighLatency firing \(.*instance=api-0\.api\.prod\.svc:8080/.test(l))).toBe(true);
    expect(lines.some((l) => /pageAlice Example by Slack DM: (sent|delivered|answered)/.test(l))).toBe(true);
    expect(lines.some((l) => /acknowledged.*Alice Example/.test(l))).toBe(true);
    // Times in the timeline are Alice's (New York): the acknowledgement within the last few minutes.
    const ackTime = await page.locator("ol.timeline li.k-answer time").first().textContent();
    const ack = DateTime.fromFormat(ackTime!, "yyyy-LL-dd HH:mm:ss", { zone: "America/New_York" });
    expect(Math.abs(ack.toMillis() - Date.now())).toBeLessThan(5 * 60_000);
    // The summary with markup is text: no image was made, nothing ran.
    expect(await page.textContent("main")).toContain(HOSTILE_SUMMARY);
    expect(await page.locator("main img").count()).toBe(0);
    expect(await page.title()).not.toBe("pwned");
    await page.screenshot({ path: join(ARTIFACTS, "group.png"), fullPage: true });
    await context.close();
  });

  it("keeps groups to those who may see them: Carol, not in #alerts and not paged, is refused and told why", async () => {
    const { context, page } = await signedIn(PEOPLE.carol.id);
    expect(await page.textContent("main")).not.toContain(`#${s.groupNumber} HighLatency`);
    const res = await page.goto(`${s.url}/web/groups/${s.groupNumber}`);
    expect(res?.status()).toBe(403);
    expect(await page.textContent("main")).toContain(`You can see #${s.groupNumber} when you are in its channel (#alerts) or calpage paged you for it.`);
    // Schedules are for everyone, as `/oncall who` and `shifts` are.
    expect((await page.goto(`${s.url}/web/schedules/primary`))?.status()).toBe(200);
    // Bob is in #alerts: he sees it.
    const bob = await signedIn(PEOPLE.bob.id);
    expect((await bob.page.goto(`${s.url}/web/groups/${s.groupNumber}`))?.status()).toBe(200);
    await bob.context.close();
    await context.close();
  });

  it("refuses an expired link, a forged link and no session, saying how to get a new link", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const expired = await page.goto(`${s.url}/web/login?t=${await s.tokenExpiringAt(PEOPLE.alice.id, PEOPLE.alice.email, Date.now() - 1000)}`);
    expect(expired?.status()).toBe(403);
    expect(await page.textContent("h1")).toBe("This link has expired");
    expect(await page.textContent("main")).toContain("Type /oncall web in Slack to get a new personal link.");
    await page.screenshot({ path: join(ARTIFACTS, "expired-link.png"), fullPage: true });

    const real = new URL(await s.linkFor(PEOPLE.alice.id)).searchParams.get("t")!;
    // Bob's identity under Alice's signature, and Alice's token with its signature cut short.
    const [, sig] = real.split(".");
    const asBob = Buffer.from(JSON.stringify({ u: PEOPLE.bob.id, e: PEOPLE.bob.email, z: null, x: Date.now() + 3_600_000 })).toString("base64url");
    for (const forged of [`${asBob}.${sig}`, real.slice(0, -4)]) {
      const r = await page.goto(`${s.url}/web/login?t=${forged}`);
      expect(r?.status()).toBe(403);
      expect(await page.textContent("h1")).toBe("This link is not valid");
      expect(await page.textContent("main")).toContain("Type /oncall web in Slack to get a new personal link.");
    }
    expect(await context.cookies()).toEqual([]);
    const none = await page.goto(`${s.url}/web/groups/${s.groupNumber}`);
    expect(none?.status()).toBe(401);
    expect(await page.textContent("main")).toContain("/oncall web");
    expect(await page.textContent("main")).not.toContain("HighLatency");
    await context.close();
  });

  it("shows where the keyboard is: a visible focus ring on links and fields", async () => {
    const { context, page } = await signedIn(PEOPLE.alice.id);
    await page.goto(`${s.url}/web/schedules/primary`);
    // Run in the page (a string: this file is type-checked without the DOM's types).
    const focused = async () =>
      page.evaluate<{ text: string; tag: string; outline: string }>(
        `(() => { const el = document.activeElement; const st = getComputedStyle(el); return { text: (el.textContent || "").trim(), tag: el.tagName, outline: st.outlineStyle + " " + st.outlineWidth }; })()`,
      );
    await page.keyboard.press("Tab");
    expect(await focused()).toEqual({ text: "Skip to content", tag: "A", outline: "solid 3px" });
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press("Tab");
      if ((await focused()).tag === "INPUT") break;
    }
    expect(await focused()).toMatchObject({ tag: "INPUT", outline: "solid 3px" });
    // The time zone field has its label.
    expect(await page.locator("label[for=tz]").textContent()).toBe("Time zone");
    await context.close();
  });

  it("links the Slack message to the group's page, and asked nothing of any other host", async () => {
    const root = s.slack.callsTo("chat.postMessage").find((c) => c.args.channel === "#alerts")!;
    expect(JSON.stringify(root.args.blocks)).toContain(`<${s.url}/web/groups/${s.groupNumber}|Timeline>`);
    expect(requested.length).toBeGreaterThan(0);
    expect(requested.filter((u) => !u.startsWith(`${s.url}/`))).toEqual([]);
  });

  it("saves a screenshot of each page", async () => {
    const files = await saveScreenshots(browser, s, ARTIFACTS, { width: 390, height: 844 });
    expect(files.map((f) => f.split("/").pop())).toEqual(SCREENS.map((n) => `${n}.png`));
  });
});
