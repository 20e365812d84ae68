import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACTION_ME_CHANGE_PHONE, ACTION_ME_EDIT_RULES, ME_INPUTS, VIEW_ME_PHONE, VIEW_ME_RULES, VIEW_ME_VERIFY } from "../../src/slack/me/me-blocks.js";
import { BACKENDS, sleep } from "../e2e/harness.js";
import {
  FROM,
  alertFor,
  clickHomeButton,
  codeIn,
  email,
  initialValue,
  oncall,
  openHome,
  slackId,
  startMeWorld,
  submitModal,
  viewText,
  wrongCode,
  type MeWorld,
  type TestPerson,
} from "./me-harness.js";

const people: Record<string, TestPerson> = {
  // Changes her number and verifies it.
  alice: { phone: "+15550000101", default: "[sms]" },
  // Types wrong codes.
  bob: { phone: "+15550000102", default: "[sms]" },
  // Lets the code expire.
  carol: { phone: null, default: "[slack_dm]" },
  // Changes his default ladder from a DM to an SMS.
  dave: { phone: "+15550000104", default: "[slack_dm]" },
  // Edits her ladders in the Home tab's modal.
  erin: { phone: "+15550000105", default: "[slack_dm, {wait: 2m}, sms, {wait: 3m}, call]", important: "[call]" },
  // Has no phone; changes her number through the Home tab's modals.
  grace: { phone: null, default: "[slack_dm]" },
};
const NEW = { alice: "+4917612340042", bob: "+4915100000002", carol: "+4915100000003", grace: "+4915100000007" };

