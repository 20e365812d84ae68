import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCalpage, type Calpage } from "../../src/app/create-calpage.js";
import { parseConfig } from "../../src/config/parse-config.js";
import type { FakeSlack } from "../support/fake-slack.js";
import { startFakeTwilio, type FakeTwilio } from "../support/fake-twilio.js";
import { getFreePort } from "../support/free-port.js";
import { createTestDatabase } from "../support/postgres.js";
import { signSlackRequest } from "../support/slack-signing.js";

export type Backend = "sqlite" | "postgres";
export const BACKENDS: Backend[] = ["sqlite", "postgres"];

export const SIGNING_SECRET = "e2e-signing-secret";
export const BOT_TOKEN = "xoxb-e2e-test";
export const AM_TOKEN = "e2e-alertmanager-token-0001";

export const PEOPLE = {
  alice: { email: "alice@example.com", name: "Alice Example", id: "U0ALICE1" },
  bob: { email: "bob@example.com", name: "Bob Example", id: "U0BOB001" },
  carol: { email: "carol@example.com", name: "Carol Example", id: "U0CAROL1" },
};

export function fakeSlackUsers() {
  return Object.fromEntries(Object.values(PEOPLE).map((p) => [p.email, { id: p.id, name: p.name.split(" ")[0]!.toLowerCase(), realName: p.name }]));
}

/**
 * A Google-Calendar-shaped feed in which `summary` is on call in weekly shifts
 * handing over Mondays 09:00 Europe/Berlin, with the current shift started last week
 * or this week — so whoever it names is on call now.
 */
export function weeklyRotaIcs(summary: string, now: Date): string {
  const start = new Date(now.getTime() - 3 * 86_400_000);
  const pad = (n: number) => String(n).padStart(2, "0");
  const ymd = `${start.getUTCFullYear()}${pad(start.getUTCMonth() + 1)}${pad(start.getUTCDate())}`;
  const end = new Date(start.getTime() + 7 * 86_400_000);
  const ymdEnd = `${end.getUTCFullYear()}${pad(end.getUTCMonth() + 1)}${pad(end.getUTCDate())}`;
  return [
    "BEGIN:VCALENDAR",
    "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
    "VERSION:2.0",
    "CALSCALE:GREGORIAN",
    "X-WR-CALNAME:On-call",
    "X-WR-TIMEZONE:Europe/Berlin",
    "BEGIN:VEVENT",
    `DTSTART;TZID=Europe/Berlin:${ymd}T090000`,
    `DTEND;TZID=Europe/Berlin:${ymdEnd}T090000`,
    "RRULE:FREQ=WEEKLY",
    `DTSTAMP:${ymd}T000000Z`,
    "UID:e2e-rota@google.com",
    `SUMMARY:${summary}`,
    "END:VEVENT",
    "END:VCALENDAR",
    "",
  ].join("\r\n");
}

export interface Env {
  dir: string;
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

/** A temp folder (config, feed, SQLite file) and, for Postgres, a fresh database. */
export async function prepareEnv(backend: Backend, fakeSlack: FakeSlack, port = 8080): Promise<Env> {
  const dir = mkdtempSync(join(tmpdir(), `calpage-e2e-${backend}-`));
  const env: Record<string, string> = {
    CALPAGE_DATA_DIR: join(dir, "data"),
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fakeSlack.url,
    AM_TOKEN,
    PORT: String(port),
  };
  let drop = async () => undefined as void;
  if (backend === "postgres") {
    const db = await createTestDatabase("e2e");
    env.DATABASE_URL = db.url;
    drop = db.drop;
  }
  return {
    dir,
    env,
    async cleanup() {
      await drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Writes calpage.yaml with the three people, one schedule from `ics`, the given chain, and one Alertmanager integration posting to #alerts. */
/** Twilio credentials a test's calpage uses against the fake Twilio. */
export interface TwilioAccount {
  sid: string;
  authToken: string;
  from: string;
}

/**
 * {@link prepareEnv} plus a fake Twilio for `account`, with calpage's PUBLIC_URL on a free
 * loopback port (Twilio callbacks are signed against it) and TWILIO_* pointing at the fake.
 */
export async function prepareEnvWithTwilio(backend: Backend, fakeSlack: FakeSlack, account: TwilioAccount): Promise<{ env: Env; twilio: FakeTwilio; port: number }> {
  const twilio = await startFakeTwilio({ accountSid: account.sid, authToken: account.authToken });
  const port = await getFreePort();
  const env = await prepareEnv(backend, fakeSlack, port);
  Object.assign(env.env, {
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    TWILIO_ACCOUNT_SID: account.sid,
    TWILIO_AUTH_TOKEN: account.authToken,
    TWILIO_FROM_NUMBER: account.from,
    TWILIO_API_URL: twilio.url.replace(/\/$/, ""),
  });
  return { env, twilio, port };
}

/** Writes `yaml` as the env's calpage.yaml; returns its path. */
export function writeConfigText(env: Env, yaml: string): string {
  const path = join(env.dir, "calpage.yaml");
  writeFileSync(path, yaml);
  return path;
}

export function writeConfig(dir: string, opts: { ics: string; chain: string; access?: string }): string {
  writeFileSync(join(dir, "oncall.ics"), opts.ics);
  const users = Object.values(PEOPLE)
    .map((p) => `  - email: ${p.email}\n    name: ${p.name}`)
    .join("\n");
  const yaml = `timezone: Europe/Berlin
users:
${users}
schedules:
  - name: primary
    feed: ./oncall.ics
escalation_chains:
  - name: default
    steps:
${opts.chain}
integrations:
  - name: prod
    type: alertmanager
    token: \${AM_TOKEN}
    chain: default
    channel: "#alerts"
${opts.access ?? ""}`;
  const path = join(dir, "calpage.yaml");
  writeFileSync(path, yaml);
  return path;
}

export async function startInProcess(configPath: string, env: Record<string, string>, yamlText: string, port = 0): Promise<{ app: Calpage; url: string; logs: string[] }> {
  const parsed = parseConfig(yamlText, configPath, env);
  if (!parsed.ok) throw new Error(`bad test config: ${JSON.stringify(parsed.errors)}`);
  const logs: string[] = [];
  const app = await createCalpage(parsed.value, { log: (l) => logs.push(l), sweepEveryMs: 1000 });
  const bound = await app.start(port, "127.0.0.1");
  return { app, url: `http://127.0.0.1:${bound}`, logs };
}

/** Posts a signed Slack interaction (button click) to calpage's /slack/events. */
export async function postSignedSlack(baseUrl: string, body: string): Promise<Response> {
  const headers = signSlackRequest(SIGNING_SECRET, body);
  return fetch(`${baseUrl}/slack/events`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body,
  });
}

/** Action ids of the buttons in a message's blocks. */
export function actionIds(blocks: unknown): string[] {
  const out: string[] = [];
  for (const b of (blocks as { type: string; elements?: { action_id?: string }[] }[]) ?? []) {
    if (b.type === "actions") for (const e of b.elements ?? []) if (e.action_id) out.push(e.action_id);
  }
  return out;
}

export function buttonValue(blocks: unknown, actionId: string): string | null {
  for (const b of (blocks as { type: string; elements?: { action_id?: string; value?: string }[] }[]) ?? []) {
    for (const e of b.elements ?? []) if (e.action_id === actionId) return e.value ?? null;
  }
  return null;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
