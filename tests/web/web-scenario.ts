import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DateTime } from "luxon";
import type { Browser } from "playwright-core";
import type { Calpage } from "../../src/app/create-calpage.js";
import { createStore } from "../../src/app/create-store.js";
import { parseConfig } from "../../src/config/parse-config.js";
import { WEB_SIGNING_SECRET_NAME } from "../../src/web/web-service.js";
import { signWebToken } from "../../src/web/web-token.js";
import { startFakeSlack, type FakeSlack } from "../support/fake-slack.js";
import { getFreePort } from "../support/free-port.js";
import { buttonClickBody, slashCommandBody } from "../support/slack-signing.js";
import { AM_TOKEN, PEOPLE, buttonValue, postSignedSlack, prepareEnv, startInProcess, type Backend, type Env } from "../e2e/harness.js";

/** Debian's chromium (CI installs the package); the browser tests and `npm run screenshots` skip, saying so, without it. */
export const CHROMIUM = "/usr/bin/chromium";
export const chromiumMissing = existsSync(CHROMIUM) ? null : `${CHROMIUM} is missing (apt-get install -y chromium)`;

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import("playwright-core");
  return chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
}

const CHANNEL_ID = "C0ALERTS1";
/** Whose Slack profile says which zone: Alice is in New York, Bob in Berlin, Carol says nothing (UTC). */
const ZONES: Record<string, string | undefined> = { [PEOPLE.alice.email]: "America/New_York", [PEOPLE.bob.email]: "Europe/Berlin" };

/** This week's Monday 00:00 in Berlin as an ICS local date-time prefix `YYYYMMDD`, shifted by `days`. */
function berlinDay(monday: DateTime, days: number): string {
  return monday.plus({ days }).toFormat("yyyyLLdd");
}

/**
 * A weekly rota in Europe/Berlin: Alice Monday 09:00 → Wednesday 09:00, nobody until Wednesday
 * 15:00 (a gap), Bob Wednesday 15:00 → next Monday 09:00; and an overrides feed that puts Carol
 * on call Fridays 18:00–22:00. The same every week, so whatever week the test runs in shows it.
 */
export function scenarioCalendars(now: Date): { primary: string; overrides: string } {
  const monday = DateTime.fromJSDate(now, { zone: "Europe/Berlin" }).startOf("week").minus({ weeks: 2 });
  const event = (uid: string, summary: string, start: string, end: string) => [
    "BEGIN:VEVENT",
    `UID:${uid}`,
    `DTSTAMP:${berlinDay(monday, 0)}T000000Z`,
    `DTSTART;TZID=Europe/Berlin:${start}`,
    `DTEND;TZID=Europe/Berlin:${end}`,
    "RRULE:FREQ=WEEKLY",
    `SUMMARY:${summary}`,
    "END:VEVENT",
  ];
  const cal = (lines: string[]) => ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//calpage tests//EN", "X-WR-TIMEZONE:Europe/Berlin", ...lines, "END:VCALENDAR", ""].join("\r\n");
  return {
    primary: cal([
      ...event("rota-alice@test", "Alice Example", `${berlinDay(monday, 0)}T090000`, `${berlinDay(monday, 2)}T090000`),
      ...event("rota-bob@test", "Bob Example", `${berlinDay(monday, 2)}T150000`, `${berlinDay(monday, 7)}T090000`),
    ]),
    overrides: cal([...event("override-carol@test", "Carol Example", `${berlinDay(monday, 4)}T180000`, `${berlinDay(monday, 4)}T220000`)]),
  };
}

export interface WebScenario {
  url: string;
  app: Calpage;
  slack: FakeSlack;
  env: Env;
  yaml: string;
  configPath: string;
  /** The number of the alert group the scenario opened (and Alice acknowledged). */
  groupNumber: number;
  /** The link `/oncall web` answers `userId` with (from the ephemeral message). */
  linkFor(userId: string): Promise<string>;
  /** A token for `userId` signed with this calpage's key but expiring at `expiresAt`. */
  tokenExpiringAt(userId: string, email: string, expiresAt: number): Promise<string>;
  stop(): Promise<void>;
}

/** A hostile alert: markup in the title, a label and the summary must show as text. */
export const HOSTILE_SUMMARY = `<img src=x onerror="document.title='pwned'"> Disk almost full`;

/**
 * calpage in-process with the fake Slack: the rota above, one Alertmanager integration posting to
 * #alerts (Alice and Bob are members, Carol is not), an alert group that paged Alice by Slack DM and
 * that she acknowledged — everything the web view's pages show.
 */
