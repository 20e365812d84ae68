import { EventEmitter } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { SLACK_TEST_WORKSPACE } from "./slack-signing.js";

/**
 * A local stand-in for the Slack Web API (https://slack.com/api/<method>), for tests and
 * benchmarks. Point calpage's `SLACK_API_URL` at `fake.url`; every call is recorded, answered the
 * way Slack would (ids, `ts`, errors such as `users_not_found`), and anything it does not know is
 * collected in `fake.unexpected` so a test can fail on it.
 */

/** A Slack user the fake knows; looked up by `users.lookupByEmail` / `users.info`. */
export interface FakeSlackUser {
  id: string;
  /** Slack handle (`name`). */
  name: string;
  email?: string;
  realName?: string;
  /** IANA zone, e.g. `Europe/Berlin`. Default `UTC`. */
  tz?: string;
  isBot?: boolean;
  deleted?: boolean;
  /** A multi-channel guest (`is_restricted`). */
  guest?: boolean;
}

/** A user group (`S…`), as `usergroups.*` sees it. */
export interface FakeSlackUsergroup {
  id: string;
  handle: string;
  name?: string;
  users?: string[];
}

/** Per-method rate limit, like Slack's per-channel limit on `chat.postMessage`. */
export interface FakeSlackRateLimit {
  /** At most this many accepted calls per window (per channel, or per method). */
  limit: number;
  /** Sliding window. Default 1000 ms. */
  windowMs?: number;
  /** What the limit is counted per. Default `channel`. */
  per?: "channel" | "method";
  /** `Retry-After` to send. Default: seconds until the window has room again (at least 1). */
  retryAfterSeconds?: number;
}

/** An injected HTTP failure for the next `times` calls of a method. */
export interface FakeSlackFailure {
  status: 429 | 500;
  /** `Retry-After` header for 429. Default 1. */
  retryAfterSeconds?: number;
  /** How many calls fail. `Infinity` makes an outage that lasts until {@link FakeSlack.clearFailures}. */
  times: number;
}

/** Options for {@link startFakeSlack}. */
export interface FakeSlackOptions {
  /** email -> user. The email is the map key; `id` and `name` are required. */
  users?: Record<string, Omit<FakeSlackUser, "email">> | FakeSlackUser[];
  /** Channel name (without `#`) -> id. Other names get a stable made-up `C…` id on first use. */
  channels?: Record<string, string>;
  /** Channel id -> member ids, for `conversations.members`. A channel not listed has every user as member. */
  channelMembers?: Record<string, string[]>;
  usergroups?: FakeSlackUsergroup[];
  /** When set, calls with another token get `invalid_auth`. Calls without a token always get `not_authed`. */
  token?: string;
  team?: { id?: string; name?: string; domain?: string };
  bot?: { userId?: string; botId?: string; name?: string; appId?: string };
  /** Method -> limit. Calls over it get HTTP 429 with `Retry-After` and count as a violation. */
  rateLimits?: Record<string, FakeSlackRateLimit>;
  /** Unknown channel ids / names get `channel_not_found` instead of being accepted. Default false. */
  strictChannels?: boolean;
  /** Port on 127.0.0.1. Default: a random free one. */
  port?: number;
  /**
   * Message ts from this clock (epoch ms), as Slack's are, strictly increasing. Default: a
   * fixed counter from 1700000000.000100 up in steps of 100 µs, so tests can name ts values.
   */
  tsClock?: () => number;
}

/** One request the fake received. */
export interface RecordedCall {
  /** 1, 2, 3… in arrival order. */
  seq: number;
  /** Web API method (`chat.postMessage`), or `response_url` for posts to {@link FakeSlack.responseUrl} URLs. */
  method: string;
  /** Arguments: form fields and query parameters, with JSON-string fields (`blocks`, `attachments`, `view`, `metadata`…) parsed back to values; or the JSON body. */
  args: Record<string, unknown>;
  /** Bearer token from the `Authorization` header, else the `token` argument. */
  token: string | undefined;
  contentType: string;
  /** Arrival time, epoch ms. */
  at: number;
  /** HTTP status answered: 200 (also for `ok:false` answers), or 429/500 for rate limits and injected failures. */
  status: number;
  /** The JSON the fake answered. */
  response: Record<string, unknown>;
  /** For `response_url` calls: the id in the URL. */
  responseUrlId?: string;
}

/** A message as it currently looks in the fake workspace (after any `chat.update`). */
export interface FakeSlackMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  text?: string;
  blocks?: unknown;
  attachments?: unknown;
  metadata?: unknown;
  /** How many `chat.update` calls changed it. */
  updates: number;
  deleted: boolean;
}

/** Custom answer for a method; return `undefined` to fall through to the built-in behaviour. */
export type FakeSlackHandler = (args: Record<string, unknown>, call: { token: string | undefined; method: string }) => Record<string, unknown> | undefined;

