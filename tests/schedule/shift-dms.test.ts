import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Calpage } from "../../src/app/create-calpage.js";
import type { ModalView } from "@slack/types";
import { BACKENDS, buttonValue, postSignedSlack, prepareEnv, type Env } from "../e2e/harness.js";
import { buttonClickBody } from "../support/slack-signing.js";
import { startFakeSlack, type FakeSlack, type RecordedCall } from "../support/fake-slack.js";
import { ics, scheduleYaml, sleep, startCalpage, startFeedServer, TEAM, teamSlackUsers, type FeedServer } from "./schedule-harness.js";

/**
 * What people hear about their shifts, through a running calpage and the Slack stand-in (on
 * Postgres with two replicas): the reminder (with Request cover), "on call now" at the start, and
 * the handoff at the end to the outgoing and incoming person and the channel — each once.
 */
describe.each(BACKENDS)("shift DMs end to end (%s)", (backend) => {
  let slack: FakeSlack;
  let env: Env;
  let feed: FeedServer;
  const apps: Calpage[] = [];
  let start: number;
  let handover: number;
  let url: string;

  beforeAll(async () => {
    slack = await startFakeSlack({ users: teamSlackUsers(), channels: { oncall: "C0ONCALL1" }, token: "xoxb-e2e-test" });
    env = await prepareEnv(backend, slack);
    // Carol (New York) from in 15 s (time for two replicas to start and remind her first) for 8 s, then Alice for a day.
    start = Math.ceil(Date.now() / 1000) * 1000 + 15_000;
    handover = start + 8_000;
    feed = await startFeedServer(
      ics([
        { uid: "c1@google.com", summary: "On call: Carol Example", start: new Date(start), end: new Date(handover) },
        { uid: "a1@google.com", summary: "On call: Alice Example", start: new Date(handover), end: new Date(handover + 24 * 3_600_000) },
      ]),
    );
    const yaml = scheduleYaml({ feed: feed.url, channel: "#oncall", announce: false }).replace("    channel:", "    handoff: channel\n    channel:");
    const first = await startCalpage(env.dir, env.env, yaml);
    apps.push(first.app);
    url = first.url;
    if (backend === "postgres") apps.push((await startCalpage(env.dir, env.env, yaml, "replica.yaml")).app);
  });

  afterAll(async () => {
    for (const a of apps) await a.stop();
    await feed?.close();
    await slack?.close();
    await env?.cleanup();
  });

  const posts = (to: string, has: string) => slack.callsTo("chat.postMessage").filter((c) => c.args.channel === to && String(c.args.text).includes(has));
  const dm = (to: string, has: string, timeoutMs: number): Promise<RecordedCall> =>
    slack.waitFor((c) => c.method === "chat.postMessage" && c.args.channel === to && String(c.args.text).includes(has), timeoutMs);

  it("reminds Carol in her own time zone, with a Request cover button", async () => {
    const reminder = await dm(TEAM.carol.id, "Reminder: you are on call for *primary*", start - Date.now());
    expect(String(reminder.args.text)).toMatch(/ E[SD]T → .+ E[SD]T\.$/);
    const blocks = JSON.stringify(reminder.args.blocks);
    expect(blocks).toContain("schedule_cover_ask");
    expect(blocks).toContain("Request cover");

    // The button opens the "ask for cover" form with this shift first.
    const mark = slack.calls.length;
    const value = buttonValue(reminder.args.blocks, "schedule_cover_ask");
    expect(value).toBe(`primary|${start}|${handover}`);
    const res = await postSignedSlack(url, buttonClickBody({ actionId: "schedule_cover_ask", value: value!, userId: TEAM.carol.id, channelId: TEAM.carol.id, messageTs: String(reminder.at) }));
    expect(res.status).toBe(200);
    const opened = await slack.waitFor((c) => c.seq > mark && c.method === "views.open", 10_000);
    const view = opened.args.view as ModalView;
    expect(view.callback_id).toBe("schedule_cover_request");
    const select = view.blocks.find((b) => b.block_id === "cover_shift") as { element: { initial_option: { value: string } } };
    expect(select.element.initial_option.value).toBe(`primary|${start}|${handover}`);
  });

  it("tells Carol she is on call now at the start", async () => {
    const now = await dm(TEAM.carol.id, "You are on call now for *primary*", start - Date.now() + 10_000);
    expect(now.at).toBeGreaterThanOrEqual(start);
    expect(String(now.args.text)).toContain("No alert groups are open.");
  });

  it("hands over at the end: to Carol, to Alice and in the channel, each once", async () => {
    const out = await dm(TEAM.carol.id, "Your shift in *primary* ended", handover - Date.now() + 10_000);
    expect(out.at).toBeGreaterThanOrEqual(handover);
    expect(String(out.args.text)).toContain(`Taking over: <@${TEAM.alice.id}>.`);
    expect(String(out.args.text)).toContain("During the shift: 0 alert groups opened, 0 acknowledged, 0 resolved; 0 pages to you.");
    await dm(TEAM.alice.id, `You take over *primary* from <@${TEAM.carol.id}>`, 10_000);
    await slack.waitFor((c) => c.method === "chat.postMessage" && c.args.channel === "#oncall" && String(c.args.text).includes("Handoff in *primary*"), 10_000);
    await sleep(2_000);
    expect(posts(TEAM.carol.id, "Reminder:")).toHaveLength(1);
    expect(posts(TEAM.carol.id, "You are on call now")).toHaveLength(1);
    expect(posts(TEAM.carol.id, "ended")).toHaveLength(1);
    expect(posts(TEAM.alice.id, "You take over")).toHaveLength(1);
    expect(posts("#oncall", "Handoff in")).toHaveLength(1);
    expect(posts(TEAM.alice.id, "You are on call now")).toHaveLength(1);
    expect(slack.unexpected).toEqual([]);
  });
});
