import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newGroupRecord } from "../../src/alerts/new-group-record.js";
import type { Config } from "../../src/config/config-types.js";
import { parseConfig } from "../../src/config/parse-config.js";
import type { SlackApi } from "../../src/slack/slack-api.js";
import { makeSlackSyncHandler } from "../../src/slack/sync-handler.js";
import { createWebSlackApi } from "../../src/slack/web-slack-api.js";
import type { Store } from "../../src/store/store.js";
import { backends, type BackendContext } from "../contract/backends.js";
import { startFakeSlack, type FakeSlack } from "../support/fake-slack.js";

const TOKEN = "xoxb-crash-mid-post";

const yaml = (channel: string) => `timezone: UTC
users: []
integrations:
  - name: hooks
    type: webhook
    token: crash-mid-post-token-0001
    channel: ${channel}
`;

function loadConfig(): Config {
  return loadConfigWith('"#alerts"');
}

function loadConfigWith(channel: string): Config {
  const r = parseConfig(yaml(channel), "/tmp/calpage.yaml", {});
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}

/**
 * calpage killed after Slack took a group's channel message but before its ts was saved:
 * the next attempt (a restarted process, so a fresh handler with no memory) must find
 * that message by its metadata and edit it, not post a second one.
 */
describe.each(backends)("channel message after a crash mid-post ($name)", (backend) => {
  let ctx: BackendContext;
  let store: Store;
  let slack: FakeSlack;
  let api: SlackApi;
  let config: Config;
  const logged: string[] = [];
  // Each handler run is a few seconds after the last, so the channel's post pacing never defers it.
  let clock = Date.now();
  const now = () => clock;
  const sync = (slackApi: SlackApi) => {
    clock += 5_000;
    return makeSlackSyncHandler(store, slackApi, config, now, (l) => logged.push(l));
  };

  beforeAll(async () => {
    ctx = await backend.open();
    store = await ctx.openMigratedStore();
    slack = await startFakeSlack({ token: TOKEN, channels: { alerts: "C0ALERTS01" }, tsClock: now });
    api = createWebSlackApi(TOKEN, slack.url);
    config = loadConfig();
  });
  afterAll(async () => {
    await ctx?.dispose();
    await slack?.close();
  });

  async function openGroup(title: string): Promise<string> {
    return store.transaction(async (tx) => {
      const g = await newGroupRecord(
        tx,
        { groupingKey: randomUUID(), title, message: null, severity: "critical", labels: {}, links: [], alerts: [] },
        { integration: "hooks", chain: null, chainSteps: [], channel: "#alerts", silenceUrl: null },
        clock,
      );
      await tx.groups.insert(g);
      await tx.log.add(g.id, clock, "opened", `Alert group #${g.number} opened.`);
      return g.id;
    });
  }

  /** A process that dies right after Slack answered its chat.postMessage. */
  const dyingAfterPost: () => SlackApi = () => ({
    ...api,
    async postMessage(args) {
      await api.postMessage(args);
      throw new Error("killed before the ts was saved");
    },
  });

  const rootPosts = (groupTitle: string) =>
    slack.calls.filter((c) => c.method === "chat.postMessage" && !c.args.thread_ts && JSON.stringify(c.args).includes(groupTitle));

  it("finds the message posted before the crash and edits it: one message in the channel, its thread log posted once", async () => {
    // Another group has been posted to #alerts before, so its channel id is known.
    const earlier = await openGroup("Earlier group");
    await sync(api)({ groupId: earlier });

    const id = await openGroup("DiskFull on db-1");
    await expect(sync(dyingAfterPost())({ groupId: id })).rejects.toThrow("killed");
    expect((await store.read.groups.get(id))?.slackTs).toBeNull();
    expect(rootPosts("DiskFull on db-1")).toHaveLength(1);

    await store.transaction((tx) => tx.groups.update(id, { state: "acknowledged", acknowledgedBy: "U0ADA", acknowledgedAt: clock }));
    await sync(api)({ groupId: id });

    const saved = await store.read.groups.get(id);
    const [first] = rootPosts("DiskFull on db-1");
    expect(rootPosts("DiskFull on db-1")).toHaveLength(1);
    expect(saved?.slackTs).toBe(first?.response?.ts);
    expect(saved?.slackChannelId).toBe("C0ALERTS01");
    expect(slack.calls.some((c) => c.method === "conversations.history")).toBe(true);
    // The found message was brought up to date (acknowledged), and the thread log went out once.
    const message = slack.message("C0ALERTS01", String(saved?.slackTs));
    expect(JSON.stringify(message?.blocks)).toContain("Acknowledged");
    expect(slack.messagesIn("C0ALERTS01").filter((m) => m.threadTs === saved?.slackTs && m.ts !== saved?.slackTs)).toHaveLength(1);
    expect(logged).toStrictEqual([]);
  });

  async function openIn(channel: string, title: string): Promise<string> {
    return store.transaction(async (tx) => {
      const g = await newGroupRecord(tx, { groupingKey: randomUUID(), title, message: null, severity: null, labels: {}, links: [], alerts: [] }, { integration: "hooks", chain: null, chainSteps: [], channel, silenceUrl: null }, clock);
      await tx.groups.insert(g);
      return g.id;
    });
  }

  it("the very first post to a channel named in the config: its id is found by name, then the message", async () => {
    slack.channelId("#fresh");
    const fresh = loadConfigWith('"#fresh"');
    const id = await openIn("#fresh", "First in #fresh");
    clock += 5_000;
    await expect(makeSlackSyncHandler(store, dyingAfterPost(), fresh, now)({ groupId: id })).rejects.toThrow("killed");
    clock += 5_000;
    const lines: string[] = [];
    await makeSlackSyncHandler(store, api, fresh, now, (l) => lines.push(l))({ groupId: id });
    expect(rootPosts("First in #fresh")).toHaveLength(1);
    expect(slack.calls.some((c) => c.method === "conversations.list")).toBe(true);
    expect(lines).toStrictEqual([]);
  });

  it("when Slack refuses the lookup (history answers an error), the message is posted again and the log says why", async () => {
    const id = await openIn("#alerts", "Lookup fails");
    clock += 5_000;
    await expect(makeSlackSyncHandler(store, dyingAfterPost(), config, now)({ groupId: id })).rejects.toThrow("killed");
    slack.handle("conversations.history", () => ({ ok: false, error: "not_in_channel" }));
    clock += 5_000;
    const lines: string[] = [];
    try {
      await makeSlackSyncHandler(store, api, config, now, (l) => lines.push(l))({ groupId: id });
    } finally {
      slack.handle("conversations.history", undefined);
    }
    expect(rootPosts("Lookup fails")).toHaveLength(2);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^slack: cannot check whether the message of group ${id} was already posted \\(.+\\); posting it$`));
  });

  it("when the lookup gets no answer (HTTP 500: Slack is struggling), the attempt fails and the next one finds the earlier post", async () => {
    const id = await openIn("#alerts", "Lookup unanswered");
    clock += 5_000;
    await expect(makeSlackSyncHandler(store, dyingAfterPost(), config, now)({ groupId: id })).rejects.toThrow("killed");
    slack.setFailure("conversations.history", { status: 500, times: 1 });
    clock += 5_000;
    const lines: string[] = [];
    await expect(makeSlackSyncHandler(store, api, config, now, (l) => lines.push(l))({ groupId: id })).rejects.toThrow("500");
    expect(rootPosts("Lookup unanswered")).toHaveLength(1);
    clock += 5_000;
    await makeSlackSyncHandler(store, api, config, now, (l) => lines.push(l))({ groupId: id });
    expect(rootPosts("Lookup unanswered")).toHaveLength(1);
    expect((await store.read.groups.get(id))?.slackTs).toBe(rootPosts("Lookup unanswered")[0]?.response?.ts);
    expect(lines).toStrictEqual([]);
  });

  it("a post that failed without reaching Slack is simply posted: the lookup finds nothing", async () => {
    const id = await openGroup("CPU high on web-2");
    const refusing: SlackApi = {
      ...api,
      async postMessage() {
        throw new Error("connection reset before the request was written");
      },
    };
    await expect(sync(refusing)({ groupId: id })).rejects.toThrow("connection reset");
    await sync(api)({ groupId: id });
    expect(rootPosts("CPU high on web-2")).toHaveLength(1);
    expect((await store.read.groups.get(id))?.slackTs).toBe(rootPosts("CPU high on web-2")[0]?.response?.ts);
  });
});
