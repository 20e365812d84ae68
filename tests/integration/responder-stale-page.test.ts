import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { newGroupRecord } from "../../src/alerts/new-group-record.js";
import type { Config } from "../../src/config/config-types.js";
import { parseConfig } from "../../src/config/parse-config.js";
import { makePageHandler } from "../../src/notify/page-handler.js";
import type { TwilioApi } from "../../src/notify/twilio/twilio-api.js";
import { createLadderPager } from "../../src/paging/ladder-pager.js";
import type { SlackApi } from "../../src/slack/slack-api.js";
import { createSlackDirectMessages } from "../../src/slack/slack-direct-messages.js";
import { createSlackUserCache } from "../../src/slack/slack-user-cache.js";
import type { Store } from "../../src/store/store.js";
import { backends, type BackendContext } from "../contract/backends.js";

/**
 * "Add responder" on an acknowledged group for someone whose page from the chain is still queued
 * (Slack DMs wait behind Slack's rate limit in a storm): that chain page belongs to a ladder the
 * acknowledgement ended, so it is cancelled as it would have been without the add; the person gets
 * their responder page, once — not the old page and the new one.
 */
const yaml = `timezone: UTC
users:
  - email: bob@example.com
    name: Bob
    notification_rules:
      default: [slack_dm]
  - email: ada@example.com
    name: Ada
integrations:
  - name: hooks
    type: webhook
    token: responder-stale-page-token-01
    channel: "#alerts"
`;

function loadConfig(): Config {
  const r = parseConfig(yaml, "/tmp/calpage.yaml", {});
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}

/** Slack as the page handler sees it: every DM is recorded. */
function fakeSlack() {
  const dms: string[] = [];
  const slack = new Proxy({} as SlackApi, {
    get(_t, name) {
      if (name === "live") return true;
      if (name === "lookupUserByEmail") return async (email: string) => ({ id: `U${email.split("@")[0]!.toUpperCase()}`, tz: null });
      if (name === "postMessage")
        return async (args: { channel: string }) => {
          dms.push(args.channel);
          return { channel: args.channel, ts: `${Date.now() / 1000}` };
        };
      if (name === "then") return undefined;
      return () => {
        throw new Error(`unexpected Slack call ${String(name)}`);
      };
    },
  });
  return { slack, dms };
}

const noTwilio: TwilioApi = {
  async sendSms() {
    throw new Error("no SMS expected");
  },
  async startCall() {
    throw new Error("no call expected");
  },
};

describe.each(backends)("a queued chain page when the person is added as a responder to the acknowledged group ($name)", (backend) => {
  let ctx: BackendContext;
  const config = loadConfig();

  afterEach(async () => {
    await ctx?.dispose();
  });

  it("Bob gets one DM, his responder page; the chain's queued DM is cancelled", async () => {
    ctx = await backend.open();
    const store: Store = await ctx.openMigratedStore();
    const pager = createLadderPager(config, { phoneEnabled: false });
    const now = Date.now();
    // The chain pages Bob; his DM is queued (its job has not run yet).
    const groupId = await store.transaction(async (tx) => {
      const g = await newGroupRecord(
        tx,
        { groupingKey: randomUUID(), title: "DiskFull on db-1", message: null, severity: "critical", labels: {}, links: [], alerts: [] },
        { integration: "hooks", chain: null, chainSteps: [], channel: "#alerts", silenceUrl: null },
        now,
      );
      await tx.groups.insert(g);
      await pager.page(tx, g.id, ["bob@example.com"], false, "chain:0", now);
      return g.id;
    });
    // Ada acknowledges, then asks Bob for help.
    await store.transaction(async (tx) => {
      await tx.groups.update(groupId, { state: "acknowledged", acknowledgedBy: "UADA", acknowledgedAt: now + 1000, updatedAt: now + 1000 });
      await pager.page(tx, groupId, ["bob@example.com"], false, "responder", now + 2000, { responder: true });
    });
    const pages = await store.read.pages.listForGroup(groupId);
    expect(pages.map((p) => [p.userEmail, p.state])).toEqual([
      ["bob@example.com", "pending"],
      ["bob@example.com", "pending"],
    ]);

    // The queue catches up: both jobs run.
    const { slack, dms } = fakeSlack();
    const handle = makePageHandler({
      store,
      directMessages: createSlackDirectMessages(slack, createSlackUserCache(slack, new Map(config.users.map((u) => [u.email, u])))),
      twilio: noTwilio,
      config,
      callbacks: { smsStatus: (id) => `http://127.0.0.1:9/s/${id}`, callAnswer: (id) => `http://127.0.0.1:9/a/${id}`, callStatus: (id) => `http://127.0.0.1:9/c/${id}` },
    });
    for (const p of pages) await handle({ pageId: p.id });

    expect(dms).toEqual(["UBOB"]);
    const [chainPage, responderPage] = pages;
    expect((await store.read.pages.get(chainPage!.id))?.state).toBe("cancelled");
    expect((await store.read.pages.get(responderPage!.id))?.state).toBe("sent");
  });
});
