import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Calpage } from "../../src/app/create-calpage.js";
import { startFakeSlack, type FakeSlack, type RecordedCall } from "../support/fake-slack.js";
import { AM_TOKEN, BACKENDS, prepareEnv, sleep, startInProcess, type Env } from "./harness.js";

const CHANNEL_ID = "C0STORM001";

const yaml = (storm: string) => `timezone: UTC
users: []
${storm}
escalation_chains:
  # Log lines for the thread without any other Slack call: a webhook nobody answers (loopback, closed port).
  - name: hook
    steps:
      - webhook: {url: "http://127.0.0.1:9/hook", timeout: 1s, retries: 0}
integrations:
  - name: prod
    type: alertmanager
    token: \${AM_TOKEN}
    channel: "#storm"
    chain: hook
    rate_limit: 100000
`;

/** One Alertmanager group, as Alertmanager posts it: `n` alerts named `Storm<g>`. */
function amBody(g: number, n = 1): string {
  const labels = { alertname: `Storm${g}`, severity: "warning" };
  return JSON.stringify({
    receiver: "calpage",
    status: "firing",
    alerts: Array.from({ length: n }, (_, i) => ({
      status: "firing",
      labels: { ...labels, instance: `host-${i}` },
      annotations: { summary: `Storm ${g} on host-${i}` },
      startsAt: new Date().toISOString(),
      endsAt: "0001-01-01T00:00:00Z",
      fingerprint: `storm-${g}-${i}`,
    })),
    groupLabels: { alertname: `Storm${g}` },
    commonLabels: labels,
    commonAnnotations: {},
    externalURL: "http://127.0.0.1:9093",
    version: "4",
    groupKey: `{}:{alertname="Storm${g}"}`,
    truncatedAlerts: 0,
  });
}

const isSummary = (c: RecordedCall) => String(c.args.text ?? "").includes("Alert storm");
const inChannel = (c: RecordedCall) => c.args.channel === "#storm" || c.args.channel === CHANNEL_ID;
const roots = (slack: FakeSlack) => slack.callsTo("chat.postMessage").filter((c) => inChannel(c) && !c.args.thread_ts && !isSummary(c));
const replies = (slack: FakeSlack) => slack.callsTo("chat.postMessage").filter((c) => inChannel(c) && c.args.thread_ts);
const groupIdOf = (c: RecordedCall) => (c.args.metadata as { event_payload?: { group_id?: string } } | undefined)?.event_payload?.group_id;

