import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Calpage } from "../../src/app/create-calpage.js";
import { postSignedSlack, prepareEnv, startInProcess, weeklyRotaIcs, type Backend, type Env } from "../e2e/harness.js";
import { startFakeSlack, type FakeSlack } from "../support/fake-slack.js";
import { startFakeTwilio, type FakeTwilio } from "../support/fake-twilio.js";
import { getFreePort } from "../support/free-port.js";
import { buttonClickPayload, signSlackRequest, slashCommandBody, viewSubmissionBody, SLACK_TEST_WORKSPACE } from "../support/slack-signing.js";
import { SIGNING_SECRET } from "../e2e/harness.js";

export const SID = "AC00000000000000000000000000000077";
export const AUTH = "twilio-me-auth-token";
export const FROM = "+15550009977";
export const HOOK_TOKEN = "me-webhook-token-0000001";
export const CHANNEL = "C0ALERTS1";

/** A calpage user in the test config: their calpage.yaml phone and ladders. */
export interface TestPerson {
  phone: string | null;
  default: string;
  important?: string;
  /** Their Slack profile's time zone (the fake Slack's default is UTC). */
  tz?: string;
}

export const email = (p: string) => `${p}@example.com`;
export const slackId = (p: string) => `U0${p.toUpperCase().padEnd(6, "X")}`;
export const fullName = (p: string) => `${p[0]!.toUpperCase()}${p.slice(1)} Example`;

/** calpage.yaml: the people, one schedule (`onCall` is on call), two chains per person (normal, important), a webhook integration routing `who` to them. */
export function meConfigYaml(people: Record<string, TestPerson>, opts: { scheduleChannel?: boolean } = {}): string {
  const names = Object.keys(people);
  const users = names
    .map((p) => {
      const person = people[p]!;
      const phone = person.phone ? `\n    phone: "${person.phone}"` : "";
      const important = person.important ? `\n      important: ${person.important}` : "";
      return `  - email: ${email(p)}\n    name: ${fullName(p)}${phone}\n    notification_rules:\n      default: ${person.default}${important}`;
    })
    .join("\n");
  // Each person has a chain paging them normally (`who: <person>`) and one paging them as important (`who: <person>-important`).
  const chains = names
    .map((p) => `  - name: ${p}\n    steps:\n      - notify_users: [${email(p)}]\n  - name: ${p}-important\n    steps:\n      - notify_users: [${email(p)}]\n        important: true`)
    .join("\n");
  const routes = names.map((p) => `      - matchers: ['who="${p}"']\n        chain: ${p}\n      - matchers: ['who="${p}-important"']\n        chain: ${p}-important`).join("\n");
  return `timezone: UTC
users:
${users}
schedules:
  - name: primary
    feed: ./oncall.ics${opts.scheduleChannel ? '\n    channel: "#alerts"\n    announce: false' : ""}
escalation_chains:
${chains}
integrations:
  - name: hooks
    type: webhook
    token: ${HOOK_TOKEN}
    channel: "#alerts"
    routes:
${routes}
`;
}

export interface MeWorld {
  slack: FakeSlack;
  twilio: FakeTwilio | null;
  env: Env;
  app: Calpage;
  url: string;
  /** What calpage logged. */
  logs: string[];
  close(): Promise<void>;
}

/**
 * calpage against a fake Slack (every person plus `strangers` who are not calpage users) and,
 * when `withTwilio`, a fake Twilio; `onCall` is on call in the schedule "primary" (which posts in #alerts when `scheduleChannel`).
 */
export async function startMeWorld(
  backend: Backend,
  people: Record<string, TestPerson>,
  opts: { withTwilio: boolean; onCall: string; strangers?: string[]; scheduleChannel?: boolean },
): Promise<MeWorld> {
  const slackUsers = Object.fromEntries([...Object.keys(people), ...(opts.strangers ?? [])].map((p) => [email(p), { id: slackId(p), name: p, realName: fullName(p), ...(people[p]?.tz ? { tz: people[p].tz } : {}) }]));
  const slack = await startFakeSlack({ users: slackUsers, channels: { alerts: CHANNEL }, token: "xoxb-e2e-test" });
  const twilio = opts.withTwilio ? await startFakeTwilio({ accountSid: SID, authToken: AUTH }) : null;
  const port = await getFreePort();
  const env = await prepareEnv(backend, slack, port);
  env.env.PUBLIC_URL = `http://127.0.0.1:${port}`;
  if (twilio) {
    Object.assign(env.env, { TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: AUTH, TWILIO_FROM_NUMBER: FROM, TWILIO_API_URL: twilio.url.replace(/\/$/, "") });
  }
  writeFileSync(join(env.dir, "oncall.ics"), weeklyRotaIcs(fullName(opts.onCall), new Date()));
  const yaml = meConfigYaml(people, { scheduleChannel: opts.scheduleChannel });
  const path = join(env.dir, "calpage.yaml");
  writeFileSync(path, yaml);
  const { app, url, logs } = await startInProcess(path, env.env, yaml, port);
  const world: MeWorld = {
    slack,
    twilio,
    env,
    app,
    url,
    logs,
    // The app that runs now: a test may restart calpage and put the new one in `app`.
    async close() {
      await world.app.stop();
      await twilio?.close();
      await slack.close();
      await env.cleanup();
    },
  };
  return world;
}

