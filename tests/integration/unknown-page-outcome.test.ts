import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { newGroupRecord } from "../../src/alerts/new-group-record.js";
import type { Config } from "../../src/config/config-types.js";
import { parseConfig } from "../../src/config/parse-config.js";
import type { TaskHandlers } from "../../src/jobs/job-queue.js";
import { makePageHandler, UNKNOWN_OUTCOME, type PageHandlerDeps } from "../../src/notify/page-handler.js";
import type { TwilioApi } from "../../src/notify/twilio/twilio-api.js";
import { createLadderPager } from "../../src/paging/ladder-pager.js";
import { makeLadderTickHandler } from "../../src/paging/ladder-tick-handler.js";
import type { SlackApi } from "../../src/slack/slack-api.js";
import { createSlackDirectMessages } from "../../src/slack/slack-direct-messages.js";
import { createSlackUserCache } from "../../src/slack/slack-user-cache.js";
import type { Store } from "../../src/store/store.js";
import { backends, type BackendContext } from "../contract/backends.js";
import { waitFor } from "../support/wait-for.js";

/**
 * calpage killed while it hands a page to Twilio or Slack: the page is left in `sending` and its
 * job is held by the dead process. After the restart the job runs again; the page is not sent
 * again (it may have gone out), but the thread says its outcome is unknown and the person is
 * reached at once by the next rung of their ladder, or by another channel when none is left.
 */
const yaml = `timezone: UTC
users:
  - email: alice@example.com
    name: Alice
    phone: "+15550000001"
    notification_rules:
      default: [sms, {wait: 10m}, call]
  - email: bob@example.com
    name: Bob
    notification_rules:
      default: [slack_dm]
  - email: carol@example.com
    name: Carol
    phone: "+15550000003"
    notification_rules:
      default: [slack_dm, sms, {wait: 10m}, call]
integrations:
  - name: hooks
    type: webhook
    token: unknown-outcome-token-0001
    channel: "#alerts"
`;

function loadConfig(): Config {
  const r = parseConfig(yaml, "/tmp/calpage.yaml", {});
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}

type Sent = { channel: "sms" | "call" | "slack_dm"; to: string };

/** Slack and Twilio as one process sees them: every send is recorded; `hang` sends never answer (the process dies waiting). */
function providers(opts: { hang: boolean }) {
  const sent: Sent[] = [];
  const unexpected: string[] = [];
  const never = new Promise<never>(() => {});
  const twilio: TwilioApi = {
    async sendSms(to) {
      sent.push({ channel: "sms", to });
      if (opts.hang) return never;
      return { sid: `SM${randomUUID().replaceAll("-", "")}` };
    },
    async startCall(to) {
      sent.push({ channel: "call", to });
      if (opts.hang) return never;
      return { sid: `CA${randomUUID().replaceAll("-", "")}` };
    },
  };
  const slack = new Proxy({} as SlackApi, {
    get(_t, name) {
      if (name === "live") return true;
      if (name === "lookupUserByEmail") return async (email: string) => ({ id: `U${email.split("@")[0]!.toUpperCase()}`, tz: null });
      if (name === "postMessage")
        return async (args: { channel: string }) => {
          sent.push({ channel: "slack_dm", to: args.channel });
          if (opts.hang) return never;
          return { channel: args.channel, ts: `${Date.now() / 1000}` };
        };
      if (name === "then") return undefined;
      return () => {
        unexpected.push(String(name));
        throw new Error(`unexpected Slack call ${String(name)}`);
      };
    },
  });
  return { twilio, slack, sent, unexpected };
}