describe.each(BACKENDS)("a storm into one channel (%s)", (backend) => {
  let slack: FakeSlack | undefined;
  let env: Env | undefined;
  let app: Calpage | undefined;

  afterEach(async () => {
    await app?.stop();
    await slack?.close();
    await env?.cleanup();
    app = undefined;
    slack = undefined;
    env = undefined;
  });

  async function start(storm: string): Promise<{ slack: FakeSlack; app: Calpage; post: (g: number) => Promise<{ number: number; at: number }> }> {
    const s = await startFakeSlack({
      token: "xoxb-e2e-test",
      channels: { storm: CHANNEL_ID },
      // Slack's limits: about one post a second per channel (thread replies included), edits two a second.
      rateLimits: {
        "chat.postMessage": { limit: 1, windowMs: 1000, per: "channel" },
        "chat.update": { limit: 2, windowMs: 1000, per: "channel" },
      },
    });
    slack = s;
    env = await prepareEnv(backend, s);
    const text = yaml(storm);
    const path = join(env.dir, "calpage.yaml");
    writeFileSync(path, text);
    const started = await startInProcess(path, env.env, text);
    app = started.app;
    const receiver = `${started.url}/integrations/v1/alertmanager/${AM_TOKEN}/`;
    const post = async (g: number) => {
      const res = await fetch(receiver, { method: "POST", headers: { "content-type": "application/json" }, body: amBody(g) });
      const at = Date.now();
      expect(res.status).toBe(200);
      const record = await started.app.store.read.groups.getByNumber((await started.app.store.read.groups.count()));
      return { number: record!.number, at };
    };
    return { slack: s, app: started.app, post };
  }

  /** When group `n` first showed in the channel: its own message, or a summary post/edit listing it. */
  function firstSign(s: FakeSlack, app: Calpage, n: number, groupId: string): number | null {
    const times: number[] = [];
    for (const c of s.callsTo("chat.postMessage")) {
      if (!c.args.thread_ts && groupIdOf(c) === groupId) times.push(c.at);
      if (isSummary(c) && JSON.stringify(c.args.blocks).includes(`*#${n}*`)) times.push(c.at);
    }
    for (const c of s.callsTo("chat.update")) if (isSummary(c) && JSON.stringify(c.args.blocks).includes(`*#${n}*`)) times.push(c.at);
    void app;
    return times.length ? Math.min(...times) : null;
  }

  it("above the threshold: one summary, posted once and edited, shows every new group within 2 s; each group still gets its own message; then it says the storm is over", async () => {
    const { slack: s, app: a, post } = await start("storm: {threshold: 3, window: 10s}");
    const GROUPS = 12;
    const accepted: { number: number; at: number }[] = [];
    for (let g = 0; g < GROUPS; g++) {
      accepted.push(await post(g));
      await sleep(150);
    }
    // Every group gets its own message (buttons) at the paced rate, and the summary ends.
    let over = false;
    for (let i = 0; i < 120 && !over; i++) {
      const summaries = s.messagesIn(CHANNEL_ID).filter((m) => String(m.text ?? "").includes("Alert storm"));
      over = roots(s).length === GROUPS && summaries.length === 1 && String(summaries[0]!.text).startsWith("Alert storm over");
      if (!over) await sleep(500);
    }
    const summaryPosts = s.callsTo("chat.postMessage").filter(isSummary);
    expect(summaryPosts).toHaveLength(1);
    const summaryTs = String(summaryPosts[0]!.response.ts);
    const edits = s.callsTo("chat.update").filter((c) => c.args.ts === summaryTs);
    expect(edits.length).toBeGreaterThan(1);
    expect(over).toBe(true);
    expect(roots(s)).toHaveLength(GROUPS);

    const final = s.message(CHANNEL_ID, summaryTs)!;
    expect(final.text).toBe(`Alert storm over: ${GROUPS} new alert groups from ${final.text!.match(/from (\S+ \S+)/)![1]} to ${final.text!.match(/to (\S+ \S+)$/)![1]}`);
    const finalBlocks = JSON.stringify(final.blocks);
    for (const { number } of accepted) {
      const group = (await a.store.read.groups.getByNumber(number))!;
      // Listed with its state and count, linking to its own message.
      expect(finalBlocks).toContain(`*#${number}* <https://slack.com/archives/${CHANNEL_ID}/p${group.slackTs!.replace(".", "")}|Storm${number - accepted[0]!.number}`);
      expect(finalBlocks).toContain(`· Firing · 1 alert`);
      const sign = firstSign(s, a, number, group.id);
      expect(sign, `group #${number} never showed`).not.toBeNull();
      expect(sign! - accepted.find((x) => x.number === number)!.at, `group #${number}: first sign in the channel`).toBeLessThan(2000);
    }
    expect(s.rateLimitViolations).toBe(0);
    expect(s.unexpected).toEqual([]);
  }, 120_000);

  it("below the threshold: no summary, and root messages go out before other groups' thread replies, which are batched", async () => {
    const { slack: s, post } = await start("storm: {threshold: 10, window: 1m}");
    const GROUPS = 5;
    for (let g = 0; g < GROUPS; g++) await post(g);
    let done = false;
    for (let i = 0; i < 80 && !done; i++) {
      done = roots(s).length === GROUPS && replies(s).length >= GROUPS;
      if (!done) await sleep(250);
    }
    expect(done).toBe(true);
    expect(s.callsTo("chat.postMessage").filter(isSummary)).toHaveLength(0);
    // Every group's message went out before the first thread reply: no new group waited behind log lines.
    const lastRoot = Math.max(...roots(s).map((c) => c.seq));
    const firstReply = Math.min(...replies(s).map((c) => c.seq));
    expect(lastRoot).toBeLessThan(firstReply);
    // One reply per group, however many lines its log has by then ("opened", "calling webhook", its outcome).
    expect(replies(s)).toHaveLength(GROUPS);
    const lines = replies(s).reduce((n, c) => n + String(c.args.text).split("\n").length, 0);
    expect(lines).toBeGreaterThan(GROUPS);
    expect(s.rateLimitViolations).toBe(0);
  }, 60_000);
});
