import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { parseConfig } from "../../src/config/parse-config.js";
import { createCalpage, type Calpage } from "../../src/app/create-calpage.js";
import { refreshJobKey, TASK_REFRESH } from "../../src/schedule/schedule-jobs.js";
import type { FakeSlack, FakeSlackUser } from "../support/fake-slack.js";
import { waitFor } from "../support/wait-for.js";

/** The people of the schedule tests; Carol lives in New York (her Slack time zone). */
export const TEAM = {
  alice: { email: "alice@example.com", name: "Alice Example", id: "U0ALICE1", handle: "alice", tz: "Europe/Berlin" },
  bob: { email: "bob@example.com", name: "Bob Example", id: "U0BOB001", handle: "bob", tz: "Europe/Berlin" },
  carol: { email: "carol@example.com", name: "Carol Example", id: "U0CAROL1", handle: "carol", tz: "America/New_York" },
  /** In Slack, not in calpage.yaml. */
  mallory: { email: "mallory@example.com", name: "Mallory Outsider", id: "U0MALLRY", handle: "mallory", tz: "UTC" },
} as const;

export function teamSlackUsers(): FakeSlackUser[] {
  return Object.values(TEAM).map((p) => ({ id: p.id, name: p.handle, email: p.email, realName: p.name, tz: p.tz }));
}

/** `20260101T120000Z` */
export function icsStamp(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z").replace(/[-:]/g, "");
}

export interface IcsEvent {
  uid: string;
  summary: string;
  start: Date;
  end: Date;
  rrule?: string;
  /** Extra content lines (RECURRENCE-ID, EXDATE…). */
  extra?: string[];
}

/** A Google-Calendar-shaped feed of UTC events. */
export function ics(events: IcsEvent[]): string {
  const lines = ["BEGIN:VCALENDAR", "PRODID:-//Google Inc//Google Calendar 70.9054//EN", "VERSION:2.0", "CALSCALE:GREGORIAN", "X-WR-CALNAME:On-call", "X-WR-TIMEZONE:Europe/Berlin"];
  for (const e of events) {
    lines.push("BEGIN:VEVENT", `DTSTART:${icsStamp(e.start)}`, `DTEND:${icsStamp(e.end)}`, ...(e.rrule ? [`RRULE:${e.rrule}`] : []), ...(e.extra ?? []), "DTSTAMP:20260101T000000Z", `UID:${e.uid}`, `SUMMARY:${e.summary}`, "END:VEVENT");
  }
  lines.push("END:VCALENDAR", "");
  return lines.join("\r\n");
}

export type FeedMode = "ok" | "500" | "hang" | "html" | "truncated";

/** A calendar server on loopback: serves `body` with an ETag (304 on If-None-Match), or fails the way real feeds do. */
export interface FeedServer {
  url: string;
  body: string;
  mode: FeedMode;
  /** Request headers of every request, in order. */
  requests: IncomingHttpHeaders[];
  /** Status codes answered, in order (0 for requests left hanging). */
  statuses: number[];
  close(): Promise<void>;
}

