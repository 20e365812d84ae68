import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { BACKENDS, sleep, startInProcess } from "../e2e/harness.js";
import { alertFor, email, oncall, openHome, slackId, startMeWorld, viewText, type MeWorld, type TestPerson } from "./me-harness.js";

// Nora's Slack profile says she lives at UTC+14, where the wall clock is 10 hours behind UTC's time of day:
// quiet hours around her "now" are never around UTC's now, so only her own zone can make them apply.
const ZONE = "Pacific/Kiritimati";
const people: Record<string, TestPerson> = {
  nora: { phone: "+15550000301", default: "[slack_dm, sms]", important: "[slack_dm, sms]", tz: ZONE },
  // No quiet hours: her SMS goes out at any hour.
  otto: { phone: "+15550000302", default: "[slack_dm, sms]" },
};

/** `HH:MM` in `zone`, `minutes` from now. */
function localClock(zone: string, minutes: number): string {
  const parts = new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(new Date(Date.now() + minutes * 60_000));
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${get("hour")}:${get("minute")}`;
}

describe.each(BACKENDS)("quiet hours (%s)", (backend) => {
  let w: MeWorld;
  const smsTo = (p: string) => w.twilio!.messages.filter((m) => m.to === people[p]!.phone);
  const dmsTo = (p: string) => w.slack.callsTo("chat.postMessage").filter((c) => c.args.channel === slackId(p));
  const logOf = async (n: number) => {
    const group = (await w.app.store.read.groups.getByNumber(n))!;
    return (await w.app.store.read.log.list(group.id)).map((e) => e.text);
  };
  // Two hours either side of Nora's local now (crossing midnight when it is late or early there); read once, so a minute passing changes nothing.
  let window = { from: "", until: "" };
  const from = () => window.from;
  const until = () => window.until;

  beforeAll(async () => {
    window = { from: localClock(ZONE, -120), until: localClock(ZONE, 120) };
    w = await startMeWorld(backend, people, { withTwilio: true, onCall: "nora" });
  });
  afterAll(async () => {
    await w?.close();
  });

  it("`/oncall me quiet` saves them in the person's Slack time zone and shows them", async () => {
    const answer = await oncall(w, "nora", `me quiet ${from()}-${until()}`);
    expect(answer).toContain(`*Quiet hours:* ${from()}–${until()} (${ZONE}) _(quiet now)_ — normal pages reach you by Slack DM only (no SMS or call); important pages ring as always`);
    expect(answer).toContain(`Your time zone: ${ZONE} _(from your Slack profile)_`);
    expect(await w.app.store.read.userSettings.get(email("nora"))).toMatchObject({ quietFrom: from(), quietTo: until() });
    const summary = await oncall(w, "nora", "me");
    expect(summary).toContain(`*Quiet hours:* ${from()}–${until()} (${ZONE})`);
    expect(summary).toContain(`*Time zone:* ${ZONE} _(from your Slack profile)_`);
    const home = viewText(await openHome(w, "nora"));
    expect(home).toContain(`*Quiet hours:* ${from()}–${until()} (${ZONE}) _(quiet now)_`);
  });

  it("refuses times that are not times, and keeps what was saved", async () => {
    expect(await oncall(w, "nora", "me quiet 25:00-07:00")).toBe('"25:00" is not a start time from 00:00 to 23:59. Usage: `/oncall me quiet 22:00-07:00` (local time in your time zone), or `/oncall me quiet off`.');
    expect(await oncall(w, "nora", "me quiet 22:00")).toMatch(/^Expected quiet hours like `22:00-07:00`/);
    expect(await oncall(w, "nora", "me quiet")).toMatch(/^Usage: `\/oncall me quiet 22:00-07:00`/);
    expect(await w.app.store.read.userSettings.get(email("nora"))).toMatchObject({ quietFrom: from(), quietTo: until() });
  });

  it("a normal page during quiet hours goes by Slack DM only; the thread says the SMS was not sent and why", async () => {
    const dmsBefore = dmsTo("nora").length;
    const n = await alertFor(w, "nora", "nora-normal", "nora normal page");
    for (let i = 0; i < 50 && dmsTo("nora").length === dmsBefore; i++) await sleep(100);
    expect(dmsTo("nora").length).toBe(dmsBefore + 1);
    // Otto, without quiet hours, gets his SMS at the same hour: the Twilio stand-in is working.
    await alertFor(w, "otto", "otto-normal", "otto normal page");
    await w.twilio!.waitForMessage((m) => m.to === people.otto!.phone, 10_000);
    await sleep(500);
    expect(smsTo("nora")).toEqual([]);
    const log = await logOf(n);
    expect(log).toContain(`Nora Example: quiet hours until ${until()} (${ZONE}): SMS not sent.`);
    expect((await w.app.store.read.pages.listForGroup((await w.app.store.read.groups.getByNumber(n))!.id)).map((p) => p.channel)).toEqual(["slack_dm"]);
  });

  it("an important page during quiet hours rings as always", async () => {
    const n = await alertFor(w, "nora-important", "nora-important", "nora important page");
    const sms = await w.twilio!.waitForMessage((m) => m.to === people.nora!.phone, 10_000);
    expect(sms.body).toContain(`#${n}`);
    expect((await logOf(n)).some((t) => t.includes("quiet hours"))).toBe(false);
  });

  it("after a restart, the zones of people with quiet hours are read from Slack before a page needs them", async () => {
    await w.app.stop();
    const mark = w.slack.calls.length;
    const path = join(w.env.dir, "calpage.yaml");
    ({ app: w.app } = await startInProcess(path, w.env.env, readFileSync(path, "utf8"), Number(new URL(w.url).port)));
    await w.slack.waitFor((c) => c.seq > mark && c.method === "users.lookupByEmail" && c.args.email === email("nora"), 10_000);
    // Otto set no quiet hours: his zone is not asked for at start.
    expect(w.slack.calls.filter((c) => c.seq > mark && c.method === "users.lookupByEmail" && c.args.email === email("otto"))).toEqual([]);
    const dmsBefore = dmsTo("nora").length;
    const smsBefore = smsTo("nora").length;
    const n = await alertFor(w, "nora", "nora-restarted", "nora after restart");
    for (let i = 0; i < 50 && dmsTo("nora").length === dmsBefore; i++) await sleep(100);
    await sleep(500);
    expect(smsTo("nora")).toHaveLength(smsBefore);
    expect(await logOf(n)).toContain(`Nora Example: quiet hours until ${until()} (${ZONE}): SMS not sent.`);
  });

  it("`/oncall me quiet off` removes them: the next normal page texts again", async () => {
    expect(await oncall(w, "nora", "me quiet off")).toBe(":white_check_mark: No quiet hours: from the next page on every page follows your ladder at any hour.");
    const before = smsTo("nora").length;
    const n = await alertFor(w, "nora", "nora-after", "nora after quiet");
    const sms = await w.twilio!.waitForMessage((m) => m.to === people.nora!.phone && m.body.includes("nora after quiet"), 10_000);
    expect(sms.body).toContain(`#${n}`);
    expect(smsTo("nora").length).toBe(before + 1);
    expect(await oncall(w, "nora", "me")).toContain("*Quiet hours:* _none_");
  });
});
