import type { KnownBlock } from "@slack/types";
import { describe, expect, it } from "vitest";
import { ACTION_ACK } from "../blocks/action-ids.js";
import { blockKitProblems } from "../blocks/block-kit-problems.js";
import { ACTION_HOME_REQUEST_COVER, HOME_MAX_GROUPS, HOME_MAX_SHIFTS, type HomeExtras } from "./home-sections.js";
import type { MySettings } from "../../paging/settings/user-settings-service.js";
import { ACTION_ME_CHANGE_PHONE, ACTION_ME_EDIT_RULES, ACTION_ME_ENTER_CODE, ME_INPUTS, homeView, rulesModal } from "./me-blocks.js";
import { meSummaryText } from "./me-summary.js";

const NOW = Date.UTC(2026, 2, 4, 12, 0);

const me = (over: Partial<MySettings> = {}): MySettings => ({
  email: "ada@example.com",
  name: "Ada",
  phone: "+4915112345678",
  phoneSource: "slack",
  configPhone: "+15550000001",
  pending: null,
  rules: { default: [{ type: "slack_dm" }, { type: "wait", seconds: 120 }, { type: "sms" }, { type: "call" }], important: [{ type: "call" }] },
  ruleSources: { default: "config", important: "slack" },
  smsOptOut: false,
  reminders: null,
  phoneEnabled: true,
  smsFrom: "+15550009999",
  zone: { zone: "Europe/Berlin", source: "Slack" },
  quiet: null,
  quietNow: null,
  ...over,
});

const texts = (v: unknown) => JSON.stringify(v);
const actionIds = (blocks: { type: string; elements?: { action_id?: string }[] }[]) => blocks.flatMap((b) => (b.type === "actions" ? (b.elements ?? []).map((e) => e.action_id) : []));

describe("the Home tab", () => {
  it("shows who is on call, the masked phone, both ladders in words and the buttons", () => {
    const view = homeView([{ schedule: "primary", people: ["Ada <Lovelace>"] }, { schedule: "db", people: [] }], me(), NOW);
    const all = texts(view);
    expect(all).toContain("*primary*: Ada &lt;Lovelace&gt;");
    expect(all).toContain("*db*: _nobody is on call_");
    expect(all).toContain("*Phone:* …5678 — verified in Slack");
    expect(all).not.toContain("4915112345678");
    expect(all).toContain("*Default:* Slack DM → wait 2m → SMS → call _(calpage.yaml)_");
    expect(all).toContain("*Important:* call _(set in Slack)_");
    expect(all).toContain("*Shift reminders:* each schedule's");
    expect(actionIds(view.blocks as never)).toEqual([ACTION_ME_EDIT_RULES, ACTION_ME_CHANGE_PHONE]);
    expect(texts(homeView([], me({ reminders: [86_400_000, 1_800_000] }), NOW))).toContain("*Shift reminders:* 1d and 30m before each of your shifts.");
  });

  it("offers to enter the code while a number waits for it, and says when texts are stopped", () => {
    const view = homeView([], me({ pending: { phone: "+4917600000042", expiresAt: NOW + 7 * 60_000 + 1, attemptsLeft: 5 }, smsOptOut: true }), NOW);
    const all = texts(view);
    expect(all).toContain("No schedules are configured.");
    expect(all).toContain("…0042 is waiting for its code (expires in 8 min)");
    expect(all).toContain("Text START to +15550009999");
    expect(actionIds(view.blocks as never)).toContain(ACTION_ME_ENTER_CODE);
  });

  it("says under the ladders what the per-number paging limits would hold back, also in /oncall me", () => {
    const note = "Your important ladder: this ladder places 5 calls within 15m but paging.calls_per_window is 3: calls 4 and 5 would be held back (not placed); space the calls out or raise the limit.";
    expect(texts(homeView([], me({ limitNotes: [note] }), NOW))).toContain(`:warning: ${note}`);
    expect(meSummaryText(me({ limitNotes: [note] }), NOW)).toContain(`*Important:* call _(set in Slack)_\n:warning: ${note}`);
    expect(texts(homeView([], me(), NOW))).not.toContain(":warning:");
  });

  it("tells someone who is not a calpage user how to become one, without buttons", () => {
    const view = homeView([], null, NOW);
    expect(texts(view)).toContain("You are not a calpage user");
    expect(actionIds(view.blocks as never)).toEqual([]);
  });
});

describe("the rules modal and the summary", () => {
  it("prefills both ladders in the text form", () => {
    const blocks = rulesModal(me()).blocks as { block_id?: string; element?: { initial_value?: string } }[];
    expect(blocks.find((b) => b.block_id === ME_INPUTS.default)?.element?.initial_value).toBe("slack_dm, wait 2m, sms, call");
    expect(blocks.find((b) => b.block_id === ME_INPUTS.important)?.element?.initial_value).toBe("call");
  });

  it("summarises without Twilio and without a phone", () => {
    const text = meSummaryText(me({ phone: null, phoneSource: null, phoneEnabled: false }), NOW);
    expect(text).toContain("*Phone:* _none_ — SMS and call steps are skipped");
    expect(text).toContain("Twilio is not configured in calpage: phone numbers cannot be verified");
  });
});