export async function startFeedServer(body: string): Promise<FeedServer> {
  const hanging = new Set<ServerResponse>();
  const state: FeedServer = {
    url: "",
    body,
    mode: "ok",
    requests: [],
    statuses: [],
    close: async () => {
      for (const res of hanging) res.destroy();
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
    },
  };
  const server: Server = createServer((req, res) => {
    state.requests.push(req.headers);
    const answer = (status: number, type: string, text: string, headers: Record<string, string> = {}) => {
      state.statuses.push(status);
      res.writeHead(status, { "content-type": type, ...headers });
      res.end(text);
    };
    switch (state.mode) {
      case "500":
        return answer(500, "text/plain", "internal error");
      case "hang":
        state.statuses.push(0);
        hanging.add(res);
        return;
      case "html":
        return answer(200, "text/html", "<!DOCTYPE html><html><body>Sign in to continue to Google Calendar</body></html>");
      case "truncated":
        return answer(200, "text/calendar", state.body.slice(0, Math.floor(state.body.length * 0.6)));
      case "ok": {
        const etag = `"${createHash("sha1").update(state.body).digest("hex")}"`;
        if (req.headers["if-none-match"] === etag) return answer(304, "text/calendar", "", { etag });
        return answer(200, "text/calendar; charset=utf-8", state.body, { etag });
      }
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/calendar/ical/oncall/basic.ics`;
  return state;
}

export interface ScheduleYamlOptions {
  feed: string;
  overridesFeed?: string;
  channel?: string;
  userGroup?: string;
  exportToken?: string;
  /** Personal export tokens by email. */
  userTokens?: Record<string, string>;
  timezone?: string;
  announce?: boolean;
  /** `night_warnings` (left out: the default, on with a channel). */
  nightWarnings?: boolean;
  /** More schedules, as YAML list items. */
  extraSchedules?: string;
}

/** calpage.yaml with the team, one schedule `primary`, and no integrations. */
export function scheduleYaml(o: ScheduleYamlOptions): string {
  const users = [TEAM.alice, TEAM.bob, TEAM.carol]
    .map((p) => `  - email: ${p.email}\n    name: ${p.name}${o.userTokens?.[p.email] ? `\n    export_token: ${o.userTokens[p.email]}` : ""}`)
    .join("\n");
  const opt = (key: string, v: string | boolean | undefined) => (v === undefined ? "" : `\n    ${key}: ${typeof v === "string" ? JSON.stringify(v) : v}`);
  return `timezone: Europe/Berlin
users:
${users}
schedules:
  - name: primary
    feed: ${o.feed}${opt("overrides_feed", o.overridesFeed)}${opt("timezone", o.timezone)}${opt("channel", o.channel)}${opt("user_group", o.userGroup)}${opt("export_token", o.exportToken)}${opt("announce", o.announce)}${opt("night_warnings", o.nightWarnings)}
${o.extraSchedules ?? ""}`;
}

/** Writes the YAML into `dir` and starts calpage in this process on a random loopback port. */
export async function startCalpage(dir: string, env: Record<string, string>, yaml: string, name = "calpage.yaml"): Promise<{ app: Calpage; url: string; logs: string[] }> {
  const path = join(dir, name);
  writeFileSync(path, yaml);
  const parsed = parseConfig(yaml, path, env);
  if (!parsed.ok) throw new Error(`bad test config: ${JSON.stringify(parsed.errors)}`);
  const logs: string[] = [];
  const app = await createCalpage(parsed.value, { log: (l) => logs.push(l), sweepEveryMs: 1000 });
  const port = await app.start(0, "127.0.0.1");
  return { app, url: `http://127.0.0.1:${port}`, logs };
}

/**
 * Runs the schedule's refresh job now (what its timer does every `refresh`) and waits until it has
 * stored its outcome (the feed row's `checked_at` moves).
 */
export async function refreshNow(app: Calpage, schedule = "primary", timeoutMs = 30_000): Promise<void> {
  const before = (await app.store.read.feeds.get(schedule, "primary"))?.checkedAt ?? 0;
  await app.store.transaction((tx) => tx.jobs.add({ task: TASK_REFRESH, payload: { schedule }, jobKey: refreshJobKey(schedule), runAt: new Date() }));
  await waitFor(async () => ((await app.store.read.feeds.get(schedule, "primary"))?.checkedAt ?? 0) > before, { timeoutMs, description: `a refresh of ${schedule}` });
}

/** Texts of the top-level messages posted in a channel of the fake Slack. */
export function channelTexts(slack: FakeSlack, channel: string): string[] {
  return slack
    .callsTo("chat.postMessage")
    .filter((c) => c.args.channel === channel && !c.args.thread_ts)
    .map((c) => String(c.args.text ?? ""));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
