import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Calpage } from "../../src/app/create-calpage.js";
import { BACKENDS, actionIds, buttonValue, postSignedSlack, prepareEnv, type Env } from "../e2e/harness.js";
import { startFakeSlack, type FakeSlack, type RecordedCall } from "../support/fake-slack.js";
import { buttonClickBody, slashCommandBody, viewSubmissionBody } from "../support/slack-signing.js";
import { waitFor } from "../support/wait-for.js";
import { ics, scheduleYaml, sleep, startCalpage, startFeedServer, TEAM, teamSlackUsers, type FeedServer } from "./schedule-harness.js";

const H = 3_600_000;
const DAY = 24 * H;
const CHANNEL = "C0ONCALL1";

interface ModalView {
  callback_id: string;
  blocks: { block_id?: string; element?: { options?: { text: { text: string }; value: string }[] } }[];
}

/**
 * The schedule flows in Slack against the local Slack stand-in: `/oncall cover` (modal, request in
 * the channel, **Take shift** raced by two teammates, **Withdraw**), `/oncall override`,
 * `/oncall shifts` in the asker's time zone and `/oncall explain`.
 */
describe.each(BACKENDS)("schedule flows in Slack (%s)", (backend) => {
  let slack: FakeSlack;
  let env: Env;
  let feed: FeedServer;
  let app: Calpage;
  let url: string;
  let t0: number;
  let taker: (typeof TEAM)["bob"] | (typeof TEAM)["carol"];

  beforeAll(async () => {
    slack = await startFakeSlack({ users: teamSlackUsers(), channels: { oncall: CHANNEL }, usergroups: [{ id: "S0ONCALL1", handle: "primary-oncall", users: [] }], token: "xoxb-e2e-test" });
    env = await prepareEnv(backend, slack);
    t0 = Math.floor(Date.now() / H) * H;
    feed = await startFeedServer(
      ics([
        { uid: "a1@google.com", summary: "On call: Alice Example", start: new Date(t0 - DAY), end: new Date(t0 + 2 * DAY) },
        { uid: "b1@google.com", summary: "On call: Bob Example", start: new Date(t0 + 2 * DAY), end: new Date(t0 + 9 * DAY) },
        { uid: "a2@google.com", summary: "On call: Alice Example", start: new Date(t0 + 9 * DAY), end: new Date(t0 + 16 * DAY) },
        { uid: "c1@google.com", summary: "On call: Carol Example", start: new Date(t0 + 16 * DAY), end: new Date(t0 + 400 * DAY) },
      ]),
    );
    ({ app, url } = await startCalpage(env.dir, env.env, scheduleYaml({ feed: feed.url, channel: "#oncall", userGroup: "primary-oncall" })));
    await waitFor(() => slack.usergroupUsers("S0ONCALL1")?.join() === TEAM.alice.id, { timeoutMs: 10_000, description: "the user group to hold Alice" });
  });

  afterAll(async () => {
    await app?.stop();
    await feed?.close();
    await slack?.close();
    await env?.cleanup();
  });

  /** Runs `/oncall <text>` as `user` and returns the private answer. */
  async function command(user: { id: string }, text: string): Promise<string> {
    const mark = slack.calls.length;
    const res = await postSignedSlack(url, slashCommandBody({ text, userId: user.id, channelId: CHANNEL }));
    expect(res.status).toBe(200);
    const answer = await slack.waitFor((c) => c.seq > mark && c.method === "chat.postEphemeral" && c.args.user === user.id, 10_000);
    return String(answer.args.text);
  }

  const click = (actionId: string, user: { id: string }, value: string, ts: string) =>
    postSignedSlack(url, buttonClickBody({ actionId, value, userId: user.id, channelId: CHANNEL, messageTs: ts }));

  async function openCoverModal(user: { id: string }): Promise<{ view: ModalView; options: { text: string; value: string }[] }> {
    const mark = slack.calls.length;
    const res = await postSignedSlack(url, slashCommandBody({ text: "cover", userId: user.id, channelId: CHANNEL }));
    expect(res.status).toBe(200);
    const opened = await slack.waitFor((c) => c.seq > mark && c.method === "views.open", 10_000);
    expect(opened.args.trigger_id).toEqual(expect.any(String));
    const view = opened.args.view as ModalView;
    const select = view.blocks.find((b) => b.block_id === "cover_shift")!;
    return { view, options: (select.element?.options ?? []).map((o) => ({ text: o.text.text, value: o.value })) };
  }

  async function submitCover(user: { id: string }, values: Record<string, Record<string, unknown>>): Promise<Response> {
    return postSignedSlack(url, viewSubmissionBody({ callbackId: "schedule_cover_request", userId: user.id, values }));
  }

  const shiftValue = (value: string) => ({ cover_shift: { pick: { type: "static_select", selected_option: { value } } } });

  async function postedRequest(mark: number): Promise<RecordedCall> {
    return slack.waitFor((c) => c.seq > mark && c.method === "chat.postMessage" && c.args.channel === "#oncall" && actionIds(c.args.blocks).includes("schedule_cover_take"), 10_000);
  }

  it("/oncall cover opens a modal listing the asker's upcoming shifts in their time zone", async () => {
    const { view, options } = await openCoverModal(TEAM.alice);
    expect(view.callback_id).toBe("schedule_cover_request");
    expect(options).toHaveLength(2);
    expect(options[0]!.value).toBe(`primary|${options[0]!.value.split("|")[1]}|${t0 + 2 * DAY}`);
    expect(options[1]!.value).toBe(`primary|${t0 + 9 * DAY}|${t0 + 16 * DAY}`);
    expect(options[0]!.text).toMatch(/^primary: .* (CET|CEST) → .* (CET|CEST)$/);
    expect(await command(TEAM.carol, "cover nosuch")).toContain('There is no schedule called "nosuch"');
  });

  it("two teammates click Take shift at once: exactly one gets the shift, the other is told it is taken", async () => {
    const { options } = await openCoverModal(TEAM.alice);
    const mark = slack.calls.length;
    const res = await submitCover(TEAM.alice, { ...shiftValue(options[0]!.value), cover_note: { pick: { type: "plain_text_input", value: "Dentist <!channel>" } } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
    const posted = await postedRequest(mark);
    expect(String(JSON.stringify(posted.args.blocks))).toContain(`<@${TEAM.alice.id}> asks for cover in *primary*`);
    expect(String(JSON.stringify(posted.args.blocks))).toContain("Dentist &lt;!channel&gt;");
    const id = buttonValue(posted.args.blocks, "schedule_cover_take")!;
    const ts = String(posted.response.ts);

    const before = slack.calls.length;
    const [r1, r2] = await Promise.all([click("schedule_cover_take", TEAM.bob, id, ts), click("schedule_cover_take", TEAM.carol, id, ts)]);
    expect([r1.status, r2.status]).toEqual([200, 200]);
    const request = await waitFor(async () => {
      const r = await app.store.read.coverRequests.get(id);
      return r?.state === "taken" ? r : null;
    });
    taker = request.takenBy === TEAM.bob.email ? TEAM.bob : TEAM.carol;
    const loser = taker === TEAM.bob ? TEAM.carol : TEAM.bob;
    const refusal = await slack.waitFor((c) => c.seq > before && c.method === "chat.postEphemeral" && c.args.user === loser.id, 10_000);
    expect(refusal.args.text).toBe(`Too late: this shift was already taken by <@${taker.id}>.`);

    // Both people are told, in a DM.
    const dmTaker = await slack.waitFor((c) => c.seq > before && c.method === "chat.postMessage" && c.args.channel === taker.id, 10_000);
    expect(dmTaker.args.text).toContain(`You are covering <@${TEAM.alice.id}> in *primary*`);
    const dmAlice = await slack.waitFor((c) => c.seq > before && c.method === "chat.postMessage" && c.args.channel === TEAM.alice.id, 10_000);
    expect(dmAlice.args.text).toContain(`<@${taker.id}> is covering your shift in *primary*`);
    // The request message shows the outcome and loses its buttons.
    const updated = await slack.waitFor((c) => c.seq > before && c.method === "chat.update" && c.args.ts === ts, 10_000);
    expect(JSON.stringify(updated.args.blocks)).toContain(`Taken by <@${taker.id}>`);
    expect(actionIds(updated.args.blocks)).toEqual([]);

    // who, the user group and the channel follow the override.
    expect(app.schedules.whoIsOnCall("primary", new Date())).toEqual([taker.email]);
  }, 60_000);

  it("…and who, the user group and the announcements follow the override", async () => {
    await waitFor(() => slack.usergroupUsers("S0ONCALL1")?.join() === taker.id, { timeoutMs: 10_000, description: "the user group to follow the taker" });
    await slack.waitFor((c) => c.method === "chat.postMessage" && c.args.channel === "#oncall" && String(c.args.text).includes(`now on call: <@${taker.id}>`), 10_000);
    const res = await postSignedSlack(url, slashCommandBody({ text: "who primary", userId: TEAM.bob.id, channelId: CHANNEL }));
    expect(((await res.json()) as { text: string }).text).toContain(`*primary*: ${taker.name}`);
    const overrides = (await app.store.read.slackOverrides.listActive(0)).filter((o) => o.schedule === "primary");
    expect(overrides).toHaveLength(1);
    expect(overrides[0]).toMatchObject({ userEmail: taker.email, replacing: TEAM.alice.email, endAt: t0 + 2 * DAY, source: "cover" });
  });

  it("the asker can withdraw an open request; nobody else can, and it cannot be taken afterwards", async () => {
    const { options } = await openCoverModal(TEAM.alice);
    const shift = options.find((o) => o.value.endsWith(`|${t0 + 16 * DAY}`))!;
    // A custom range outside the shift is refused in the modal.
    const bad = await submitCover(TEAM.alice, { ...shiftValue(shift.value), cover_from: { pick: { type: "datetimepicker", selected_date_time: (t0 + 5 * DAY) / 1000 } } });
    expect(await bad.json()).toEqual({ response_action: "errors", errors: { cover_from: "Pick a time within the shift." } });

    const mark = slack.calls.length;
    const from = (t0 + 10 * DAY) / 1000;
    const to = (t0 + 11 * DAY) / 1000;
    const ok = await submitCover(TEAM.alice, {
      ...shiftValue(shift.value),
      cover_from: { pick: { type: "datetimepicker", selected_date_time: from } },
      cover_to: { pick: { type: "datetimepicker", selected_date_time: to } },
    });
    expect(ok.status).toBe(200);
    const posted = await postedRequest(mark);
    const id = buttonValue(posted.args.blocks, "schedule_cover_withdraw")!;
    const ts = String(posted.response.ts);
    expect(await app.store.read.coverRequests.get(id)).toMatchObject({ startAt: from * 1000, endAt: to * 1000, state: "open" });

    let before = slack.calls.length;
    await click("schedule_cover_withdraw", TEAM.bob, id, ts);
    const no = await slack.waitFor((c) => c.seq > before && c.method === "chat.postEphemeral" && c.args.user === TEAM.bob.id, 10_000);
    expect(no.args.text).toBe("Only the person who asked for cover can withdraw the request.");

    before = slack.calls.length;
    await click("schedule_cover_withdraw", TEAM.alice, id, ts);
    const updated = await slack.waitFor((c) => c.seq > before && c.method === "chat.update" && c.args.ts === ts, 10_000);
    expect(JSON.stringify(updated.args.blocks)).toContain(`Withdrawn by <@${TEAM.alice.id}>`);
    before = slack.calls.length;
    await click("schedule_cover_take", TEAM.carol, id, ts);
    const late = await slack.waitFor((c) => c.seq > before && c.method === "chat.postEphemeral" && c.args.user === TEAM.carol.id, 10_000);
    expect(late.args.text).toBe("This request was withdrawn.");
    expect((await app.store.read.slackOverrides.listActive(0)).filter((o) => o.schedule === "primary")).toHaveLength(1);
  });

  it("/oncall override puts someone on call for a range, and can be undone", async () => {
    // The person on call hands the time over (overriding someone else's shift is for admins).
    const other = taker === TEAM.bob ? TEAM.carol : TEAM.bob;
    const answer = await command(taker, `override <@${other.id}|${other.name.split(" ")[0]!.toLowerCase()}> now 2h`);
    expect(answer).toMatch(new RegExp(`^:white_check_mark: ${other.name} is on call`));
    expect(answer).toMatch(/ is on call in \*primary\* from .+ to .+ \(override `([^`]+)`/);
    const id = /override `([^`]+)`/.exec(answer)![1]!;
    expect(app.schedules.whoIsOnCall("primary", new Date())).toEqual([other.email]);
    await waitFor(() => slack.usergroupUsers("S0ONCALL1")?.join() === other.id, { timeoutMs: 10_000, description: "the user group to follow the override" });
    expect(await command(taker, "override @nobody now 1h")).toContain("is not a calpage user");
    expect(await command(taker, "override carol tomorrow")).toContain("Expected a range like `now 4h`");
    expect(await command(taker, `override cancel ${id}`)).toContain("is cancelled");
    expect(app.schedules.whoIsOnCall("primary", new Date())).toEqual([taker.email]);
  });

  it("/oncall shifts shows times in the asker's Slack time zone", async () => {
    const carol = await command(TEAM.carol, "shifts primary 10");
    expect(carol).toContain("*primary* — next 10 days:");
    expect(carol).toMatch(/ (EST|EDT) → .* (EST|EDT): /);
    expect(carol).toContain("_Times in America/New_York._");
    expect(carol).toContain("Bob Example");
    const alice = await command(TEAM.alice, "shifts");
    expect(alice).toMatch(/ (CET|CEST) → /);
    expect(await command(TEAM.alice, "shifts nosuch")).toContain('There is no schedule called "nosuch"');
  });

  it("/oncall explain says which event or override puts each person on call", async () => {
    const now = await command(TEAM.alice, "explain primary");
    expect(now).toContain(`${taker.name} — took over from Alice Example via a cover request in Slack`);
    const later = await command(TEAM.alice, `explain primary ${new Date(t0 + 3 * DAY + H).toISOString().replace(".000", "")}`);
    expect(later).toContain("Bob Example — event “On call: Bob Example” in the calendar feed, level L0 (UID `b1@google.com`)");
    expect(later).toContain("_Feed: copy from ");
    await sleep(500);
    expect(slack.unexpected).toEqual([]);
  });
});