/** Runs `/oncall <text>` as `person` and resolves with the private answer calpage posts. */
export async function oncall(w: MeWorld, person: string, text: string): Promise<string> {
  const mark = w.slack.calls.length;
  const res = await postSignedSlack(w.url, slashCommandBody({ command: "/oncall", text, userId: slackId(person), channelId: CHANNEL }));
  if (res.status !== 200) throw new Error(`/oncall ${text} answered HTTP ${res.status}`);
  const answer = await w.slack.waitFor((c) => c.seq > mark && c.method === "chat.postEphemeral" && c.args.user === slackId(person), 10_000);
  return String(answer.args.text);
}

/** Posts an alert routed to `person`'s chain; resolves with the group number. */
export async function alertFor(w: MeWorld, person: string, uid: string, title: string): Promise<number> {
  const res = await fetch(`${w.url}/integrations/v1/webhook/${HOOK_TOKEN}/`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ title, alert_uid: uid, who: person }),
  });
  if (res.status !== 200) throw new Error(`webhook answered HTTP ${res.status}`);
  return ((await res.json()) as { groups: { number: number }[] }).groups[0]!.number;
}

/** Slack's Events API callback for someone opening calpage's Home tab, signed. */
export async function openHome(w: MeWorld, person: string): Promise<Record<string, unknown>> {
  const mark = w.slack.calls.length;
  const body = JSON.stringify({
    token: SLACK_TEST_WORKSPACE.token,
    team_id: SLACK_TEST_WORKSPACE.teamId,
    api_app_id: SLACK_TEST_WORKSPACE.apiAppId,
    type: "event_callback",
    event_id: `Ev0${Math.random().toString(36).slice(2, 12).toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
    event: { type: "app_home_opened", user: slackId(person), channel: "D0HOME0001", tab: "home", event_ts: (Date.now() / 1000).toFixed(6) },
  });
  const res = await fetch(`${w.url}/slack/events`, { method: "POST", headers: { "content-type": "application/json", ...signSlackRequest(SIGNING_SECRET, body) }, body });
  if (res.status !== 200) throw new Error(`app_home_opened answered HTTP ${res.status}`);
  const published = await w.slack.waitFor((c) => c.seq > mark && c.method === "views.publish" && c.args.user_id === slackId(person), 10_000);
  return published.args.view as Record<string, unknown>;
}

/** A click on a Home tab button (a `block_actions` from a view, not a message); resolves with the modal calpage opens. */
export async function clickHomeButton(w: MeWorld, person: string, actionId: string): Promise<Record<string, unknown>> {
  const mark = w.slack.calls.length;
  const payload = buttonClickPayload({ actionId, userId: slackId(person), channelId: "D0HOME0001", messageTs: "0" });
  delete payload.channel;
  delete payload.message;
  payload.container = { type: "view", view_id: "V0HOMETAB1" };
  payload.view = { id: "V0HOMETAB1", type: "home", blocks: [], private_metadata: "", callback_id: "", state: { values: {} } };
  const res = await postSignedSlack(w.url, new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
  if (res.status !== 200) throw new Error(`button ${actionId} answered HTTP ${res.status}`);
  const opened = await w.slack.waitFor((c) => c.seq > mark && c.method === "views.open", 10_000);
  return opened.args.view as Record<string, unknown>;
}

/** Submits a modal with plain-text inputs (`block_id` -> text); resolves with calpage's answer to Slack (empty = close). */
export async function submitModal(w: MeWorld, person: string, callbackId: string, inputs: Record<string, string>): Promise<Record<string, unknown> | null> {
  const values = Object.fromEntries(Object.entries(inputs).map(([block, value]) => [block, { value: { type: "plain_text_input", value } }]));
  const res = await postSignedSlack(w.url, viewSubmissionBody({ callbackId, userId: slackId(person), values }));
  if (res.status !== 200) throw new Error(`view_submission ${callbackId} answered HTTP ${res.status}`);
  const text = await res.text();
  return text.trim() === "" ? null : (JSON.parse(text) as Record<string, unknown>);
}

/** Every text of a Block Kit structure, joined: what a person would read. */
export function viewText(view: unknown): string {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        if (k === "text" && typeof x === "string") out.push(x);
        else walk(x);
      }
    }
  };
  walk(view);
  return out.join("\n");
}

/** The `initial_value` of a modal input by `block_id`. */
export function initialValue(view: Record<string, unknown>, blockId: string): string | undefined {
  const blocks = view.blocks as { block_id?: string; element?: { initial_value?: string } }[];
  return blocks.find((b) => b.block_id === blockId)?.element?.initial_value;
}

/** The 6-digit code in a verification SMS. */
export function codeIn(body: string): string {
  const m = /calpage verification code: (\d{6})\. It expires in 10 minutes\./.exec(body);
  if (!m) throw new Error(`not a verification SMS: ${JSON.stringify(body)}`);
  return m[1]!;
}

/** A code that is certainly not `code`. */
export const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, "0");
