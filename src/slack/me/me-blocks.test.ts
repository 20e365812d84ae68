import { describe, expect, it } from "vitest";
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
