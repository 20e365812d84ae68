import { createHmac, randomBytes } from "node:crypto";

/**
 * Builders for what Slack sends to calpage's `/slack/events`: the signing headers
 * (https://api.slack.com/authentication/verifying-requests-from-slack) and the exact form bodies
 * of button clicks, slash commands and modal submissions.
 */

/** Headers Slack adds to every request it sends to an app. */
export interface SlackSignatureHeaders {
  "x-slack-signature": string;
  "x-slack-request-timestamp": string;
}

/**
 * Signs `body` as Slack does: `v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<body>` keyed with the
 * signing secret. `timestampSeconds` defaults to now (Bolt rejects timestamps older than 5 minutes).
 */
export function signSlackRequest(signingSecret: string, body: string, timestampSeconds: number = Math.floor(Date.now() / 1000)): SlackSignatureHeaders {
  const timestamp = String(Math.floor(timestampSeconds));
  const signature = createHmac("sha256", signingSecret).update(`v0:${timestamp}:${body}`).digest("hex");
  return { "x-slack-signature": `v0=${signature}`, "x-slack-request-timestamp": timestamp };
}

/**
 * A `fetch` init for posting a signed Slack request: method, content type, signature headers, body.
 *
 * @example
 * const body = buttonClickBody({ actionId: "ack", value: groupId, userId: "U0ADA", channelId, messageTs });
 * const res = await fetch(`${calpageUrl}/slack/events`, signedSlackRequestInit(secret, body));
 */
export function signedSlackRequestInit(
  signingSecret: string,
  body: string,
  options: { timestampSeconds?: number; contentType?: string } = {},
): { method: "POST"; headers: Record<string, string>; body: string } {
  return {
    method: "POST",
    headers: {
      "content-type": options.contentType ?? "application/x-www-form-urlencoded",
      ...signSlackRequest(signingSecret, body, options.timestampSeconds),
    },
    body,
  };
}

/** Defaults shared by the body builders; they match the fake Slack server's workspace. */
export const SLACK_TEST_WORKSPACE = {
  teamId: "T0CALPAGE",
  teamDomain: "calpage-test",
  apiAppId: "A0CALPAGE",
  botId: "B0CALPAGE",
  botUserId: "U0CALPAGEBOT",
  /** The deprecated verification token Slack still puts into payloads. */
  token: "verification-token-for-tests",
} as const;

function triggerId(): string {
  return `${Date.now()}.${Math.floor(Math.random() * 1e12)}.${randomBytes(16).toString("hex")}`;
}

/** Slack's `action_ts` / `trigger` style timestamp: seconds with six decimals. */
function slackNowTs(): string {
  return (Date.now() / 1000).toFixed(6);
}

/** Input for {@link buttonClickBody}. */
export interface ButtonClickInput {
  actionId: string;
  value?: string;
  userId: string;
  /** Slack handle; default derived from the user id. */
  userName?: string;
  channelId: string;
  channelName?: string;
  /** `ts` of the message that holds the button. */
  messageTs: string;
  teamId?: string;
  teamDomain?: string;
  responseUrl?: string;
  triggerId?: string;
  blockId?: string;
  /** Button label. Default: the action id. */
  buttonText?: string;
  /** The clicked message as Slack echoes it back (text, blocks…); merged over a minimal bot message. */
  message?: Record<string, unknown>;
  apiAppId?: string;
  token?: string;
  /** Default: now. */
  actionTs?: string;
}

/** The JSON inside a `block_actions` body, for tests that want to look at or tweak it. */
export function buttonClickPayload(input: ButtonClickInput): Record<string, unknown> {
  const teamId = input.teamId ?? SLACK_TEST_WORKSPACE.teamId;
  const teamDomain = input.teamDomain ?? SLACK_TEST_WORKSPACE.teamDomain;
  const userName = input.userName ?? input.userId.toLowerCase();
  const blockId = input.blockId ?? "actions";
  return {
    type: "block_actions",
    user: { id: input.userId, username: userName, name: userName, team_id: teamId },
    api_app_id: input.apiAppId ?? SLACK_TEST_WORKSPACE.apiAppId,
    token: input.token ?? SLACK_TEST_WORKSPACE.token,
    container: { type: "message", message_ts: input.messageTs, channel_id: input.channelId, is_ephemeral: false },
    trigger_id: input.triggerId ?? triggerId(),
    team: { id: teamId, domain: teamDomain },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: input.channelId, name: input.channelName ?? input.channelId.toLowerCase() },
    message: {
      type: "message",
      subtype: "bot_message",
      text: "",
      ts: input.messageTs,
      bot_id: SLACK_TEST_WORKSPACE.botId,
      user: SLACK_TEST_WORKSPACE.botUserId,
      app_id: input.apiAppId ?? SLACK_TEST_WORKSPACE.apiAppId,
      team: teamId,
      blocks: [],
      ...input.message,
    },
    state: { values: {} },
    response_url: input.responseUrl ?? `https://hooks.slack.com/actions/${teamId}/1/${randomBytes(12).toString("hex")}`,
    actions: [
      {
        action_id: input.actionId,
        block_id: blockId,
        text: { type: "plain_text", text: input.buttonText ?? input.actionId, emoji: true },
        ...(input.value !== undefined ? { value: input.value } : {}),
        type: "button",
        action_ts: input.actionTs ?? slackNowTs(),
      },
    ],
  };
}