export async function startWebScenario(backend: Backend, extraEnv: Record<string, string> = {}): Promise<WebScenario> {
  const users = Object.fromEntries(Object.values(PEOPLE).map((p) => [p.email, { id: p.id, name: p.name.split(" ")[0]!.toLowerCase(), realName: p.name, tz: ZONES[p.email] }]));
  const slack = await startFakeSlack({ users, channels: { alerts: CHANNEL_ID }, channelMembers: { [CHANNEL_ID]: [PEOPLE.alice.id, PEOPLE.bob.id] }, token: "xoxb-e2e-test" });
  const port = await getFreePort();
  const env = await prepareEnv(backend, slack, port);
  env.env.PUBLIC_URL = `http://127.0.0.1:${port}`;
  Object.assign(env.env, extraEnv);
  const cals = scenarioCalendars(new Date());
  writeFileSync(join(env.dir, "oncall.ics"), cals.primary);
  writeFileSync(join(env.dir, "overrides.ics"), cals.overrides);
  const yaml = `timezone: Europe/Berlin
users:
${Object.values(PEOPLE)
  .map((p) => `  - email: ${p.email}\n    name: ${p.name}`)
  .join("\n")}
schedules:
  - name: primary
    feed: ./oncall.ics
    overrides_feed: ./overrides.ics
escalation_chains:
  - name: default
    steps:
      - notify_users: [alice@example.com]
integrations:
  - name: prod
    type: alertmanager
    token: \${AM_TOKEN}
    chain: default
    channel: "#alerts"
`;
  const configPath = join(env.dir, "calpage.yaml");
  writeFileSync(configPath, yaml);
  const { app, url } = await startInProcess(configPath, env.env, yaml, port);

  const payload = JSON.parse(readFileSync(join(import.meta.dirname, "../fixtures/payloads/alertmanager-firing.json"), "utf8")) as { alerts: { annotations: Record<string, string> }[]; commonAnnotations?: Record<string, string> };
  for (const a of payload.alerts) a.annotations.summary = HOSTILE_SUMMARY;
  if (payload.commonAnnotations) payload.commonAnnotations.summary = HOSTILE_SUMMARY;
  const posted = await fetch(`${url}/integrations/v1/alertmanager/${AM_TOKEN}/`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(payload) });
  if (!posted.ok) throw new Error(`the alert was not accepted: ${posted.status} ${await posted.text()}`);
  const root = await slack.waitFor((c) => c.method === "chat.postMessage" && c.args.channel === "#alerts" && !c.args.thread_ts, 15_000);
  // Alice's page (a Slack DM) went out before she acknowledges.
  await slack.waitFor((c) => c.method === "chat.postMessage" && (c.args.channel === PEOPLE.alice.id || String(c.args.channel).startsWith("D")), 15_000);
  const groupId = buttonValue(root.args.blocks, "alert_ack");
  const ts = String((root.response as { ts: string }).ts);
  const click = await postSignedSlack(url, buttonClickBody({ actionId: "alert_ack", value: groupId!, userId: PEOPLE.alice.id, channelId: CHANNEL_ID, messageTs: ts }));
  if (!click.ok) throw new Error(`the acknowledge was not accepted: ${click.status}`);
  await slack.waitFor((c) => c.method === "chat.update" && JSON.stringify(c.args.blocks ?? "").includes("Acknowledged"), 15_000);
  const groupNumber = Number(/#(\d+)/.exec(String(root.args.text))?.[1]);

  return {
    url,
    app,
    slack,
    env,
    yaml,
    configPath,
    groupNumber,
    async linkFor(userId) {
      const before = slack.callsTo("chat.postEphemeral").length;
      const r = await postSignedSlack(url, slashCommandBody({ text: "web", userId, channelId: CHANNEL_ID }));
      if (!r.ok) throw new Error(`/oncall web was not accepted: ${r.status}`);
      const answer = await slack.waitFor((c) => c.method === "chat.postEphemeral" && c.args.user === userId && slack.callsTo("chat.postEphemeral").indexOf(c) >= before, 10_000);
      const link = /(http:\/\/127\.0\.0\.1:\d+\/web\/login\?t=[A-Za-z0-9_.-]+)/.exec(String(answer.args.text))?.[1];
      if (!link) throw new Error(`no link in the answer: ${String(answer.args.text)}`);
      return link;
    },
    async tokenExpiringAt(userId, email, expiresAt) {
      const parsed = parseConfig(yaml, configPath, env.env);
      if (!parsed.ok) throw new Error("bad config");
      const store = createStore(parsed.value);
      try {
        const secret = await store.read.generatedSecrets.get(WEB_SIGNING_SECRET_NAME);
        if (secret === null) throw new Error("no web signing key yet: ask for a link first");
        return signWebToken({ userId, email, tz: null, expiresAt }, secret);
      } finally {
        await store.close();
      }
    },
    async stop() {
      await app.stop();
      await slack.close();
      await env.cleanup();
    },
  };
}

/** The pages the README shows, as `npm run screenshots` and the browser tests save them. */
export const SCREENS = ["index", "schedule-week", "schedule-month", "group", "report", "expired-link"] as const;

/**
 * Signs Alice in with her `/oncall web` link in a page of the given size and saves a screenshot
 * of each page (or `only` those) to `dir` as `<name><suffix>.png`. Returns the files written.
 */
export async function saveScreenshots(
  browser: Browser,
  s: WebScenario,
  dir: string,
  opts: { width?: number; height?: number; suffix?: string; only?: readonly (typeof SCREENS)[number][] } = {},
): Promise<string[]> {
  const context = await browser.newContext({ viewport: { width: opts.width ?? 1100, height: opts.height ?? 800 }, locale: "en-GB" });
  const page = await context.newPage();
  const files: string[] = [];
  const shot = async (name: (typeof SCREENS)[number]) => {
    if (opts.only && !opts.only.includes(name)) return;
    const file = join(dir, `${name}${opts.suffix ?? ""}.png`);
    await page.screenshot({ path: file, fullPage: true });
    files.push(file);
  };
  try {
    await page.goto(await s.linkFor(PEOPLE.alice.id));
    await shot("index");
    await page.goto(`${s.url}/web/schedules/primary?view=week`);
    await shot("schedule-week");
    await page.goto(`${s.url}/web/schedules/primary?view=month`);
    await shot("schedule-month");
    await page.goto(`${s.url}/web/groups/${s.groupNumber}`);
    await shot("group");
    await page.goto(`${s.url}/web/report`);
    await shot("report");
    await context.clearCookies();
    await page.goto(`${s.url}/web/login?t=${await s.tokenExpiringAt(PEOPLE.alice.id, PEOPLE.alice.email, Date.now() - 60_000)}`);
    await shot("expired-link");
  } finally {
    await context.close();
  }
  return files;
}