describe.each(BACKENDS)("your notification rules in Slack (%s)", (backend) => {
  let w: MeWorld;
  const texts = () => w.twilio!.messages;
  const settingsOf = (p: string) => w.app.store.read.userSettings.get(email(p));

  beforeAll(async () => {
    w = await startMeWorld(backend, people, { withTwilio: true, onCall: "erin", strangers: ["mallory"] });
  });
  afterAll(async () => {
    await w?.close();
  });

  it("a changed number is verified by an SMS code, and only then gets the pages", async () => {
    const sent = await oncall(w, "alice", "me phone +49 176 1234 0042");
    expect(sent).toBe("Code sent to …0042; answer `/oncall me verify <code>`. calpage keeps using your current number until then.");
    const sms = await w.twilio!.waitForMessage((m) => m.to === NEW.alice, 10_000);
    expect(sms.from).toBe(FROM);
    const code = codeIn(sms.body);
    const pending = (await settingsOf("alice"))!;
    expect(pending).toMatchObject({ phone: null, pendingPhone: NEW.alice, codeAttempts: 0 });
    expect(pending.codeHash).not.toContain(code);
    expect(pending.codeExpiresAt! - Date.now()).toBeGreaterThan(9 * 60_000);

    // Not verified yet: the page still goes to calpage.yaml's number.
    await alertFor(w, "alice", "alice-before", "alice before verify");
    await w.twilio!.waitForMessage((m) => m.to === people.alice!.phone && m.body.includes("alice before verify"), 10_000);

    expect(await oncall(w, "alice", `me verify ${code}`)).toBe(":white_check_mark: …0042 is verified: calpage texts and calls you there from the next page on.");
    const verified = (await settingsOf("alice"))!;
    expect(verified).toMatchObject({ phone: NEW.alice, pendingPhone: null, codeHash: null, codeExpiresAt: null });
    expect(verified.phoneVerifiedAt).toBeGreaterThan(Date.now() - 60_000);

    const n = await alertFor(w, "alice", "alice-after", "alice after verify");
    const page = await w.twilio!.waitForMessage((m) => m.to === NEW.alice && m.body.includes("alice after verify"), 10_000);
    expect(page.body).toContain(`Reply ${n}a to ack`);
    await sleep(1000);
    expect(texts().filter((m) => m.body.includes("alice after verify")).map((m) => m.to)).toEqual([NEW.alice]);

    const summary = await oncall(w, "alice", "me");
    expect(summary).toContain("*Phone:* …0042 — verified in Slack");
    expect(summary).toContain("*Default:* SMS _(calpage.yaml)_");
    expect(summary).not.toContain("491761234");

    // Back to calpage.yaml's number.
    expect(await oncall(w, "alice", "me phone remove")).toBe("Removed the number you set in Slack. calpage uses …0101 from calpage.yaml.");
    expect(await settingsOf("alice")).toMatchObject({ phone: null, phoneVerifiedAt: null });
  });

  it("five wrong codes drop the pending number", async () => {
    expect(await oncall(w, "bob", `me phone ${NEW.bob}`)).toContain("Code sent to …0002");
    const code = codeIn((await w.twilio!.waitForMessage((m) => m.to === NEW.bob, 10_000)).body);
    const bad = wrongCode(code);
    expect(await oncall(w, "bob", "me verify 12345")).toBe("The code is the 6 digits in the SMS calpage sent you.");
    for (const left of [4, 3, 2]) expect(await oncall(w, "bob", `me verify ${bad}`)).toBe(`Wrong code; ${left} tries left.`);
    expect(await oncall(w, "bob", `me verify ${bad}`)).toBe("Wrong code; 1 try left.");
    expect((await settingsOf("bob"))!.codeAttempts).toBe(4);
    expect(await oncall(w, "bob", `me verify ${bad}`)).toBe(
      "Wrong code, 5 times: …0002 was dropped and is not used. Ask for a new code with `/oncall me phone <number>`.",
    );
    expect(await settingsOf("bob")).toMatchObject({ phone: null, pendingPhone: null, codeHash: null, codeAttempts: 0 });
    // Even the right code is now too late.
    expect(await oncall(w, "bob", `me verify ${code}`)).toMatch(/^No number is waiting for a code/);
    expect(await settingsOf("bob")).toMatchObject({ phone: null });
    await alertFor(w, "bob", "bob-1", "bob after wrong codes");
    await w.twilio!.waitForMessage((m) => m.to === people.bob!.phone && m.body.includes("bob after wrong codes"), 10_000);
  });

  it("an expired code is refused", async () => {
    expect(await oncall(w, "carol", `me phone ${NEW.carol}`)).toContain("Code sent to …0003");
    const code = codeIn((await w.twilio!.waitForMessage((m) => m.to === NEW.carol, 10_000)).body);
    // Ten minutes pass.
    await w.app.store.transaction((tx) => tx.userSettings.upsert(email("carol"), { codeExpiresAt: Date.now() - 1000 }, Date.now()));
    expect(await oncall(w, "carol", `me verify ${code}`)).toBe(
      "That code has expired (codes last 10 minutes). Ask for a new one with `/oncall me phone <number>`.",
    );
    expect(await settingsOf("carol")).toMatchObject({ phone: null, pendingPhone: null, codeHash: null });
    expect(await oncall(w, "carol", "me")).toContain("*Phone:* _none_");
  });

  it("refuses numbers that are not numbers, and asking for codes too often", async () => {
    expect(await oncall(w, "carol", "me phone 0151 1234567")).toMatch(/has no country code: write it in international form starting with \+/);
    expect(await oncall(w, "carol", "me phone +49 12")).toMatch(/is not a phone number in international form/);
    // Carol's last code (previous test) was sent moments ago.
    expect(await oncall(w, "carol", "me phone +4915100000033")).toMatch(/^A code was sent moments ago; wait \d+s/);
    expect(texts().filter((m) => m.to === "+4915100000033")).toHaveLength(0);
    expect(await oncall(w, "dave", `me phone ${people.dave!.phone}`)).toBe("…0104 is already the number calpage uses for you.");
  });

  it("a ladder changed with /oncall me rules is used for the next page", async () => {
    await alertFor(w, "dave", "dave-1", "dave disk one");
    await w.slack.waitFor((c) => c.method === "chat.postMessage" && c.args.channel === slackId("dave") && JSON.stringify(c.args).includes("dave disk one"), 10_000);
    expect(texts().filter((m) => m.to === people.dave!.phone)).toHaveLength(0);

    const saved = await oncall(w, "dave", "me rules default sms");
    expect(saved).toBe(":white_check_mark: Saved. From the next page on:\n*Default:* SMS _(set in Slack)_");
    expect((await settingsOf("dave"))!.rules).toEqual({ default: [{ type: "sms" }], important: [{ type: "slack_dm" }] });

    await alertFor(w, "dave", "dave-2", "dave disk two");
    await w.twilio!.waitForMessage((m) => m.to === people.dave!.phone && m.body.includes("dave disk two"), 10_000);
    await sleep(1000);
    expect(w.slack.calls.filter((c) => c.method === "chat.postMessage" && c.args.channel === slackId("dave") && JSON.stringify(c.args).includes("dave disk two"))).toHaveLength(0);

    const refused = await oncall(w, "dave", "me rules important dm, wiat 2m, call until answered every 2s");
    expect(refused).toBe(
      [
        "Your important ladder was not changed:",
        '• Step 2 "wiat 2m": not a step (did you mean "wait"?); use slack_dm, sms, call, wait 2m or call until answered every 2m x5.',
        '• Step 3 "call until answered every 2s": every must be at least 5s, found 2s.',
      ].join("\n"),
    );
    // Saved, but the person is told the per-number call limit (3 per 15m) would hold calls back.
    const tooMany = await oncall(w, "dave", "me rules important call until answered every 2m x5");
    expect(tooMany).toBe(
      [
        ":white_check_mark: Saved. From the next page on:",
        "*Important:* call until answered (every 2m, at most 5 calls) _(set in Slack)_",
        ":warning: Your important ladder: this ladder places 5 calls within 15m but paging.calls_per_window is 3: calls 4 and 5 would be held back (not placed); space the calls out or raise the limit.",
      ].join("\n"),
    );
    expect(await oncall(w, "dave", "me")).toContain(":warning: Your important ladder: this ladder places 5 calls within 15m but paging.calls_per_window is 3");
    expect(await oncall(w, "carol", "me rules default dm, sms")).toMatch(/Step 2 "sms": texts need a phone number/);
    expect(await settingsOf("carol")).toMatchObject({ rules: null });

    expect(await oncall(w, "dave", "me rules reset")).toContain("Back to calpage.yaml's rules");
    expect((await settingsOf("dave"))!.rules).toBeNull();
  });

  it("the Home tab shows who is on call, the masked phone and both ladders in words", async () => {
    const view = await openHome(w, "erin");
    const text = viewText(view);
    expect(view.type).toBe("home");
    expect(text).toContain("On call now");
    expect(text).toContain("*primary*: Erin Example");
    expect(text).toContain("*Phone:* …0105 — from calpage.yaml");
    expect(text).toContain("*Default:* Slack DM → wait 2m → SMS → wait 3m → call _(calpage.yaml)_");
    expect(text).toContain("*Important:* call _(calpage.yaml)_");
    expect(text).toContain("Edit notification rules");
    expect(text).toContain("Change phone number");
    expect(JSON.stringify(view)).not.toContain("15550000105");

    const stranger = viewText(await openHome(w, "mallory"));
    expect(stranger).toContain("On call now");
    expect(stranger).toContain("You are not a calpage user");
    expect(await oncall(w, "mallory", "me")).toMatch(/^You are not a calpage user/);
  });

  it("the rules modal shows errors inline and saves nothing; a good ladder is saved and the Home tab updated", async () => {
    const modal = await clickHomeButton(w, "erin", ACTION_ME_EDIT_RULES);
    expect(modal.callback_id).toBe(VIEW_ME_RULES);
    expect(initialValue(modal, ME_INPUTS.default)).toBe("slack_dm, wait 2m, sms, wait 3m, call");
    expect(initialValue(modal, ME_INPUTS.important)).toBe("call");

    const bad = await submitModal(w, "erin", VIEW_ME_RULES, { [ME_INPUTS.default]: "slack_dm, wiat 2m, sms", [ME_INPUTS.important]: "wait 5m" });
    expect(bad).toEqual({
      response_action: "errors",
      errors: {
        [ME_INPUTS.default]: 'Step 2 "wiat 2m": not a step (did you mean "wait"?); use slack_dm, sms, call, wait 2m or call until answered every 2m x5.',
        [ME_INPUTS.important]: "The ladder only waits and never notifies you; add slack_dm, sms or call, like slack_dm, wait 2m, sms, wait 3m, call.",
      },
    });
    expect(await settingsOf("erin")).toBeNull();

    const mark = w.slack.calls.length;
    const good = await submitModal(w, "erin", VIEW_ME_RULES, { [ME_INPUTS.default]: "dm, wait 1m, text", [ME_INPUTS.important]: "call until answered every 1m x3" });
    expect(good).toBeNull();
    expect((await settingsOf("erin"))!.rules).toEqual({
      default: [{ type: "slack_dm" }, { type: "wait", seconds: 60 }, { type: "sms" }],
      important: [{ type: "call_until_answered", everySeconds: 60, times: 3 }],
    });
    const home = await w.slack.waitFor((c) => c.seq > mark && c.method === "views.publish" && c.args.user_id === slackId("erin"), 10_000);
    const text = viewText(home.args.view);
    expect(text).toContain("*Default:* Slack DM → wait 1m → SMS _(set in Slack)_");
    expect(text).toContain("*Important:* call until answered (every 1m, at most 3 calls) _(set in Slack)_");
  });

  it("the phone modals: a bad number is refused inline; a good one gets a code, typed back in the Verify modal", async () => {
    const modal = await clickHomeButton(w, "grace", ACTION_ME_CHANGE_PHONE);
    expect(modal.callback_id).toBe(VIEW_ME_PHONE);
    expect(viewText(modal)).toContain("Now: _none_");

    const bad = await submitModal(w, "grace", VIEW_ME_PHONE, { [ME_INPUTS.phone]: "0151 00000007" });
    expect(bad?.response_action).toBe("errors");
    expect((bad?.errors as Record<string, string>)[ME_INPUTS.phone]).toMatch(/has no country code/);
    expect(await settingsOf("grace")).toBeNull();

    const sent = await submitModal(w, "grace", VIEW_ME_PHONE, { [ME_INPUTS.phone]: NEW.grace });
    expect(sent?.response_action).toBe("update");
    const verify = sent?.view as Record<string, unknown>;
    expect(verify.callback_id).toBe(VIEW_ME_VERIFY);
    expect(viewText(verify)).toContain("calpage texted a code to …0007");
    const code = codeIn((await w.twilio!.waitForMessage((m) => m.to === NEW.grace, 10_000)).body);

    const wrong = await submitModal(w, "grace", VIEW_ME_VERIFY, { [ME_INPUTS.code]: wrongCode(code) });
    expect(wrong).toEqual({ response_action: "errors", errors: { [ME_INPUTS.code]: "Wrong code; 4 tries left." } });

    const mark = w.slack.calls.length;
    expect(await submitModal(w, "grace", VIEW_ME_VERIFY, { [ME_INPUTS.code]: code })).toBeNull();
    expect(await settingsOf("grace")).toMatchObject({ phone: NEW.grace, pendingPhone: null });
    const home = await w.slack.waitFor((c) => c.seq > mark && c.method === "views.publish" && c.args.user_id === slackId("grace"), 10_000);
    expect(viewText(home.args.view)).toContain("*Phone:* …0007 — verified in Slack");

    // With a phone, SMS steps are allowed now.
    expect(await oncall(w, "grace", "me rules default dm, wait 1m, sms")).toContain("*Default:* Slack DM → wait 1m → SMS _(set in Slack)_");
  });

  it("sent nothing unexpected", () => {
    expect(w.twilio!.unexpected).toEqual([]);
    expect(w.slack.unexpected).toEqual([]);
    const codes = texts().filter((m) => m.body.startsWith("calpage verification code"));
    expect(codes.map((m) => m.to).sort()).toEqual([NEW.alice, NEW.bob, NEW.carol, NEW.grace].sort());
    expect(new Set(texts().map((m) => m.to))).toEqual(new Set([NEW.alice, NEW.bob, NEW.carol, NEW.grace, people.alice!.phone, people.bob!.phone, people.dave!.phone]));
    expect(w.twilio!.calls).toEqual([]);
  });
});

