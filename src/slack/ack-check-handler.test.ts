import { describe, expect, it } from "vitest";
import { apiPrincipal } from "../access/principal.js";
import type { Config } from "../config/config-types.js";
import type { AlertGroupRecord } from "../store/repositories/alert-group-record.js";
import type { Store } from "../store/store.js";
import { makeAckCheckHandler } from "./ack-check-handler.js";
import type { SlackApi } from "./slack-api.js";
import type { SlackUserCache } from "./slack-user-cache.js";

/**
 * `slack.ack_check` asks the acknowledger "still on it?" by DM. Whoever acknowledged through an API
 * write token acted as its person (`api.tokens[].as`), so that person is the one asked.
 */

const ACKED_AT = Date.UTC(2026, 0, 5, 9, 0);
const ALICE = { email: "alice@example.com", name: "Alice Example", slackId: "U0ALICE1" };

function harness(acknowledgedBy: string) {
  const group = { id: "g1", number: 42, title: "Disk full", state: "acknowledged", acknowledgedAt: ACKED_AT, acknowledgedBy } as AlertGroupRecord;
  const posted: string[] = [];
  const logged: string[] = [];
  const tx = { log: { add: async (_id: string, _at: number, _kind: string, text: string) => void logged.push(text) }, jobs: { add: async () => {} } };
  const store = { read: { groups: { get: async () => group } }, transaction: async (fn: (t: typeof tx) => Promise<void>) => fn(tx) } as unknown as Store;
  const slack = { postMessage: async (m: { channel: string }) => (posted.push(m.channel), { channel: m.channel, ts: "1.1" }) } as unknown as SlackApi;
  const slackUsers = { lookup: async (email: string) => (email === ALICE.email ? { id: ALICE.slackId, tz: null } : null) } as unknown as SlackUserCache;
  const config = {
    users: [{ email: ALICE.email, name: ALICE.name, aliases: [] }],
    api: { tokens: [{ name: "deploy-bot", token: "x".repeat(24), scope: "write", as: ALICE.email }] },
  } as unknown as Config;
  const handler = makeAckCheckHandler(store, slack, slackUsers, config, () => ACKED_AT + 30 * 60_000);
  return { posted, logged, run: () => handler({ groupId: "g1", actor: acknowledgedBy, ackedAt: ACKED_AT, answerWithinSeconds: 300 }) };
}

describe("slack.ack_check", () => {
  it("asks the token's person when the group was acknowledged through an API write token", async () => {
    const h = harness(apiPrincipal("deploy-bot", ALICE.email, ALICE.name).actor);
    await h.run();
    expect(h.posted).toEqual([ALICE.slackId]);
    expect(h.logged).toEqual([]);
  });

  it("asks a Slack acknowledger at their member id, and notes someone it cannot find", async () => {
    const bySlack = harness(ALICE.slackId);
    await bySlack.run();
    expect(bySlack.posted).toEqual([ALICE.slackId]);
    const unknown = harness("Mallory (API token gone-bot)");
    await unknown.run();
    expect(unknown.posted).toEqual([]);
    expect(unknown.logged).toEqual(["Could not ask Mallory (API token gone-bot) by Slack DM whether they are still on it (no Slack account found)."]);
  });
});
