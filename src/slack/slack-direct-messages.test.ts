import { describe, expect, it } from "vitest";
import type { AlertGroupRecord } from "../store/repositories/alert-group-record.js";
import { directPageMessage } from "./blocks/direct-page-message.js";
import { SlackApiError, type SlackApi } from "./slack-api.js";
import { createSlackDirectMessages } from "./slack-direct-messages.js";
import { createSlackUserCache } from "./slack-user-cache.js";
import { toAlertGroupView } from "./to-alert-group-view.js";

const T0 = Date.UTC(2026, 2, 4, 13, 3);

const group: AlertGroupRecord = {
  id: "grp-1",
  number: 42,
  integration: "prod-alertmanager",
  groupingKey: "{}:{alertname=\"DiskFull\"}",
  state: "firing",
  title: "DiskFull on db-1",
  message: "Only 3% left",
  severity: "critical",
  labels: { alertname: "DiskFull" },
  links: [],
  silenceUrl: null,
  chain: null,
  chainSteps: [],
  channel: "#alerts",
  alertCount: 1,
  firingCount: 1,
  truncatedAlerts: 0,
  firstAlertAt: T0,
  lastAlertAt: T0,
  acknowledgedBy: null,
  acknowledgedAt: null,
  resolvedBy: null,
  resolvedAt: null,
  silencedBy: null,
  silencedUntil: null,
  slackChannelId: null,
  slackTs: null,
  escalation: { status: "idle", seq: 0, stepIndex: 0, repeatsDone: 0, nextAt: null },
  createdAt: T0,
  updatedAt: T0,
};

/** A Slack that knows ada@example.com as UADA and records every post. */
function fakeSlack(post: SlackApi["postMessage"]) {
  const posts: Parameters<SlackApi["postMessage"]>[0][] = [];
  const slack = {
    lookupUserByEmail: async (email: string) => (email === "ada@example.com" ? { id: "UADA", tz: "Europe/Berlin" } : null),
    postMessage: async (args: Parameters<SlackApi["postMessage"]>[0]) => {
      posts.push(args);
      return post(args);
    },
  } as unknown as SlackApi;
  const dm = createSlackDirectMessages(slack, createSlackUserCache(slack, new Map()));
  return { dm, posts };
}

describe("Slack DMs for pages (the notify DirectMessagePort)", () => {
  it("finds the person by email and posts the page to their member id, answering channel:ts", async () => {
    const { dm, posts } = fakeSlack(async (args) => ({ channel: "D0ADA", ts: `1741093380.000100-${args.channel}` }));
    const to = await dm.findRecipient("ada@example.com");
    expect(to).toEqual({ id: "UADA", tz: "Europe/Berlin" });
    expect(await dm.findRecipient("nobody@example.com")).toBeNull();

    const ref = await dm.sendPage(to!, { group, recent: [], integrationType: "alertmanager", timezone: "Europe/Berlin", important: true });
    expect(ref).toBe("D0ADA:1741093380.000100-UADA");
    expect(posts).toHaveLength(1);
    // The DM is the Block Kit page message of the group, in the person's zone, marked important.
    const rendered = directPageMessage(toAlertGroupView(group, [], "alertmanager"), { timezone: "Europe/Berlin", channelPermalink: null, important: true });
    expect(posts[0]).toEqual({ channel: "UADA", ...rendered });
    expect(posts[0]!.text).toMatch(/^❗ You are being paged \(important\): #42 DiskFull on db-1/);
  });

  it("says when a failed DM may be tried again: only when Slack certainly did nothing and said when", () => {
    const { dm } = fakeSlack(async () => ({ channel: "D0ADA", ts: "1" }));
    expect(dm.retryAfterMs(new SlackApiError("ratelimited", "ratelimited", true, 30_000))).toBe(30_000);
    // Refused without a time to come back (e.g. channel_not_found): failed, not retried.
    expect(dm.retryAfterMs(new SlackApiError("channel_not_found", "channel_not_found", true))).toBeNull();
    // Slack may have posted it (a timeout, a 5xx): never retried, to never page twice.
    expect(dm.retryAfterMs(new SlackApiError("timeout", "timeout", false, 30_000))).toBeNull();
    expect(dm.retryAfterMs(new Error("socket hang up"))).toBeNull();
  });
});
