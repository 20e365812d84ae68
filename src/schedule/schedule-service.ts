import type { Config, ScheduleConfig } from "../config/config-types.js";
import type { Store } from "../store/store.js";
import type { FeedRecord } from "../store/repositories/feeds-repository.js";
import { fetchFeed, type FetchResult } from "./fetch-feed.js";
import { finalSchedule } from "./final-schedule.js";
import { parseCalendar } from "./parse-calendar.js";
import type { ParsedCalendar, ScheduleUser, Shift } from "./schedule-types.js";
import { whoIsOnCall } from "./who-is-on-call.js";

type FeedKind = FeedRecord["kind"];

interface Loaded {
  primary: ParsedCalendar | null;
  overrides: ParsedCalendar | null;
  /** Shifts computed for [from, to); recomputed when a feed changes or `at` leaves the window. */
  window: { from: number; to: number; shifts: Shift[] } | null;
}

const DAY = 86_400_000;

export interface ScheduleServiceOptions {
  fetch?: (source: string, prev: FeedRecord | null) => Promise<FetchResult>;
  log?: (line: string) => void;
  now?: () => number;
}

/**
 * The imperative shell of schedules: keeps every schedule's feeds fresh, stores
 * the last good copy of each in the database, and answers "who is on call" from
 * memory. A failed or bogus fetch never empties a schedule: the last good copy
 * (from memory, else from the database) keeps serving, including after a restart.
 */
export function createScheduleService(store: Store, config: Config, opts: ScheduleServiceOptions = {}) {
  const log = opts.log ?? (() => undefined);
  const now = opts.now ?? Date.now;
  const doFetch = opts.fetch ?? ((source, prev) => fetchFeed(source, { etag: prev?.etag, lastModified: prev?.lastModified }));
  const users: ScheduleUser[] = config.users.map((u) => ({ email: u.email, name: u.name, aliases: u.aliases, slackHandle: u.slackHandle }));
  const schedules = new Map(config.schedules.map((s) => [s.name, s]));
  const loaded = new Map<string, Loaded>(config.schedules.map((s) => [s.name, { primary: null, overrides: null, window: null }]));
  const timers: NodeJS.Timeout[] = [];

  function parse(schedule: ScheduleConfig, body: string): ParsedCalendar | null {
    const cal = parseCalendar(body, { defaultZone: schedule.timezone });
    return cal.problems.some((p) => p.kind === "unparseable") ? null : cal;
  }

  async function refreshFeed(schedule: ScheduleConfig, kind: FeedKind, source: string): Promise<void> {
    const state = loaded.get(schedule.name)!;
    const prev = await store.read.feeds.get(schedule.name, kind);
    const t = now();
    const result = await doFetch(source, prev?.source === source ? prev : null);
    let parsed: ParsedCalendar | null = null;
    let error: string | null = null;
    if (result.status === "ok") {
      parsed = parse(schedule, result.body);
      if (!parsed) error = "the feed could not be parsed as iCalendar";
      else {
        await store.transaction((tx) =>
          tx.feeds.upsert({
            schedule: schedule.name,
            kind,
            source,
            body: result.body,
            etag: result.etag,
            lastModified: result.lastModified,
            fetchedAt: t,
            checkedAt: t,
            error: null,
            errorSince: null,
          }),
        );
      }
    } else if (result.status === "error") {
      error = result.message;
    } else if (prev) {
      await store.transaction((tx) => tx.feeds.upsert({ ...prev, checkedAt: t, error: null, errorSince: null }));
    }
    if (error) {
      log(`schedule ${schedule.name}: ${kind} feed refresh failed (${error}); serving the last good copy`);
      if (prev) await store.transaction((tx) => tx.feeds.upsert({ ...prev, checkedAt: t, error, errorSince: prev.errorSince ?? t }));
    }
    if (parsed) state[kind] = parsed;
    else if (!state[kind] && prev?.body) state[kind] = parse(schedule, prev.body);
    if (parsed || result.status !== "not_modified") state.window = null;
  }

  async function refresh(name: string): Promise<void> {
    const schedule = schedules.get(name);
    if (!schedule) throw new Error(`unknown schedule ${name}`);
    await refreshFeed(schedule, "primary", schedule.feed);
    if (schedule.overridesFeed) await refreshFeed(schedule, "overrides", schedule.overridesFeed);
  }

  function shiftsAround(name: string, at: number): Shift[] {
    const state = loaded.get(name);
    if (!state?.primary) return [];
    if (!state.window || at < state.window.from || at >= state.window.to) {
      const from = at - 2 * DAY;
      const to = at + 16 * DAY;
      const { shifts } = finalSchedule({
        primary: state.primary,
        overrides: state.overrides,
        slackOverrides: [],
        users,
        from: new Date(from),
        to: new Date(to),
      });
      state.window = { from, to, shifts };
    }
    return state.window.shifts;
  }

  return {
    /** Loads every schedule (network, else the stored copy) and refreshes each on its interval. */
    async start(opts2: { refresh?: boolean } = {}): Promise<void> {
      await Promise.all(config.schedules.map((s) => refresh(s.name).catch((e) => log(`schedule ${s.name}: ${String(e)}`))));
      if (opts2.refresh === false) return;
      for (const s of config.schedules) {
        const timer = setInterval(() => void refresh(s.name).catch((e) => log(`schedule ${s.name}: ${String(e)}`)), s.refreshSeconds * 1000);
        timer.unref();
        timers.push(timer);
      }
    },
    stop(): void {
      for (const t of timers) clearInterval(t);
      timers.length = 0;
    },
    refresh,
    whoIsOnCall(name: string, at: Date): string[] {
      return whoIsOnCall(shiftsAround(name, at.getTime()), at);
    },
    shifts(name: string, from: Date, to: Date): Shift[] {
      const state = loaded.get(name);
      if (!state?.primary) return [];
      return finalSchedule({ primary: state.primary, overrides: state.overrides, slackOverrides: [], users, from, to }).shifts;
    },
    has(name: string): boolean {
      return schedules.has(name);
    },
    isLoaded(name: string): boolean {
      return Boolean(loaded.get(name)?.primary);
    },
  };
}

export type ScheduleService = ReturnType<typeof createScheduleService>;