/** The user directory of a running fake; change it while tests run. */
export interface FakeSlackUsers {
  add(user: FakeSlackUser): void;
  remove(id: string): void;
  byEmail(email: string): FakeSlackUser | undefined;
  byId(id: string): FakeSlackUser | undefined;
  all(): FakeSlackUser[];
}

/** A running fake Slack Web API. */
export interface FakeSlack {
  /** Base URL for `SLACK_API_URL`, e.g. `http://127.0.0.1:40123/api/`. */
  url: string;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** Every request, in arrival order, including rate-limited and failed ones (see `status`). */
  calls: RecordedCall[];
  /** Calls to unknown methods or paths and unauthenticated calls; a healthy test expects this empty. */
  unexpected: RecordedCall[];
  /** Calls answered 429 because a {@link FakeSlackOptions.rateLimits} rule was exceeded. */
  readonly rateLimitViolations: number;
  users: FakeSlackUsers;
  /** Calls of one method that were answered HTTP 200 (so retries after 429/500 are not double-counted). */
  callsTo(method: string): RecordedCall[];
  /** Resolves with the first HTTP-200 call (already recorded or future) matching `predicate`; rejects after `timeoutMs` (default 5000) listing what arrived. */
  waitFor(predicate: (call: RecordedCall) => boolean, timeoutMs?: number): Promise<RecordedCall>;
  /** Answer the next `times` calls of `method` (or `*` for any) with HTTP `status`. */
  setFailure(method: string, failure: FakeSlackFailure): void;
  /** Drop injected failures not used up yet: those of `method` (or `*`), or all of them when none is given. */
  clearFailures(method?: string): void;
  /** Answer every Web API call `ms` after it arrived (0: at once), like a slow Slack. Calls are recorded when answered. */
  setDelay(ms: number): void;
  /** Set or remove (`undefined`) a rate limit at run time. */
  setRateLimit(method: string, rule: FakeSlackRateLimit | undefined): void;
  /** Override (or observe, by returning undefined) a method, including ones the fake does not implement. */
  handle(method: string, handler: FakeSlackHandler | undefined): void;
  /** Channel id for a name (`#alerts` or `alerts`), creating it if new. */
  channelId(name: string): string;
  /** The IM channel (`D…`) the bot has with a user. */
  imChannelFor(userId: string): string;
  /** Current state of one message, or undefined. */
  message(channel: string, ts: string): FakeSlackMessage | undefined;
  /** Messages in a channel (id or `#name`), oldest first, including thread replies. */
  messagesIn(channel: string): FakeSlackMessage[];
  /** Members of a user group, or undefined when unknown. */
  usergroupUsers(id: string): string[] | undefined;
  /** A URL to use as `response_url` in interaction bodies; posts to it are recorded as method `response_url`. */
  responseUrl(id?: string): string;
  /** Forget recorded calls, unexpected calls and violations (workspace state stays). */
  reset(): void;
  close(): Promise<void>;
}

/** Fields the Slack SDK sends as JSON strings inside form bodies. */
const JSON_FIELDS = new Set(["blocks", "attachments", "view", "metadata", "unfurls", "user_auth_blocks", "user_auth_message", "prefs", "profile"]);

const MAX_BODY_BYTES = 5 * 1024 * 1024;

interface Channel {
  id: string;
  name?: string;
  kind: "channel" | "im" | "mpim";
  user?: string;
  members?: string[];
}

interface StoredView {
  id: string;
  view: Record<string, unknown>;
  userId?: string;
}

class SlackError {
  constructor(readonly error: string, readonly extra: Record<string, unknown> = {}) {}
}

function str(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

function bool(value: unknown): boolean {
  return value === true || value === "true" || value === "1" || value === 1;
}

function required(args: Record<string, unknown>, name: string, error = "invalid_arguments"): string {
  const value = str(args[name]);
  if (value === undefined || value === "") throw new SlackError(error, { response_metadata: { messages: [`[ERROR] missing required field: ${name}`] } });
  return value;
}

/** `U1,U2`, `["U1","U2"]` or an array -> ids. */
function idList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String).filter(Boolean);
  const text = str(value)?.trim() ?? "";
  if (text.startsWith("[")) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return parsed.map(String).filter(Boolean);
    } catch {
      // fall through to comma splitting
    }
  }
  return text.split(",").map((part) => part.trim()).filter(Boolean);
}

function tzOffsetSeconds(tz: string, at = new Date()): number {
  try {
    const name = new Intl.DateTimeFormat("en-US", { timeZone: tz, timeZoneName: "longOffset" })
      .formatToParts(at)
      .find((part) => part.type === "timeZoneName")?.value;
    const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name ?? "");
    if (!match) return 0;
    const seconds = Number(match[2]) * 3600 + Number(match[3]) * 60;
    return match[1] === "-" ? -seconds : seconds;
  } catch {
    return 0;
  }
}