/**
 * The form body Slack posts when someone clicks a Block Kit button: `payload=<urlencoded JSON>`
 * of type `block_actions`. Sign it with {@link signSlackRequest}.
 */
export function buttonClickBody(input: ButtonClickInput): string {
  return new URLSearchParams({ payload: JSON.stringify(buttonClickPayload(input)) }).toString();
}

/** Input for {@link slashCommandBody}. */
export interface SlashCommandInput {
  /** Default `/oncall`. */
  command?: string;
  text?: string;
  userId: string;
  userName?: string;
  channelId: string;
  channelName?: string;
  teamId?: string;
  teamDomain?: string;
  responseUrl?: string;
  triggerId?: string;
  apiAppId?: string;
  token?: string;
}

/** The form body Slack posts for a slash command (same fields and order as Slack). */
export function slashCommandBody(input: SlashCommandInput): string {
  const teamId = input.teamId ?? SLACK_TEST_WORKSPACE.teamId;
  return new URLSearchParams({
    token: input.token ?? SLACK_TEST_WORKSPACE.token,
    team_id: teamId,
    team_domain: input.teamDomain ?? SLACK_TEST_WORKSPACE.teamDomain,
    channel_id: input.channelId,
    channel_name: input.channelName ?? (input.channelId.startsWith("D") ? "directmessage" : input.channelId.toLowerCase()),
    user_id: input.userId,
    user_name: input.userName ?? input.userId.toLowerCase(),
    command: input.command ?? "/oncall",
    text: input.text ?? "",
    api_app_id: input.apiAppId ?? SLACK_TEST_WORKSPACE.apiAppId,
    is_enterprise_install: "false",
    response_url: input.responseUrl ?? `https://hooks.slack.com/commands/${teamId}/1/${randomBytes(12).toString("hex")}`,
    trigger_id: input.triggerId ?? triggerId(),
  }).toString();
}

/** Input for {@link viewSubmissionBody}. */
export interface ViewSubmissionInput {
  callbackId: string;
  userId: string;
  userName?: string;
  /** `state.values`: block_id -> action_id -> value object, e.g. `{ dur: { pick: { type: "static_select", selected_option: { value: "1h" } } } }`. */
  values?: Record<string, Record<string, unknown>>;
  privateMetadata?: string;
  viewId?: string;
  /** The submitted view's blocks/title etc., merged over a minimal modal. */
  view?: Record<string, unknown>;
  teamId?: string;
  teamDomain?: string;
  triggerId?: string;
  apiAppId?: string;
  token?: string;
}

/** The form body Slack posts when a modal is submitted (`view_submission`). */
export function viewSubmissionBody(input: ViewSubmissionInput): string {
  const teamId = input.teamId ?? SLACK_TEST_WORKSPACE.teamId;
  const userName = input.userName ?? input.userId.toLowerCase();
  const viewId = input.viewId ?? `V0${randomBytes(5).toString("hex").toUpperCase()}`;
  const payload = {
    type: "view_submission",
    team: { id: teamId, domain: input.teamDomain ?? SLACK_TEST_WORKSPACE.teamDomain },
    user: { id: input.userId, username: userName, name: userName, team_id: teamId },
    api_app_id: input.apiAppId ?? SLACK_TEST_WORKSPACE.apiAppId,
    token: input.token ?? SLACK_TEST_WORKSPACE.token,
    trigger_id: input.triggerId ?? triggerId(),
    view: {
      id: viewId,
      team_id: teamId,
      type: "modal",
      blocks: [],
      private_metadata: input.privateMetadata ?? "",
      callback_id: input.callbackId,
      hash: `${Math.floor(Date.now() / 1000)}.${randomBytes(4).toString("hex")}`,
      title: { type: "plain_text", text: "calpage", emoji: true },
      clear_on_close: false,
      notify_on_close: false,
      close: null,
      submit: { type: "plain_text", text: "Submit", emoji: true },
      previous_view_id: null,
      root_view_id: viewId,
      app_id: input.apiAppId ?? SLACK_TEST_WORKSPACE.apiAppId,
      external_id: "",
      app_installed_team_id: teamId,
      bot_id: SLACK_TEST_WORKSPACE.botId,
      ...input.view,
      state: { values: input.values ?? {} },
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
