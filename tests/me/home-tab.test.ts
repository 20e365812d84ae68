import type { KnownBlock } from "@slack/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACTION_ACK } from "../../src/slack/blocks/action-ids.js";
import { blockKitProblems } from "../../src/slack/blocks/block-kit-problems.js";
import { ACTION_HOME_REQUEST_COVER } from "../../src/slack/me/home-sections.js";
import { VIEW_COVER } from "../../src/slack/schedule/cover-blocks.js";
import { BACKENDS, postSignedSlack } from "../e2e/harness.js";
import { buttonClickPayload } from "../support/slack-signing.js";
import { alertFor, openHome, slackId, startMeWorld, viewText, type MeWorld, type TestPerson } from "./me-harness.js";

const people: Record<string, TestPerson> = {
  // On call in "primary" (a weekly rota that repeats), in New York according to Slack.
  erin: { phone: null, default: "[slack_dm]", tz: "America/New_York" },
  // Not on call, never paged.
  fred: { phone: null, default: "[slack_dm]" },
};

type Block = { type: string; text?: { text: string }; accessory?: { action_id: string; value: string; text: { text: string } } };

describe.each(BACKENDS)("the Home tab's shifts and pages (%s)", (backend) => {
  let w: MeWorld;

  beforeAll(async () => {
    w = await startMeWorld(backend, people, { withTwilio: false, onCall: "erin", scheduleChannel: true, strangers: ["mallory"] });
  });
  afterAll(async () => {
    await w?.close();
  });

  /** A click on a Home tab button carrying `value` (a `block_actions` from the Home view). */
  async function clickOnHome(person: string, actionId: string, value: string): Promise<void> {
    const payload = buttonClickPayload({ actionId, value, userId: slackId(person), channelId: "D0HOME0001", messageTs: "0" });
    delete payload.channel;
    delete payload.message;
    payload.container = { type: "view", view_id: "V0HOMETAB1" };
    payload.view = { id: "V0HOMETAB1", type: "home", blocks: [], private_metadata: "", callback_id: "", state: { values: {} } };
    const res = await postSignedSlack(w.url, new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
    expect(res.status).toBe(200);
  }

  it("shows your next shifts in your Slack time zone and the open groups that paged you, each with its button", async () => {
    const n = await alertFor(w, "erin", "erin-home-1", "Erin's disk is full");
    const group = (await w.app.store.read.groups.getByNumber(n))!;
    await w.slack.waitFor((c) => c.method === "chat.postMessage" && c.args.channel === slackId("erin"), 10_000);
    const view = await openHome(w, "erin");
    const blocks = view.blocks as Block[];
    expect(blockKitProblems(blocks as KnownBlock[])).toEqual([]);
    const text = viewText(view);
    expect(text).toContain("Your next shifts (14 days)");
    // The rota repeats every week with Erin on it: one turn, from now to beyond the 30 days calpage looks ahead.
    expect(text).toMatch(/\*primary\*: \w{3} \d{1,2} \w{3}, \d\d:\d\d E[SD]T → beyond \w{3} \d{1,2} \w{3}( \d{4})?, \d\d:\d\d E[SD]T _\(on call now\)_/);
    expect(text).toContain("Times are in America/New_York.");
    expect(text).toContain(`*#${n}* Erin's disk is full — _firing_`);
    const cover = blocks.find((b) => b.accessory?.action_id === ACTION_HOME_REQUEST_COVER)!;
    expect(cover.accessory!.value).toMatch(/^primary\|\d+\|\d+$/);
    const ack = blocks.find((b) => b.accessory?.action_id === ACTION_ACK)!;
    expect(ack.accessory).toMatchObject({ value: group.id, text: { text: "Acknowledge" } });
  });

  it("Acknowledge on the Home tab acknowledges the group as the clicker, through the access rules, and the Home tab shows it at once", async () => {
    const n = await alertFor(w, "erin", "erin-home-2", "Erin's queue is stuck");
    const group = (await w.app.store.read.groups.getByNumber(n))!;
    const mark = w.slack.calls.length;
    await clickOnHome("erin", ACTION_ACK, group.id);
    // Published again after the click, without Erin leaving and reopening the tab: no Acknowledge button left on that group.
    const again = await w.slack.waitFor((c) => c.seq > mark && c.method === "views.publish" && c.args.user_id === slackId("erin"), 10_000);
    expect(viewText(again.args.view)).toContain(`*#${n}* Erin's queue is stuck — _acknowledged by <@${slackId("erin")}>_`);
    expect((again.args.view as { blocks: Block[] }).blocks.some((b) => b.accessory?.action_id === ACTION_ACK && b.accessory.value === group.id)).toBe(false);
    for (let i = 0; i < 50 && (await w.app.store.read.groups.get(group.id))!.state !== "acknowledged"; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await w.app.store.read.groups.get(group.id)).toMatchObject({ state: "acknowledged", acknowledgedBy: slackId("erin") });
    expect((await w.app.store.read.audit.list({})).find((e) => e.target === `#${n}`)).toMatchObject({ actorId: slackId("erin"), surface: "slack_button", action: "acknowledge", outcome: "done" });
    const text = viewText(await openHome(w, "erin"));
    expect(text).toContain(`*#${n}* Erin's queue is stuck — _acknowledged by <@${slackId("erin")}>_`);
  });

  it("a refused Acknowledge from the Home tab changes nothing and says why in a DM (the Home tab has no channel)", async () => {
    const n = await alertFor(w, "erin", "erin-home-3", "Erin's cron is late");
    const group = (await w.app.store.read.groups.getByNumber(n))!;
    const mark = w.slack.calls.length;
    // Mallory is in Slack but not a calpage user: not among the group's responders.
    await clickOnHome("mallory", ACTION_ACK, group.id);
    const dm = await w.slack.waitFor((c) => c.seq > mark && c.method === "chat.postMessage" && c.args.channel === slackId("mallory"), 10_000);
    expect(String(dm.args.text)).toMatch(/^You are not a calpage user, so you can only use the read-only commands/);
    expect((await w.app.store.read.groups.get(group.id))!.state).toBe("firing");
    expect((await w.app.store.read.audit.list({})).find((e) => e.target === `#${n}`)).toMatchObject({ actorId: slackId("mallory"), action: "acknowledge", outcome: "refused" });
  });

  it("Request cover opens /oncall cover's form with that shift picked", async () => {
    const view = await openHome(w, "erin");
    const value = (view.blocks as Block[]).find((b) => b.accessory?.action_id === ACTION_HOME_REQUEST_COVER)!.accessory!.value;
    const mark = w.slack.calls.length;
    await clickOnHome("erin", ACTION_HOME_REQUEST_COVER, value);
    const opened = await w.slack.waitFor((c) => c.seq > mark && c.method === "views.open", 10_000);
    const modal = opened.args.view as { callback_id: string; blocks: { block_id?: string; element?: { initial_option?: { value: string } } }[] };
    expect(modal.callback_id).toBe(VIEW_COVER);
    // The same shift, from now on (the part already over cannot be handed over).
    const [schedule, start, end] = value.split("|");
    const picked = modal.blocks.find((b) => b.block_id === "cover_shift")?.element?.initial_option?.value ?? "";
    const [pickedSchedule, pickedStart, pickedEnd] = picked.split("|");
    expect([pickedSchedule, pickedEnd]).toEqual([schedule, end]);
    expect(Number(pickedStart)).toBeGreaterThanOrEqual(Number(start));
    expect(Number(pickedStart)).toBeLessThanOrEqual(Date.now());
  });

  it("a forged or stale shift opens nothing and shows the Home tab again", async () => {
    const mark = w.slack.calls.length;
    await clickOnHome("erin", ACTION_HOME_REQUEST_COVER, `primary|1000|2000`);
    await w.slack.waitFor((c) => c.seq > mark && c.method === "views.publish" && c.args.user_id === slackId("erin"), 10_000);
    expect(w.slack.calls.filter((c) => c.seq > mark && c.method === "views.open")).toEqual([]);
  });

  it("someone not on call and never paged is told so", async () => {
    const text = viewText(await openHome(w, "fred"));
    expect(text).toContain("You are not on call in the next 14 days.");
    expect(text).toContain("None. :tada:");
  });
});