function parseBody(raw: string, contentType: string, query: URLSearchParams): Record<string, unknown> | SlackError {
  const args: Record<string, unknown> = {};
  for (const [key, value] of query) args[key] = value;
  if (raw.length === 0) return args;
  if (contentType.includes("application/json")) {
    try {
      const parsed: unknown = JSON.parse(raw);
      if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return new SlackError("invalid_json");
      return { ...args, ...(parsed as Record<string, unknown>) };
    } catch {
      return new SlackError("invalid_json");
    }
  }
  if (contentType.includes("multipart/form-data")) return new SlackError("invalid_form_data");
  // Slack treats anything else as form-encoded, as the SDK sends it.
  for (const [key, value] of new URLSearchParams(raw)) {
    if (JSON_FIELDS.has(key) && /^\s*[[{]/.test(value)) {
      try {
        args[key] = JSON.parse(value);
        continue;
      } catch {
        return new SlackError(key === "blocks" ? "invalid_blocks_format" : "invalid_arguments");
      }
    }
    args[key] = value;
  }
  return args;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new Error("request body too large");
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * Starts the fake on 127.0.0.1 (random port unless `opts.port`).
 *
 * @example
 * const slack = await startFakeSlack({ users: { "ada@example.com": { id: "U0ADA", name: "ada", tz: "Europe/London" } } });
 * // start calpage with SLACK_API_URL=slack.url
 * const post = await slack.waitFor((c) => c.method === "chat.postMessage", 10_000);
 * expect(slack.unexpected).toEqual([]);
 * await slack.close();
 */
export async function startFakeSlack(opts: FakeSlackOptions = {}): Promise<FakeSlack> {
  // Same workspace as the interaction bodies of slack-signing.ts, so ids line up without options.
  const team = { id: opts.team?.id ?? SLACK_TEST_WORKSPACE.teamId, name: opts.team?.name ?? "Calpage Test", domain: opts.team?.domain ?? SLACK_TEST_WORKSPACE.teamDomain };
  const bot = {
    userId: opts.bot?.userId ?? SLACK_TEST_WORKSPACE.botUserId,
    botId: opts.bot?.botId ?? SLACK_TEST_WORKSPACE.botId,
    name: opts.bot?.name ?? "calpage",
    appId: opts.bot?.appId ?? SLACK_TEST_WORKSPACE.apiAppId,
  };
  const strict = opts.strictChannels ?? false;
  const events = new EventEmitter();
  events.setMaxListeners(0);

  const calls: RecordedCall[] = [];
  const unexpected: RecordedCall[] = [];
  let violations = 0;
  let seq = 0;
  let tsCounter = 0;
  let idCounter = 0;

  const usersById = new Map<string, FakeSlackUser>();
  const addUser = (user: FakeSlackUser) => usersById.set(user.id, { ...user });
  if (Array.isArray(opts.users)) opts.users.forEach(addUser);
  else for (const [email, user] of Object.entries(opts.users ?? {})) addUser({ ...user, email });

  const channelsById = new Map<string, Channel>();
  const channelsByName = new Map<string, Channel>();
  const imByUser = new Map<string, Channel>();
  const mpimByKey = new Map<string, Channel>();
  for (const [name, id] of Object.entries(opts.channels ?? {})) {
    const channel: Channel = { id, name: name.replace(/^#/, ""), kind: "channel" };
    channelsById.set(id, channel);
    channelsByName.set(channel.name ?? id, channel);
  }
  const usergroups = new Map<string, FakeSlackUsergroup & { users: string[]; updatedAt: number }>();
  for (const group of opts.usergroups ?? []) usergroups.set(group.id, { ...group, users: [...(group.users ?? [])], updatedAt: 1_700_000_000 });

  const messages = new Map<string, FakeSlackMessage>();
  const views = new Map<string, StoredView>();
  const failures = new Map<string, FakeSlackFailure[]>();
  const rateLimits = new Map<string, FakeSlackRateLimit>(Object.entries(opts.rateLimits ?? {}));
  const rateWindows = new Map<string, number[]>();
  const handlers = new Map<string, FakeSlackHandler>();
  let delayMs = 0;
  const pendingDelays = new Set<NodeJS.Timeout>();
  const delay = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        pendingDelays.delete(timer);
        resolve();
      }, delayMs);
      pendingDelays.add(timer);
    });

  const nextId = (letter: string) => `${letter}0FAKE${String(++idCounter).padStart(4, "0")}`;
  let lastClockMicros = 0;
  const nextTs = () => {
    if (opts.tsClock) {
      lastClockMicros = Math.max(Math.floor(opts.tsClock() * 1000), lastClockMicros + 1);
      return `${Math.floor(lastClockMicros / 1_000_000)}.${String(lastClockMicros % 1_000_000).padStart(6, "0")}`;
    }
    tsCounter += 1;
    const micros = tsCounter * 100;
    return `${1_700_000_000 + Math.floor(micros / 1_000_000)}.${String(micros % 1_000_000).padStart(6, "0")}`;
  };
  const messageKey = (channel: string, ts: string) => `${channel}/${ts}`;

  const channelByName = (rawName: string): Channel => {
    const name = rawName.replace(/^#/, "").toLowerCase();
    const existing = channelsByName.get(name);
    if (existing) return existing;
    if (strict) throw new SlackError("channel_not_found");
    const channel: Channel = { id: nextId("C"), name, kind: "channel" };
    channelsById.set(channel.id, channel);
    channelsByName.set(name, channel);
    return channel;
  };

  const imFor = (userId: string): Channel => {
    const existing = imByUser.get(userId);
    if (existing) return existing;
    const channel: Channel = { id: nextId("D"), kind: "im", user: userId };
    imByUser.set(userId, channel);
    channelsById.set(channel.id, channel);
    return channel;
  };

  /** Resolves a `channel` argument the way Slack does: ids as they are, `#name`/`name`, user ids to the bot's IM. */
  const resolveChannel = (value: string | undefined): Channel => {
    if (value === undefined || value === "") throw new SlackError("channel_not_found");
    if (value.startsWith("#")) return channelByName(value);
    if (/^[UW][A-Z0-9]{2,}$/.test(value)) return imFor(value);
    if (/^[CGD][A-Z0-9]{2,}$/.test(value)) {
      const known = channelsById.get(value);
      if (known) return known;
      if (strict) throw new SlackError("channel_not_found");
      const channel: Channel = { id: value, name: value.toLowerCase(), kind: value.startsWith("D") ? "im" : "channel" };
      channelsById.set(value, channel);
      if (channel.kind === "channel" && channel.name) channelsByName.set(channel.name, channel);
      return channel;
    }
    return channelByName(value);
  };

  const userJson = (user: FakeSlackUser) => {
    const tz = user.tz ?? "UTC";
    const realName = user.realName ?? user.name;
    return {
      id: user.id,
      team_id: team.id,
      name: user.name,
      deleted: user.deleted ?? false,
      real_name: realName,
      tz,
      tz_label: tz,
      tz_offset: tzOffsetSeconds(tz),
      is_admin: false,
      is_owner: false,
      is_bot: user.isBot ?? false,
      is_restricted: user.guest ?? false,
      is_ultra_restricted: false,
      is_app_user: false,
      updated: 1_700_000_000,
      profile: {
        real_name: realName,
        real_name_normalized: realName,
        display_name: user.name,
        display_name_normalized: user.name,
        ...(user.email ? { email: user.email } : {}),
        team: team.id,
      },
    };
  };

  const usergroupJson = (group: FakeSlackUsergroup & { users: string[]; updatedAt: number }, includeUsers: boolean) => ({
    id: group.id,
    team_id: team.id,
    is_usergroup: true,
    is_subteam: true,
    name: group.name ?? group.handle,
    description: "",
    handle: group.handle,
    is_external: false,
    date_create: 1_700_000_000,
    date_update: group.updatedAt,
    date_delete: 0,
    auto_type: null,
    created_by: "U0ADMIN",
    updated_by: "U0ADMIN",
    deleted_by: null,
    prefs: { channels: [], groups: [] },
    user_count: group.users.length,
    ...(includeUsers ? { users: [...group.users] } : {}),
  });

  const messageJson = (message: FakeSlackMessage) => ({
    type: "message",
    subtype: "bot_message",
    text: message.text ?? "",
    user: bot.userId,
    bot_id: bot.botId,
    app_id: bot.appId,
    team: team.id,
    ts: message.ts,
    ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
    ...(message.blocks !== undefined ? { blocks: message.blocks } : {}),
    ...(message.attachments !== undefined ? { attachments: message.attachments } : {}),
    ...(message.metadata !== undefined ? { metadata: message.metadata } : {}),
    ...(message.updates > 0 ? { edited: { user: bot.userId, ts: message.ts } } : {}),
  });

  const checkMessageContent = (args: Record<string, unknown>, requireContent: boolean) => {
    const { blocks, attachments } = args;
    const text = str(args.text);
    if (blocks !== undefined && !Array.isArray(blocks)) throw new SlackError("invalid_blocks");
    if (Array.isArray(blocks) && blocks.length > 50) throw new SlackError("invalid_blocks");
    if (attachments !== undefined && !Array.isArray(attachments)) throw new SlackError("invalid_attachments");
    if (text !== undefined && text.length > 40_000) throw new SlackError("msg_too_long");
    const hasContent = Boolean(text) || (Array.isArray(blocks) && blocks.length > 0) || (Array.isArray(attachments) && attachments.length > 0);
    if (requireContent && !hasContent) throw new SlackError("no_text");
  };

  const viewJson = (stored: StoredView) => ({
    id: stored.id,
    team_id: team.id,
    app_id: bot.appId,
    bot_id: bot.botId,
    app_installed_team_id: team.id,
    root_view_id: stored.id,
    previous_view_id: null,
    hash: `${Date.now()}.${stored.id}`,
    state: { values: {} },
    private_metadata: "",
    callback_id: "",
    external_id: "",
    clear_on_close: false,
    notify_on_close: false,
    submit: null,
    close: null,
    ...stored.view,
  });

  const openView = (args: Record<string, unknown>, needsTrigger: boolean) => {
    if (needsTrigger) required(args, "trigger_id", "invalid_arguments");
    const view = args.view;
    if (view === null || typeof view !== "object" || Array.isArray(view)) throw new SlackError("invalid_arguments");
    const stored: StoredView = { id: nextId("V"), view: view as Record<string, unknown> };
    views.set(stored.id, stored);
    return { view: viewJson(stored) };
  };

  const builtins: Record<string, (args: Record<string, unknown>) => Record<string, unknown>> = {
    "auth.test": () => ({
      url: `https://${team.domain}.slack.com/`,
      team: team.name,
      user: bot.name,
      team_id: team.id,
      user_id: bot.userId,
      bot_id: bot.botId,
      is_enterprise_install: false,
    }),
    "chat.postMessage": (args) => {
      const channel = resolveChannel(str(args.channel));
      checkMessageContent(args, true);
      const threadTs = str(args.thread_ts);
      const message: FakeSlackMessage = {
        channel: channel.id,
        ts: nextTs(),
        ...(threadTs ? { threadTs } : {}),
        ...(str(args.text) !== undefined ? { text: str(args.text) } : {}),
        ...(args.blocks !== undefined ? { blocks: args.blocks } : {}),
        ...(args.attachments !== undefined ? { attachments: args.attachments } : {}),
        ...(args.metadata !== undefined ? { metadata: args.metadata } : {}),
        updates: 0,
        deleted: false,
      };
      messages.set(messageKey(channel.id, message.ts), message);
      return { channel: channel.id, ts: message.ts, message: messageJson(message) };
    },
    "chat.update": (args) => {
      const channel = resolveChannel(str(args.channel));
      const ts = required(args, "ts", "message_not_found");
      const message = messages.get(messageKey(channel.id, ts));
      if (!message || message.deleted) throw new SlackError("message_not_found");
      checkMessageContent(args, false);
      if (args.text !== undefined) message.text = str(args.text) ?? "";
      if (args.blocks !== undefined) message.blocks = args.blocks;
      if (args.attachments !== undefined) message.attachments = args.attachments;
      if (args.metadata !== undefined) message.metadata = args.metadata;
      message.updates += 1;
      return { channel: channel.id, ts, text: message.text ?? "", message: messageJson(message) };
    },
    "chat.delete": (args) => {
      const channel = resolveChannel(str(args.channel));
      const ts = required(args, "ts", "message_not_found");
      const message = messages.get(messageKey(channel.id, ts));
      if (!message || message.deleted) throw new SlackError("message_not_found");
      message.deleted = true;
      return { channel: channel.id, ts };
    },
    "chat.postEphemeral": (args) => {
      const channel = resolveChannel(str(args.channel));
      required(args, "user", "user_not_in_channel");
      checkMessageContent(args, true);
      return { message_ts: nextTs(), channel: channel.id };
    },
    "chat.getPermalink": (args) => {
      const channel = resolveChannel(str(args.channel));
      const ts = required(args, "message_ts", "message_not_found");
      if (!messages.has(messageKey(channel.id, ts))) throw new SlackError("message_not_found");
      return { channel: channel.id, permalink: `https://${team.domain}.slack.com/archives/${channel.id}/p${ts.replace(".", "")}` };
    },
    "conversations.open": (args) => {
      const channelArg = str(args.channel);
      if (channelArg) {
        const channel = resolveChannel(channelArg);
        return { channel: { id: channel.id } };
      }
      const users = idList(args.users);
      if (users.length === 0) throw new SlackError("users_list_not_supplied");
      if (users.length > 8) throw new SlackError("too_many_users");
      let channel: Channel;
      if (users.length === 1) {
        channel = imFor(users[0] ?? "");
      } else {
        const key = [...users].sort().join(",");
        const existing = mpimByKey.get(key);
        channel = existing ?? { id: nextId("G"), kind: "mpim", members: users };
        if (!existing) {
          mpimByKey.set(key, channel);
          channelsById.set(channel.id, channel);
        }
      }
      const full = bool(args.return_im);
      return {
        channel: full && channel.kind === "im" ? { id: channel.id, created: 1_700_000_000, is_im: true, is_org_shared: false, user: channel.user, is_user_deleted: false, priority: 0 } : { id: channel.id },
        ...(full ? { already_open: false, no_op: false } : {}),
      };
    },
    // Like Slack: an id only (a name is channel_not_found), top-level messages newest first,
    // metadata only with include_all_metadata, `oldest`/`inclusive`, `limit` and a cursor.
    "conversations.history": (args) => {
      const id = required(args, "channel", "channel_not_found");
      const channel = channelsById.get(id);
      if (!channel || !/^[CGD][A-Z0-9]{2,}$/.test(id)) throw new SlackError("channel_not_found");
      const oldest = Number(str(args.oldest) ?? "0");
      const inclusive = bool(args.inclusive);
      const withMetadata = bool(args.include_all_metadata);
      const limit = Math.min(Math.max(Number(str(args.limit) ?? "100") || 100, 1), 999);
      const offset = Number(str(args.cursor) ?? "0") || 0;
      const all = [...messages.values()]
        .filter((m) => m.channel === channel.id && !m.deleted && (!m.threadTs || m.threadTs === m.ts))
        .filter((m) => (inclusive ? Number(m.ts) >= oldest : Number(m.ts) > oldest))
        .sort((a, b) => Number(b.ts) - Number(a.ts));
      const page = all.slice(offset, offset + limit).map((m) => {
        const json = messageJson(m);
        if (!withMetadata) delete (json as { metadata?: unknown }).metadata;
        return json;
      });
      const more = offset + limit < all.length;
      return { messages: page, has_more: more, pin_count: 0, response_metadata: { next_cursor: more ? String(offset + limit) : "" } };
    },
    // Channels (not IMs), by cursor; `types` is accepted but every named channel is listed.
    "conversations.list": (args) => {
      const limit = Math.min(Math.max(Number(str(args.limit) ?? "100") || 100, 1), 1000);
      const offset = Number(str(args.cursor) ?? "0") || 0;
      const all = [...channelsById.values()].filter((c) => c.kind === "channel" && c.name);
      const page = all.slice(offset, offset + limit).map((c) => ({ id: c.id, name: c.name, is_channel: true, is_private: false, is_archived: false }));
      const more = offset + limit < all.length;
      return { channels: page, response_metadata: { next_cursor: more ? String(offset + limit) : "" } };
    },
    "conversations.members": (args) => {
      const id = required(args, "channel", "channel_not_found");
      const channel = channelsById.get(id);
      if (!channel || channel.kind === "im") throw new SlackError("channel_not_found");
      const members = opts.channelMembers?.[id] ?? [...usersById.values()].filter((u) => !u.deleted).map((u) => u.id);
      return { members, response_metadata: { next_cursor: "" } };
    },
    "conversations.info": (args) => {
      const id = required(args, "channel", "channel_not_found");
      const channel = /^[CGD][A-Z0-9]{2,}$/.test(id) ? channelsById.get(id) : channelsByName.get(id.replace(/^#/, "").toLowerCase());
      if (!channel) throw new SlackError("channel_not_found");
      if (channel.kind === "im") {
        return { channel: { id: channel.id, created: 1_700_000_000, is_im: true, is_org_shared: false, user: channel.user, is_user_deleted: false, priority: 0 } };
      }
      return {
        channel: {
          id: channel.id,
          name: channel.name ?? channel.id.toLowerCase(),
          name_normalized: channel.name ?? channel.id.toLowerCase(),
          is_channel: channel.kind === "channel",
          is_group: false,
          is_im: false,
          is_mpim: channel.kind === "mpim",
          is_private: channel.kind === "mpim",
          is_archived: false,
          is_general: false,
          is_shared: false,
          is_org_shared: false,
          is_member: true,
          created: 1_700_000_000,
          creator: "U0ADMIN",
          topic: { value: "", creator: "", last_set: 0 },
          purpose: { value: "", creator: "", last_set: 0 },
        },
      };
    },
    "users.lookupByEmail": (args) => {
      const email = required(args, "email", "users_not_found").toLowerCase();
      const user = [...usersById.values()].find((candidate) => candidate.email?.toLowerCase() === email);
      if (!user || user.deleted) throw new SlackError("users_not_found");
      return { user: userJson(user) };
    },
    "users.info": (args) => {
      const user = usersById.get(required(args, "user", "user_not_found"));
      if (!user) throw new SlackError("user_not_found");
      return { user: userJson(user) };
    },
    "views.open": (args) => openView(args, true),
    "views.push": (args) => openView(args, true),
    "views.update": (args) => {
      const viewId = str(args.view_id);
      const externalId = str(args.external_id);
      const stored = viewId
        ? views.get(viewId)
        : [...views.values()].find((candidate) => externalId !== undefined && candidate.view.external_id === externalId);
      if (!stored) throw new SlackError("not_found");
      const view = args.view;
      if (view === null || typeof view !== "object" || Array.isArray(view)) throw new SlackError("invalid_arguments");
      stored.view = view as Record<string, unknown>;
      return { view: viewJson(stored) };
    },
    "views.publish": (args) => {
      const userId = required(args, "user_id", "invalid_arguments");
      const view = args.view;
      if (view === null || typeof view !== "object" || Array.isArray(view)) throw new SlackError("invalid_arguments");
      if ((view as Record<string, unknown>).type !== "home") throw new SlackError("invalid_arguments");
      const existing = [...views.values()].find((candidate) => candidate.userId === userId);
      const stored: StoredView = existing ?? { id: nextId("V"), view: {}, userId };
      stored.view = view as Record<string, unknown>;
      views.set(stored.id, stored);
      return { view: viewJson(stored) };
    },
    "usergroups.list": (args) => ({
      usergroups: [...usergroups.values()].map((group) => usergroupJson(group, bool(args.include_users))),
    }),
    "usergroups.users.list": (args) => {
      const group = usergroups.get(required(args, "usergroup", "no_such_subteam"));
      if (!group) throw new SlackError("no_such_subteam");
      return { users: [...group.users] };
    },
    "usergroups.users.update": (args) => {
      const group = usergroups.get(required(args, "usergroup", "no_such_subteam"));
      if (!group) throw new SlackError("no_such_subteam");
      const users = idList(args.users);
      // Slack does not let this method empty a group.
      if (users.length === 0) throw new SlackError("invalid_users");
      group.users = [...new Set(users)];
      group.updatedAt += 1;
      return { usergroup: usergroupJson(group, true) };
    },
  };

  const record = (call: Omit<RecordedCall, "seq">, isUnexpected: boolean): RecordedCall => {
    const recorded: RecordedCall = { seq: ++seq, ...call };
    calls.push(recorded);
    if (isUnexpected) unexpected.push(recorded);
    events.emit("call", recorded);
    return recorded;
  };

  const send = (res: ServerResponse, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), ...headers });
    res.end(text);
  };

  /** Checks the sliding window of a rate-limited method; returns seconds to wait when over the limit. */
  const overRateLimit = (method: string, args: Record<string, unknown>, now: number): number | undefined => {
    const rule = rateLimits.get(method);
    if (!rule) return undefined;
    let key = method;
    if ((rule.per ?? "channel") === "channel") {
      let channel = str(args.channel) ?? "";
      try {
        channel = resolveChannel(channel).id;
      } catch {
        // the method itself will answer channel_not_found
      }
      key = `${method}|${channel}`;
    }
    const windowMs = rule.windowMs ?? 1000;
    const stamps = (rateWindows.get(key) ?? []).filter((stamp) => stamp > now - windowMs);
    rateWindows.set(key, stamps);
    if (stamps.length >= rule.limit) {
      const oldest = stamps[0] ?? now;
      return rule.retryAfterSeconds ?? Math.max(1, Math.ceil((oldest + windowMs - now) / 1000));
    }
    stamps.push(now);
    return undefined;
  };

  const handleApi = (method: string, args: Record<string, unknown>, token: string | undefined, contentType: string, res: ServerResponse) => {
    const at = Date.now();
    const base = { method, args, token, contentType, at };
    const queue = failures.get(method) ?? failures.get("*");
    const failure = queue?.[0];
    if (queue && failure) {
      failure.times -= 1;
      if (failure.times <= 0) queue.shift();
      const response = failure.status === 429 ? { ok: false, error: "ratelimited" } : { ok: false, error: "internal_error" };
      const headers: Record<string, string> = failure.status === 429 ? { "retry-after": String(failure.retryAfterSeconds ?? 1) } : {};
      record({ ...base, status: failure.status, response }, false);
      send(res, failure.status, response, headers);
      return;
    }
    // Slack's OpenID Connect token exchange authenticates with the app's client id and secret, not a token.
    if (!token && method !== "openid.connect.token") {
      const response = { ok: false, error: "not_authed" };
      record({ ...base, status: 200, response }, true);
      send(res, 200, response);
      return;
    }
    if (token && opts.token !== undefined && token !== opts.token) {
      const response = { ok: false, error: "invalid_auth" };
      record({ ...base, status: 200, response }, true);
      send(res, 200, response);
      return;
    }
    const retryAfter = overRateLimit(method, args, at);
    if (retryAfter !== undefined) {
      violations += 1;
      const response = { ok: false, error: "ratelimited" };
      record({ ...base, status: 429, response }, false);
      send(res, 429, response, { "retry-after": String(retryAfter) });
      return;
    }
    let response: Record<string, unknown>;
    let isUnexpected = false;
    try {
      const custom = handlers.get(method)?.(args, { token, method });
      if (custom !== undefined) {
        response = custom;
      } else {
        const builtin = builtins[method];
        if (builtin) {
          response = { ok: true, ...builtin(args) };
        } else {
          isUnexpected = true;
          response = { ok: false, error: "unknown_method", req_method: method };
        }
      }
    } catch (error) {
      if (!(error instanceof SlackError)) throw error;
      response = { ok: false, error: error.error, ...error.extra };
    }
    record({ ...base, status: 200, response }, isUnexpected);
    send(res, 200, response);
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const contentType = String(req.headers["content-type"] ?? "");
      const raw = await readBody(req);
      const parsed = parseBody(raw, contentType, url.searchParams);
      const auth = /^Bearer\s+(.+)$/i.exec(String(req.headers.authorization ?? ""));
      const responseMatch = /^\/response\/([^/]+)\/?$/.exec(url.pathname);
      if (responseMatch && req.method === "POST") {
        const args = parsed instanceof SlackError ? { raw } : parsed;
        const response = { ok: true };
        record({ method: "response_url", args, token: auth?.[1], contentType, at: Date.now(), status: 200, response, responseUrlId: decodeURIComponent(responseMatch[1] ?? "") }, false);
        send(res, 200, response);
        return;
      }
      const apiMatch = /^\/api\/([A-Za-z0-9_.]+)$/.exec(url.pathname);
      if (!apiMatch) {
        const response = { ok: false, error: "unknown_method", req_method: url.pathname };
        record({ method: `${req.method ?? "?"} ${url.pathname}`, args: parsed instanceof SlackError ? { raw } : parsed, token: auth?.[1], contentType, at: Date.now(), status: 404, response }, true);
        send(res, 404, response);
        return;
      }
      const method = apiMatch[1] ?? "";
      if (delayMs > 0) await delay();
      if (res.destroyed) return;
      if (parsed instanceof SlackError) {
        const response = { ok: false, error: parsed.error };
        record({ method, args: { raw }, token: auth?.[1], contentType, at: Date.now(), status: 200, response }, true);
        send(res, 200, response);
        return;
      }
      const token = auth?.[1] ?? str(parsed.token);
      handleApi(method, parsed, token, contentType, res);
    })().catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { ok: false, error: "fake_slack_crashed", detail: String(error) });
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  let responseUrlCounter = 0;

  const delivered = (call: RecordedCall) => call.status === 200;
  const describeCall = (call: RecordedCall) => {
    const channel = str(call.args.channel);
    return `#${call.seq} ${call.method}${channel ? ` channel=${channel}` : ""} -> ${call.status} ${String(call.response.ok)}${call.response.error ? ` ${String(call.response.error)}` : ""}`;
  };

  const fake: FakeSlack = {
    url: `${origin}/api/`,
    origin,
    calls,
    unexpected,
    get rateLimitViolations() {
      return violations;
    },
    users: {
      add: addUser,
      remove: (id) => void usersById.delete(id),
      byEmail: (email) => [...usersById.values()].find((user) => user.email?.toLowerCase() === email.toLowerCase()),
      byId: (id) => usersById.get(id),
      all: () => [...usersById.values()],
    },
    callsTo: (method) => calls.filter((call) => call.method === method && delivered(call)),
    waitFor: (predicate, timeoutMs = 5_000) =>
      new Promise<RecordedCall>((resolve, reject) => {
        const matches = (call: RecordedCall) => {
          try {
            return delivered(call) && predicate(call);
          } catch {
            return false;
          }
        };
        const found = calls.find(matches);
        if (found) {
          resolve(found);
          return;
        }
        const onCall = (call: RecordedCall) => {
          if (!matches(call)) return;
          clearTimeout(timer);
          events.off("call", onCall);
          resolve(call);
        };
        const timer = setTimeout(() => {
          events.off("call", onCall);
          const seen = calls.length === 0 ? "none" : calls.slice(-20).map(describeCall).join("\n  ");
          reject(new Error(`fake Slack: no matching call within ${timeoutMs} ms; last calls:\n  ${seen}`));
        }, timeoutMs);
        events.on("call", onCall);
      }),
    setFailure: (method, failure) => {
      if (failure.times <= 0) return;
      const queue = failures.get(method) ?? [];
      queue.push({ ...failure });
      failures.set(method, queue);
    },
    clearFailures: (method) => {
      if (method === undefined) failures.clear();
      else failures.delete(method);
    },
    setDelay: (ms) => {
      delayMs = Math.max(0, ms);
    },
    setRateLimit: (method, rule) => {
      if (rule) rateLimits.set(method, rule);
      else rateLimits.delete(method);
    },
    handle: (method, handler) => {
      if (handler) handlers.set(method, handler);
      else handlers.delete(method);
    },
    channelId: (name) => channelByName(name).id,
    imChannelFor: (userId) => imFor(userId).id,
    message: (channel, ts) => {
      const id = channel.startsWith("#") ? channelsByName.get(channel.slice(1).toLowerCase())?.id : channel;
      return id === undefined ? undefined : messages.get(messageKey(id, ts));
    },
    messagesIn: (channel) => {
      const id = channel.startsWith("#") ? channelsByName.get(channel.slice(1).toLowerCase())?.id : channel;
      return [...messages.values()].filter((message) => message.channel === id);
    },
    usergroupUsers: (id) => {
      const group = usergroups.get(id);
      return group ? [...group.users] : undefined;
    },
    responseUrl: (id) => `${origin}/response/${encodeURIComponent(id ?? `r${++responseUrlCounter}`)}`,
    reset: () => {
      calls.length = 0;
      unexpected.length = 0;
      violations = 0;
      rateWindows.clear();
    },
    close: async () => {
      events.removeAllListeners();
      for (const timer of pendingDelays) clearTimeout(timer);
      pendingDelays.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  return fake;
}