describe.each(BACKENDS)("without Twilio (%s)", (backend) => {
  let w: MeWorld;
  beforeAll(async () => {
    w = await startMeWorld(backend, { alice: { phone: "+15550000101", default: "[slack_dm]" } }, { withTwilio: false, onCall: "alice" });
  });
  afterAll(async () => {
    await w?.close();
  });

  it("says that phone numbers cannot be verified, and stores nothing", async () => {
    expect(await oncall(w, "alice", "me phone +4915112345678")).toMatch(/^Phone numbers cannot be verified: Twilio is not configured in calpage/);
    expect(await w.app.store.read.userSettings.get(email("alice"))).toBeNull();
    const summary = await oncall(w, "alice", "me");
    expect(summary).toContain("Twilio is not configured in calpage: phone numbers cannot be verified");
    expect(await oncall(w, "alice", "me rules default dm, wait 1m, sms")).toContain(
      ":warning: Twilio is not configured in calpage, so SMS and call steps are skipped until it is.",
    );
    expect(w.slack.unexpected).toEqual([]);
  });

  it("keeps the person's own shift reminders, off, or back to each schedule's", async () => {
    expect(await oncall(w, "alice", "me reminders 2h 1d")).toBe(":white_check_mark: *Shift reminders:* 1d and 2h before each of your shifts. `/oncall me reminders reset` for each schedule's.");
    expect((await w.app.store.read.userSettings.get(email("alice")))?.reminders).toEqual([86_400_000, 7_200_000]);
    expect(await oncall(w, "alice", "me")).toContain("*Shift reminders:* 1d and 2h before each of your shifts.");
    expect(await oncall(w, "alice", "me reminders off")).toContain("*Shift reminders:* off");
    expect((await w.app.store.read.userSettings.get(email("alice")))?.reminders).toEqual([]);
    expect(await oncall(w, "alice", "me reminders 5s")).toContain("A reminder must be from 1m to 14d before the shift; 5s is not.");
    expect((await w.app.store.read.userSettings.get(email("alice")))?.reminders).toEqual([]);
    expect(await oncall(w, "alice", "me reminders reset")).toContain("*Shift reminders:* each schedule's");
    expect((await w.app.store.read.userSettings.get(email("alice")))?.reminders).toBeNull();
  });
});