describe("the Home tab's shifts and alert groups", () => {
  const HOUR = 3_600_000;
  const accessories = (blocks: unknown[]) =>
    (blocks as { accessory?: { action_id: string; value: string } }[]).flatMap((b) => (b.accessory ? [[b.accessory.action_id, b.accessory.value]] : []));
  const extras = (over: Partial<HomeExtras> = {}): HomeExtras => ({
    timezone: "America/New_York",
    shifts: [
      { schedule: "primary", start: NOW - HOUR, end: NOW + 20 * HOUR, canCover: true },
      { schedule: "db", start: NOW + 48 * HOUR, end: NOW + 72 * HOUR, canCover: false },
    ],
    groups: [
      { id: "g-firing", number: 12, title: "Disk <full> on db-1", state: "firing", acknowledgedBy: null },
      { id: "g-acked", number: 11, title: "CPU hot", state: "acknowledged", acknowledgedBy: "U0BOB0001" },
    ],
    ...over,
  });

  it("lists your next shifts in your zone with Request cover, and the open groups that paged you with Acknowledge", () => {
    const view = homeView([], me(), NOW, extras());
    const all = texts(view);
    expect(all).toContain("Your next shifts (14 days)");
    // The shift began at 11:00 UTC, 06:00 in New York (EST): times are in the person's zone.
    expect(all).toContain("*primary*: Wed 4 Mar, 06:00 EST → Thu 5 Mar, 03:00 EST _(on call now)_");
    expect(all).toContain("*db*: Fri 6 Mar, 07:00 EST → Sat 7 Mar, 07:00 EST");
    expect(all).toContain("Times are in America/New_York.");
    expect(all).toContain("*#12* Disk &lt;full&gt; on db-1 — _firing_");
    expect(all).toContain("*#11* CPU hot — _acknowledged by <@U0BOB0001>_");
    // Cover only where the schedule has a channel; Acknowledge only on the firing group, with the alert message's own action id.
    expect(accessories(view.blocks)).toEqual([
      [ACTION_HOME_REQUEST_COVER, `primary|${NOW - HOUR}|${NOW + 20 * HOUR}`],
      [ACTION_ACK, "g-firing"],
    ]);
    expect(blockKitProblems(view.blocks as KnownBlock[])).toEqual([]);
  });

  it("says when there is nothing to show", () => {
    const all = texts(homeView([], me(), NOW, extras({ shifts: [], groups: [] })));
    expect(all).toContain("You are not on call in the next 14 days.");
    expect(all).toContain("Open alert groups that paged you");
    expect(all).toContain("None. :tada:");
  });

  it("stays within Slack's block limits with many shifts and groups, and says how many more there are", () => {
    const shifts = Array.from({ length: 60 }, (_, i) => ({ schedule: `s${i}`, start: NOW + i * HOUR, end: NOW + (i + 1) * HOUR, canCover: true }));
    const groups = Array.from({ length: 70 }, (_, i) => ({ id: `g${i}`, number: 100 + i, title: "x".repeat(3000), state: "firing" as const, acknowledgedBy: null }));
    const view = homeView([{ schedule: "primary", people: ["Ada"] }], me({ pending: { phone: "+4917600000042", expiresAt: NOW + 60_000, attemptsLeft: 5 } }), NOW, extras({ shifts, groups }));
    expect(view.blocks.length).toBeLessThanOrEqual(50);
    expect(blockKitProblems(view.blocks as KnownBlock[])).toEqual([]);
    const all = texts(view);
    expect(all).toContain(`…and ${60 - HOME_MAX_SHIFTS} more; \`/oncall shifts\` lists them all.`);
    expect(all).toContain(`…and ${70 - HOME_MAX_GROUPS} more; \`/oncall alerts\` lists them`);
  });

  it("shows no shifts or groups to someone who is not a calpage user", () => {
    const all = texts(homeView([], null, NOW, extras()));
    expect(all).not.toContain("Your next shifts");
    expect(all).not.toContain("Open alert groups");
  });

  it("shows the quiet hours and the zone they use", () => {
    const all = texts(homeView([], me({ quiet: { from: "22:00", to: "07:00" }, quietNow: { until: "07:00", zone: "Europe/Berlin" } }), NOW));
    expect(all).toContain("*Quiet hours:* 22:00–07:00 (Europe/Berlin) _(quiet now)_ — normal pages reach you by Slack DM only (no SMS or call); important pages ring as always");
    expect(all).toContain("*Time zone:* Europe/Berlin _(from your Slack profile)_");
  });
});
