import { LogLevel, WebClient, type WebAPICallResult } from "@slack/web-api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFakeSlack, type FakeSlack } from "./fake-slack.js";

const TOKEN = "xoxb-test-token";

describe("fake Slack Web API", () => {
  let slack: FakeSlack;
  let client: WebClient;

  beforeEach(async () => {
    slack = await startFakeSlack({
      token: TOKEN,
      users: { "ada@example.com": { id: "U0ADA", name: "ada", tz: "Europe/Berlin", realName: "Ada Lovelace" } },
      channels: { alerts: "C0ALERTS" },
      usergroups: [{ id: "S0ONCALL", handle: "oncall-db", users: ["U0OLD"] }],
    });
    // No retries: each test sees exactly the answers the fake gives.
    client = new WebClient(TOKEN, { slackApiUrl: slack.url, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, logLevel: LogLevel.ERROR });
  });

  afterEach(async () => {
    await slack.close();
  });

  it("answers the SDK's form-encoded calls and parses nested JSON fields back", async () => {
    const auth = await client.auth.test();
    expect(auth).toMatchObject({ ok: true, user_id: "U0CALPAGEBOT", bot_id: "B0CALPAGE", team_id: "T0CALPAGE" });

    const blocks = [{ type: "section", text: { type: "mrkdwn", text: "*DiskFull* on db-1" } }];
    const first = await client.chat.postMessage({ channel: "#alerts", text: "DiskFull", blocks });
    const second = await client.chat.postMessage({ channel: "#incidents", text: "other" });
    const third = await client.chat.postMessage({ channel: "#incidents", text: "again" });
    expect(first).toMatchObject({ ok: true, channel: "C0ALERTS", ts: "1700000000.000100" });
    expect(second.channel).toMatch(/^C[A-Z0-9]+$/);
    expect(third.channel).toBe(second.channel);
    expect(Number(third.ts)).toBeGreaterThan(Number(second.ts));

    const call = slack.callsTo("chat.postMessage")[0];
    expect(call?.contentType).toContain("application/x-www-form-urlencoded");
    expect(call?.token).toBe(TOKEN);
    expect(call?.args.blocks).toEqual(blocks);

    await client.chat.update({ channel: "C0ALERTS", ts: first.ts ?? "", text: "DiskFull (acknowledged)", blocks: [] });
    expect(slack.message("#alerts", first.ts ?? "")).toMatchObject({ text: "DiskFull (acknowledged)", updates: 1, blocks: [] });
    await expect(client.chat.update({ channel: "C0ALERTS", ts: "1.000000", text: "x" })).rejects.toThrow(/message_not_found/);

    const link = await client.chat.getPermalink({ channel: "C0ALERTS", message_ts: first.ts ?? "" });
    expect(link.permalink).toBe("https://calpage-test.slack.com/archives/C0ALERTS/p1700000000000100");

    const eph = await client.chat.postEphemeral({ channel: "C0ALERTS", user: "U0ADA", text: "only you" });
    expect(eph.message_ts).toBeTruthy();

    const user = await client.users.lookupByEmail({ email: "ada@example.com" });
    expect(user.user).toMatchObject({ id: "U0ADA", name: "ada", tz: "Europe/Berlin", real_name: "Ada Lovelace" });
    await expect(client.users.lookupByEmail({ email: "nobody@example.com" })).rejects.toThrow(/users_not_found/);
    expect((await client.users.info({ user: "U0ADA" })).user?.profile?.email).toBe("ada@example.com");

    const im = await client.conversations.open({ users: "U0ADA" });
    expect(im.channel?.id).toMatch(/^D/);
    expect((await client.conversations.open({ users: "U0ADA" })).channel?.id).toBe(im.channel?.id);
    const dm = await client.chat.postMessage({ channel: "U0ADA", text: "you are paged" });
    expect(dm.channel).toBe(im.channel?.id);
    expect((await client.conversations.info({ channel: im.channel?.id ?? "" })).channel).toMatchObject({ is_im: true, user: "U0ADA" });
    expect((await client.conversations.info({ channel: "C0ALERTS" })).channel).toMatchObject({ name: "alerts", is_channel: true });

    const modal = await client.views.open({ trigger_id: "1.2.3", view: { type: "modal", title: { type: "plain_text", text: "Silence" }, blocks: [] } });
    expect(modal.view?.id).toMatch(/^V/);
    const home = await client.views.publish({ user_id: "U0ADA", view: { type: "home", blocks: [] } });
    expect(home.view?.type).toBe("home");
    expect(slack.callsTo("views.open")[0]?.args.view).toMatchObject({ type: "modal" });

    const groups = await client.usergroups.list({ include_users: true });
    expect(groups.usergroups?.[0]).toMatchObject({ id: "S0ONCALL", handle: "oncall-db", users: ["U0OLD"] });
    await client.usergroups.users.update({ usergroup: "S0ONCALL", users: "U0ADA,U0BOB" });
    expect((await client.usergroups.users.list({ usergroup: "S0ONCALL" })).users).toEqual(["U0ADA", "U0BOB"]);
    expect(slack.usergroupUsers("S0ONCALL")).toEqual(["U0ADA", "U0BOB"]);

    expect(slack.unexpected).toEqual([]);
  });

  it("accepts JSON bodies and records unknown methods and bad tokens as unexpected", async () => {
    const res = await fetch(`${slack.url}chat.postMessage`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json; charset=utf-8" },
      body: JSON.stringify({ channel: "C0ALERTS", text: "json", blocks: [{ type: "divider" }] }),
    });
    expect(await res.json()).toMatchObject({ ok: true, channel: "C0ALERTS" });
    expect(slack.callsTo("chat.postMessage")[0]?.args.blocks).toEqual([{ type: "divider" }]);

    await expect(client.apiCall("pins.add", { channel: "C0ALERTS" })).rejects.toThrow(/unknown_method/);
    const stranger = new WebClient("xoxb-wrong", { slackApiUrl: slack.url, retryConfig: { retries: 0 }, logLevel: LogLevel.ERROR });
    await expect(stranger.auth.test()).rejects.toThrow(/invalid_auth/);
    expect(slack.unexpected.map((call) => call.method)).toEqual(["pins.add", "auth.test"]);
  });

  it("injects failures and enforces rate limits with Retry-After", async () => {
    slack.setFailure("chat.postMessage", { status: 500, times: 1 });
    await expect(client.chat.postMessage({ channel: "C0ALERTS", text: "a" })).rejects.toThrow();
    slack.setFailure("chat.postMessage", { status: 429, retryAfterSeconds: 7, times: 1 });
    await expect(client.chat.postMessage({ channel: "C0ALERTS", text: "b" })).rejects.toMatchObject({ retryAfter: 7 });
    expect(slack.calls.map((call) => call.status)).toEqual([500, 429]);
    expect(slack.callsTo("chat.postMessage")).toHaveLength(0);
    expect(slack.rateLimitViolations).toBe(0);

    slack.setRateLimit("chat.postMessage", { limit: 2, windowMs: 1000 });
    const results: (WebAPICallResult | Error)[] = [];
    for (const text of ["1", "2", "3"]) results.push(await client.chat.postMessage({ channel: "C0ALERTS", text }).catch((error: Error) => error));
    // Per channel: another channel still has room.
    results.push(await client.chat.postMessage({ channel: "#other", text: "4" }));
    expect(results.map((result) => (result instanceof Error ? "limited" : "ok"))).toEqual(["ok", "ok", "limited", "ok"]);
    expect(slack.rateLimitViolations).toBe(1);
    expect(slack.calls.at(-2)?.status).toBe(429);
  });

  it("keeps failing every method until the outage is cleared", async () => {
    slack.setFailure("*", { status: 429, retryAfterSeconds: 30, times: Infinity });
    for (let i = 0; i < 3; i++) await expect(client.chat.postMessage({ channel: "C0ALERTS", text: `down ${i}` })).rejects.toMatchObject({ retryAfter: 30 });
    await expect(client.users.lookupByEmail({ email: "ada@example.com" })).rejects.toMatchObject({ retryAfter: 30 });
    expect(slack.calls.map((call) => call.status)).toEqual([429, 429, 429, 429]);

    slack.setFailure("chat.update", { status: 500, times: 2 });
    slack.clearFailures("*");
    expect((await client.chat.postMessage({ channel: "C0ALERTS", text: "back" })).ok).toBe(true);
    // Only the `*` queue went; the per-method one stays until cleared.
    await expect(client.chat.update({ channel: "C0ALERTS", ts: "1700000000.000100", text: "x" })).rejects.toThrow();
    slack.clearFailures();
    expect((await client.chat.update({ channel: "C0ALERTS", ts: "1700000000.000100", text: "edited" })).ok).toBe(true);
    expect(slack.calls.slice(4).map((call) => `${call.method} ${call.status}`)).toEqual(["chat.postMessage 200", "chat.update 500", "chat.update 200"]);
    expect(slack.message("C0ALERTS", "1700000000.000100")?.text).toBe("edited");
  });

  it("waitFor resolves on a future call and times out with a list of what arrived", async () => {
    const waiting = slack.waitFor((call) => call.method === "chat.postMessage" && call.args.text === "later", 2_000);
    await client.chat.postMessage({ channel: "C0ALERTS", text: "sooner" });
    await client.chat.postMessage({ channel: "C0ALERTS", text: "later" });
    expect((await waiting).args.text).toBe("later");
    await expect(slack.waitFor((call) => call.method === "views.open", 100)).rejects.toThrow(/chat\.postMessage channel=C0ALERTS/);
  });

  it("answers every Web API call after the delay it was given, like a slow Slack", async () => {
    slack.setDelay(600);
    const started = Date.now();
    const [a, b] = await Promise.all([client.auth.test(), client.chat.postMessage({ channel: "C0ALERTS", text: "slow" })]);
    expect(a.ok && b.ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(590);
    // Both waited at the same time, not one after the other.
    expect(Date.now() - started).toBeLessThan(1_150);
    slack.setDelay(0);
    const quick = Date.now();
    await client.auth.test();
    expect(Date.now() - quick).toBeLessThan(590);
  });

  it("records posts to response URLs", async () => {
    const url = slack.responseUrl("click-1");
    await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ replace_original: true, text: "Acknowledged" }) });
    const call = await slack.waitFor((c) => c.method === "response_url", 1_000);
    expect(call).toMatchObject({ responseUrlId: "click-1", args: { replace_original: true, text: "Acknowledged" } });
  });
});
