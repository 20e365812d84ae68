import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { App, LogLevel, isValidSlackRequest } from "@slack/bolt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeSlack, type FakeSlack } from "./fake-slack.js";
import { buttonClickBody, signSlackRequest, signedSlackRequestInit, slashCommandBody, viewSubmissionBody } from "./slack-signing.js";
import { waitFor } from "./wait-for.js";

const SECRET = "test-signing-secret";

describe("signSlackRequest", () => {
  it("matches Slack's documented example", () => {
    // https://api.slack.com/authentication/verifying-requests-from-slack
    const body =
      "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    const headers = signSlackRequest("8f742231b10e8888abcd99yyyzzz85a5", body, 1531420618);
    expect(headers).toEqual({
      "x-slack-request-timestamp": "1531420618",
      "x-slack-signature": "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
    });
  });

  it("is accepted by Bolt's verifier", () => {
    const body = slashCommandBody({ text: "who", userId: "U0ADA", channelId: "C0ALERTS" });
    const headers = signSlackRequest(SECRET, body);
    expect(isValidSlackRequest({ signingSecret: SECRET, body, headers: { ...headers, "x-slack-request-timestamp": Number(headers["x-slack-request-timestamp"]) } })).toBe(true);
  });
});

describe("interaction bodies through a real Bolt app", () => {
  let slack: FakeSlack;
  let app: App;
  let endpoint: string;
  const seen: { kind: string; body: Record<string, unknown> }[] = [];

  beforeAll(async () => {
    slack = await startFakeSlack({ token: "xoxb-bolt" });
    app = new App({ token: "xoxb-bolt", signingSecret: SECRET, logLevel: LogLevel.ERROR, clientOptions: { slackApiUrl: slack.url } });
    app.action("ack", async ({ ack, body, respond }) => {
      await ack();
      seen.push({ kind: "action", body: body as unknown as Record<string, unknown> });
      await respond({ replace_original: false, text: "Acknowledged" });
    });
    app.command("/oncall", async ({ ack, command }) => {
      await ack({ text: `now on call for ${command.text}` });
      seen.push({ kind: "command", body: command as unknown as Record<string, unknown> });
    });
    app.view("silence", async ({ ack, view }) => {
      await ack();
      seen.push({ kind: "view", body: view as unknown as Record<string, unknown> });
    });
    const server = (await app.start({ port: 0, host: "127.0.0.1" })) as Server;
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  });

  afterAll(async () => {
    await app?.stop();
    await slack?.close();
  });

  it("routes a signed button click, slash command and modal submission", async () => {
    const click = buttonClickBody({
      actionId: "ack",
      value: "group-42",
      userId: "U0ADA",
      userName: "ada",
      channelId: "C0ALERTS",
      messageTs: "1700000000.000100",
      teamId: "T0CALPAGE",
      responseUrl: slack.responseUrl("click"),
    });
    const clickRes = await fetch(endpoint, signedSlackRequestInit(SECRET, click));
    expect(clickRes.status).toBe(200);
    const action = await waitFor(() => seen.find((entry) => entry.kind === "action"), { timeoutMs: 5_000, description: "Bolt action handler" });
    expect(action.body).toMatchObject({
      type: "block_actions",
      user: { id: "U0ADA", username: "ada" },
      channel: { id: "C0ALERTS" },
      container: { type: "message", message_ts: "1700000000.000100", channel_id: "C0ALERTS" },
      actions: [{ action_id: "ack", value: "group-42", type: "button" }],
    });
    const responded = await slack.waitFor((call) => call.method === "response_url", 5_000);
    expect(responded.args).toMatchObject({ text: "Acknowledged" });

    const command = slashCommandBody({ text: "db", userId: "U0ADA", channelId: "C0ALERTS" });
    const commandRes = await fetch(endpoint, signedSlackRequestInit(SECRET, command));
    expect(await commandRes.json()).toMatchObject({ text: "now on call for db" });

    const submit = viewSubmissionBody({ callbackId: "silence", userId: "U0ADA", privateMetadata: "group-42", values: { dur: { pick: { type: "static_select", selected_option: { value: "1h" } } } } });
    expect((await fetch(endpoint, signedSlackRequestInit(SECRET, submit))).status).toBe(200);
    const view = await waitFor(() => seen.find((entry) => entry.kind === "view"), { timeoutMs: 5_000 });
    expect(view.body).toMatchObject({ callback_id: "silence", private_metadata: "group-42" });

    const badRes = await fetch(endpoint, signedSlackRequestInit("wrong-secret", click));
    expect(badRes.status).toBe(401);
    expect(slack.unexpected).toEqual([]);
  });
});