describe.each(backends)("a page whose outcome is unknown after a crash ($name)", (backend) => {
  let ctx: BackendContext;
  const config = loadConfig();

  afterEach(async () => {
    await ctx?.dispose();
  });

  function pageHandler(store: Store, p: ReturnType<typeof providers>, pager: ReturnType<typeof createLadderPager>) {
    const deps: PageHandlerDeps = {
      store,
      directMessages: createSlackDirectMessages(p.slack, createSlackUserCache(p.slack, new Map(config.users.map((u) => [u.email, u])))),
      twilio: p.twilio,
      config,
      callbacks: { smsStatus: (id) => `http://127.0.0.1:9/s/${id}`, callAnswer: (id) => `http://127.0.0.1:9/a/${id}`, callStatus: (id) => `http://127.0.0.1:9/c/${id}` },
      onLost: (tx, page, t) => pager.lost(tx, page, t),
    };
    return makePageHandler(deps);
  }

  /** Opens a firing group and starts `email`'s ladder; returns the group and its first page. */
  async function pageSomeone(store: Store, email: string) {
    const pager = createLadderPager(config, { phoneEnabled: true });
    const now = Date.now();
    return store.transaction(async (tx) => {
      const g = await newGroupRecord(
        tx,
        { groupingKey: randomUUID(), title: "DiskFull on db-1", message: null, severity: "critical", labels: {}, links: [], alerts: [] },
        { integration: "hooks", chain: null, chainSteps: [], channel: "#alerts", silenceUrl: null },
        now,
      );
      await tx.groups.insert(g);
      await pager.page(tx, g.id, [email], false, "k", now);
      const first = (await tx.pages.listForGroup(g.id)).find((p) => p.ladderKey === "1.0.1");
      return { groupId: g.id, firstPageId: first!.id };
    });
  }

  /** The first process dies while the page is with the provider; a second one starts on the same storage and runs the jobs. */
  async function crashAndRestart(email: string) {
    ctx = await backend.open();
    const store = await ctx.openMigratedStore();
    const { groupId, firstPageId } = await pageSomeone(store, email);

    const dying = providers({ hang: true });
    void pageHandler(ctx.openStore(), dying, createLadderPager(config, { phoneEnabled: true }))({ pageId: firstPageId });
    await waitFor(() => dying.sent.length === 1, { timeoutMs: 5_000, description: "the first send to start" });
    expect((await store.read.pages.get(firstPageId))?.state).toBe("sending");
    // The killed process held the page's job.
    expect(await ctx.lockJobsAsDeadWorker(store)).toBeGreaterThan(0);

    const restarted = providers({ hang: false });
    const store2 = ctx.openStore();
    const pager = createLadderPager(config, { phoneEnabled: true });
    await ctx.startRunner(
      store2,
      // Only these tasks are ever added here; any other would be reported in ctx.errors.
      {
        "notify.page": pageHandler(store2, restarted, pager),
        "paging.ladder": makeLadderTickHandler(store2, pager, { now: () => new Date() }),
        "slack.sync": async () => {},
      } as Partial<TaskHandlers> as TaskHandlers,
      { deadAfterMs: 1_000, heartbeatMs: 200 },
    );
    return { store, groupId, firstPageId, dying, restarted };
  }

  it("an SMS lost mid-send: not sent again, the thread says so, and the ladder's call goes out at once instead of after its 10 minute wait", async () => {
    const { store, groupId, firstPageId, dying, restarted } = await crashAndRestart("alice@example.com");
    await waitFor(() => restarted.sent.length >= 1, { timeoutMs: 20_000, description: "the next rung" });
    await new Promise((r) => setTimeout(r, 500));

    expect(dying.sent).toEqual([{ channel: "sms", to: "+15550000001" }]);
    expect(restarted.sent).toEqual([{ channel: "call", to: "+15550000001" }]);
    expect(restarted.unexpected).toEqual([]);
    const lost = await store.read.pages.get(firstPageId);
    expect(lost).toMatchObject({ state: "failed", error: UNKNOWN_OUTCOME });
    const log = (await store.read.log.list(groupId)).map((e) => e.text);
    expect(log).toContain("The SMS to Alice may or may not have gone out: calpage stopped while sending it; reaching them again now.");
    expect(log).toContain("Alice: Rung 1 may not have gone out; skipping the wait of rung 2.");
    const run = await store.read.ladderRuns.get(groupId, "alice@example.com");
    expect(run?.state.status).toBe("finished");
    expect(ctx.errors).toEqual([]);
  });

  it("a Slack DM lost with no rung left: one DM again (a second notice rather than none)", async () => {
    const { store, groupId, dying, restarted } = await crashAndRestart("bob@example.com");
    await waitFor(() => restarted.sent.length >= 1, { timeoutMs: 20_000, description: "the second notice" });
    await new Promise((r) => setTimeout(r, 500));

    expect(dying.sent).toEqual([{ channel: "slack_dm", to: "UBOB" }]);
    expect(restarted.sent).toEqual([{ channel: "slack_dm", to: "UBOB" }]);
    const log = (await store.read.log.list(groupId)).map((e) => e.text);
    expect(log).toContain("The Slack DM to Bob may or may not have gone out: calpage stopped while sending it; reaching them again now.");
    expect(log).toContain("Bob: reaching them again by Slack DM.");
    expect(log).toContain("Sent a Slack DM to Bob.");
    expect(ctx.errors).toEqual([]);
  });

  it("a Slack DM lost while the SMS after it went out: nothing more is sent, and the thread says why", async () => {
    const { store, groupId, firstPageId, restarted } = await crashAndRestart("carol@example.com");
    await waitFor(async () => (await store.read.pages.get(firstPageId))?.state === "failed", { timeoutMs: 20_000, description: "the lost DM to be marked" });
    // The SMS of rung 2 was queued with the DM and goes out once; no extra notice, no call before the wait.
    await waitFor(() => restarted.sent.length >= 1, { timeoutMs: 20_000, description: "the SMS of rung 2" });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(restarted.sent).toEqual([{ channel: "sms", to: "+15550000003" }]);
    const log = (await store.read.log.list(groupId)).map((e) => e.text);
    expect(log).toContain("Carol: the next rung already went out; no further notice.");
  });

  it("a page lost after the group was acknowledged: marked and said, nothing more is sent", async () => {
    ctx = await backend.open();
    const store = await ctx.openMigratedStore();
    const { groupId, firstPageId } = await pageSomeone(store, "alice@example.com");
    const dying = providers({ hang: true });
    void pageHandler(ctx.openStore(), dying, createLadderPager(config, { phoneEnabled: true }))({ pageId: firstPageId });
    await waitFor(() => dying.sent.length === 1, { timeoutMs: 5_000, description: "the first send to start" });
    await store.transaction((tx) => tx.groups.update(groupId, { state: "acknowledged", acknowledgedBy: "UALICE", acknowledgedAt: Date.now() }));

    const restarted = providers({ hang: false });
    await pageHandler(store, restarted, createLadderPager(config, { phoneEnabled: true }))({ pageId: firstPageId });
    expect(restarted.sent).toEqual([]);
    expect((await store.read.pages.get(firstPageId))?.state).toBe("failed");
    const log = (await store.read.log.list(groupId)).map((e) => e.text);
    expect(log).toContain("The SMS to Alice may or may not have gone out: calpage stopped while sending it; the group no longer fires, so nothing more is sent.");
  });
});
