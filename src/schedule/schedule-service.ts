import type { Config, ScheduleConfig } from "../config/config-types.js";
import type { Store } from "../store/store.js";
import type { FeedRecord } from "../store/repositories/feeds-repository.js";
import type { FeedMeta } from "../store/repositories/schedule-state-repository.js";
import type { SlackOverrideRecord } from "../store/repositories/slack-overrides-repository.js";
import type { Tx } from "../store/store.js";
import { bodySha256 } from "../shared/body-sha256.js";
import { createWorkerCompute, type ScheduleCompute } from "./compute-client.js";
import type { ComputeRequest, ComputeResult, ScheduleComputer } from "./compute-schedule.js";
import { fetchFeed, type FetchResult } from "./fetch-feed.js";
import type { ScheduleProblem, ScheduleUser, Shift, SlackOverride } from "./schedule-types.js";
import { ShiftTable } from "./shift-table.js";
import { decodePackedShifts, encodePackedShifts, shiftTableInputsKey } from "./stored-shift-table.js";

type FeedKind = FeedRecord["kind"];

/** One feed fetched during a refresh, with the stored copy's metadata from before. */
interface Fetched {
  kind: FeedKind;
  source: string;
  prev: FeedMeta | null;
  result: FetchResult;
  t: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/**
 * The final schedule kept in memory: from this far back (the ICS export shows 15 days back, and a
 * shift that started up to a month before that must keep its real start, which its UID is made of)…
 */
export const WINDOW_BEHIND_MS = 46 * DAY;
/** …to this far ahead (the ICS export needs 15 days back and 180 ahead). */
export const WINDOW_AHEAD_MS = 182 * DAY;
/**
 * The parser and expander, loaded on first need: `calpage who` answered from a stored table never
 * loads them (a fifth of its start-up). Every path that computes on this thread awaits
 * {@link loadComputer} first.
 */
let computerModule: typeof import("./compute-schedule.js") | null = null;
async function loadComputer(): Promise<typeof import("./compute-schedule.js")> {
  return (computerModule ??= await import("./compute-schedule.js"));
}

/** A window computed longer ago than this is recomputed (it slides with time). */
const WINDOW_STALE_MS = DAY;
/** The calendar-only schedule kept for swap detection covers the next week. */
const FEED_ONLY_MS = 7 * DAY;

/** One feed body held in memory, and which stored copy it is. */
interface FeedCopy {
  body: string;
  source: string;
  fetchedAt: number | null;
}

/** The final schedule computed for [from, to). */
export interface ComputedSchedule {
  from: number;
  to: number;
  /** When it was computed. */
  at: number;
  /** The final schedule over [from, to), packed: lookups by time, shifts built on demand. */
  table: ShiftTable;
  problems: ScheduleProblem[];
  /** The calendar alone (no Slack overrides) over [at, feedOnlyTo). */
  feedOnly: Shift[];
  feedOnlyTo: number;
  feedsHash: string;
}

interface ScheduleState {
  config: ScheduleConfig;
  primary: FeedCopy | null;
  overrides: FeedCopy | null;
  slackOverrides: SlackOverride[];
  /** Ids of the Slack overrides loaded, to notice new and cancelled ones. */
  overridesKey: string;
  computed: ComputedSchedule | null;
  /** A small window computed on demand for a time outside `computed` (CLI `--at`). */
  side: { from: number; to: number; table: ShiftTable } | null;
  /**
   * `computed` is the stored table (see `useStoredTables`): the feed copies are still only in the
   * database (`primary` is null) until something outside its window needs them.
   */
  fromStoredTable: boolean;
}

/** How one refresh went. */
export interface RefreshOutcome {
  /** Feeds that could not be fetched or read (the last good copy keeps serving). */
  failures: { kind: FeedKind; message: string }[];
  /** A new feed body is serving. */
  changed: boolean;
  /** When the primary copy now serving was fetched; null when there is none. */
  lastGoodAt: number | null;
}

export interface ScheduleServiceOptions {
  fetch?: (source: string, validators: { etag: string | null; lastModified: string | null } | null) => Promise<FetchResult>;
  log?: (line: string) => void;
  now?: () => number;
  /** Where schedules are computed; default a worker thread. */
  compute?: ScheduleCompute;
  /** How often a server process reloads feeds and Slack overrides another process stored (ms). Default 2000. */
  syncEveryMs?: number;
  /** Timeout of one fetch (ms). */
  fetchTimeoutMs?: number;
  /**
   * The window kept computed around now (ms behind and ahead). Default 46 days back, 182 ahead
   * (what the server needs); a CLI question about now needs a few days.
   */
  window?: { behindMs: number; aheadMs: number };
  /**
   * CLI `who`: when the feeds are unchanged (unreachable, 304, or the same bytes) and a final
   * schedule computed from exactly these copies, users, zone and Slack overrides is stored, answer
   * from it without reading or parsing the copies. Such a schedule has no problems or calendar-only
   * week (`computed`), so only for questions about who is on call.
   */
  useStoredTables?: boolean;
}

/**
 * The imperative shell of schedules. It keeps, per schedule, the feed bodies, the Slack overrides
 * and the final schedule computed from them (16 days back to 182 ahead) in memory, so "who is on
 * call" is a lookup. The database is the truth shared by replicas: `refresh` (run by the
 * `schedule.refresh` job on one replica) fetches feeds with conditional GETs and stores the last
 * good copy; every process picks up new copies and Slack overrides with `sync` (a cheap poll of
 * versions, every `syncEveryMs`). Parsing and expansion happen in a worker thread.
 *
 * A failed or bogus fetch never empties a schedule: the last good copy keeps serving, including
 * after a restart with the feed unreachable.
 */
export function createScheduleService(store: Store, config: Config, opts: ScheduleServiceOptions = {}) {
  const log = opts.log ?? (() => undefined);
  const now = opts.now ?? Date.now;
  const doFetch = opts.fetch ?? ((source, prev) => fetchFeed(source, { etag: prev?.etag, lastModified: prev?.lastModified, timeoutMs: opts.fetchTimeoutMs }));
  const users: ScheduleUser[] = config.users.map((u) => ({ email: u.email, name: u.name, aliases: u.aliases, slackHandle: u.slackHandle }));
  const states = new Map<string, ScheduleState>(
    config.schedules.map((s) => [s.name, { config: s, primary: null, overrides: null, slackOverrides: [], overridesKey: "", computed: null, side: null, fromStoredTable: false }]),
  );
  let compute: ScheduleCompute | null = opts.compute ?? null;
  const windowBehind = opts.window?.behindMs ?? WINDOW_BEHIND_MS;
  const windowAhead = opts.window?.aheadMs ?? WINDOW_AHEAD_MS;
  const computer = () => (compute ??= createWorkerCompute({ log }));
  /** For rare synchronous questions outside the computed window; parses on this thread. */
  let inline: ScheduleComputer | null = null;
  const chains = new Map<string, Promise<unknown>>();
  let syncTimer: NodeJS.Timeout | null = null;
  let syncing: Promise<void> | null = null;

  function stateOf(name: string): ScheduleState {
    const s = states.get(name);
    if (!s) throw new Error(`unknown schedule ${name}`);
    return s;
  }

  /** Runs `fn` after every earlier exclusive call for the same schedule: refreshes and recomputes never interleave. */
  function exclusive<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const run = (chains.get(name) ?? Promise.resolve()).then(fn, fn);
    chains.set(
      name,
      run.catch(() => undefined),
    );
    return run;
  }

  function request(st: ScheduleState, t: number, bodies: { primary: string | null; overrides: string | null }): ComputeRequest {
    return {
      schedule: st.config.name,
      timezone: st.config.timezone,
      primary: bodies.primary,
      overrides: bodies.overrides,
      slackOverrides: st.slackOverrides,
      users,
      from: t - windowBehind,
      to: t + windowAhead,
      feedOnly: { from: t, to: t + Math.min(FEED_ONLY_MS, windowAhead) },
    };
  }

  async function adopt(st: ScheduleState, req: ComputeRequest, r: ComputeResult, t: number): Promise<void> {
    st.computed = { from: req.from, to: req.to, at: t, table: new ShiftTable(r.shifts), problems: r.problems, feedOnly: r.feedOnlyShifts ?? [], feedOnlyTo: req.feedOnly?.to ?? t, feedsHash: r.feedsHash };
    st.side = null;
    st.fromStoredTable = false;
    await storeTable(st, req, r, t).catch((e) => log(`schedule ${st.config.name}: storing the computed schedule failed (${String(e)}); \`calpage who\` will parse the feed copy`));
  }

  /**
   * Stores the final schedule just computed, filed under a key of everything it was computed
   * from, for `calpage who`. Not when the window matters beyond its edges (an expansion cap: a
   * smaller window could see occurrences this one dropped) or a body could not be read.
   */
  async function storeTable(st: ScheduleState, req: ComputeRequest, r: ComputeResult, t: number): Promise<void> {
    if (r.primaryError || r.primarySha256 === null || r.problems.some((p) => p.kind === "expansion_capped")) return;
    const inputsKey = shiftTableInputsKey({
      timezone: req.timezone,
      users: req.users,
      primarySha256: r.primarySha256,
      overridesSha256: r.overridesSha256,
      slackOverrides: req.slackOverrides,
      from: req.from,
      to: req.to,
    });
    const rec = { schedule: st.config.name, inputsKey, windowFrom: req.from, windowTo: req.to, computedAt: t };
    await store.transaction((tx) => tx.scheduleTables.save(rec, () => encodePackedShifts(r.shifts)));
  }

  /**
   * `useStoredTables`: serves the stored final schedule when the feeds fetched are the copies it
   * was computed from, recording the checks as a refresh does. Null (nothing done) otherwise.
   */
  async function adoptStoredTable(st: ScheduleState, fetched: Fetched[], t: number): Promise<RefreshOutcome | null> {
    const name = st.config.name;
    const primary = fetched.find((f) => f.kind === "primary")?.prev;
    const overrides = fetched.find((f) => f.kind === "overrides")?.prev ?? null;
    if (!primary?.hasBody || !primary.bodySha256 || (overrides?.hasBody && !overrides.bodySha256)) return null;
    for (const f of fetched) {
      if (f.result.status !== "ok") continue;
      // The same bytes as the stored copy, from the same source: a refresh would keep that copy.
      if (!f.prev?.hasBody || f.prev.source !== f.source || f.prev.fetchedAt === null || bodySha256(f.result.body) !== f.prev.bodySha256) return null;
    }
    const stored = await store.read.scheduleTables.get(name);
    if (!stored) return null;
    const key = shiftTableInputsKey({
      timezone: st.config.timezone,
      users,
      primarySha256: primary.bodySha256,
      overridesSha256: overrides?.hasBody ? overrides.bodySha256 : null,
      slackOverrides: st.slackOverrides,
      from: stored.windowFrom,
      to: stored.windowTo,
    });
    if (stored.inputsKey !== key) return null;
    const packed = decodePackedShifts(stored.data);
    if (!packed) return null;

    const failures: RefreshOutcome["failures"] = [];
    await store.transaction(async (tx) => {
      for (const f of fetched) {
        const res = f.result;
        if (res.status === "ok") {
          await tx.feeds.upsert({ schedule: name, kind: f.kind, source: f.source, body: res.body, etag: res.etag, lastModified: res.lastModified, fetchedAt: f.prev!.fetchedAt, checkedAt: t, error: null, errorSince: null });
        } else if (res.status === "error") {
          failures.push({ kind: f.kind, message: res.message });
          await recordFailure(tx, name, f, res.message, t);
        } else if (f.prev) {
          await tx.scheduleState.markFeedChecked(name, f.kind, t, null, null);
        }
      }
    });
    for (const f of failures) {
      const prev = fetched.find((x) => x.kind === f.kind)?.prev;
      const serving = !prev?.hasBody ? "no copy of it was ever read" : `serving the last good copy${prev.fetchedAt !== null ? ` from ${new Date(prev.fetchedAt).toISOString()}` : ""}`;
      log(`schedule ${name}: ${f.kind} feed refresh failed (${f.message}); ${serving}`);
    }
    st.computed = { from: stored.windowFrom, to: stored.windowTo, at: stored.computedAt, table: new ShiftTable(packed), problems: [], feedOnly: [], feedOnlyTo: stored.computedAt, feedsHash: "" };
    st.side = null;
    st.fromStoredTable = true;
    return { failures, changed: false, lastGoodAt: primary.fetchedAt };
  }

  /** Reads the feed copies a stored table stood in for (a question outside its window). */
  async function loadStoredCopies(st: ScheduleState): Promise<void> {
    if (!st.fromStoredTable) return;
    recordFrom(st, "primary", await store.read.feeds.get(st.config.name, "primary"));
    if (st.config.overridesFeed) recordFrom(st, "overrides", await store.read.feeds.get(st.config.name, "overrides"));
    st.fromStoredTable = false;
  }

  async function recordFailure(tx: Tx, name: string, f: Fetched, message: string, t: number): Promise<void> {
    const errorSince = f.prev?.error ? (f.prev.errorSince ?? t) : t;
    if (!(await tx.scheduleState.markFeedChecked(name, f.kind, t, message, errorSince))) {
      await tx.feeds.upsert({ schedule: name, kind: f.kind, source: f.source, body: null, etag: null, lastModified: null, fetchedAt: null, checkedAt: t, error: message, errorSince });
    }
  }

  async function recompute(st: ScheduleState): Promise<void> {
    if (!st.primary) {
      st.computed = null;
      return;
    }
    const t = now();
    const req = request(st, t, { primary: st.primary.body, overrides: st.overrides?.body ?? null });
    await adopt(st, req, await computer().compute(req), t);
  }

  function recordFrom(st: ScheduleState, kind: FeedKind, rec: FeedRecord | null): boolean {
    if (!rec?.body) return false;
    const mem = st[kind];
    if (mem && mem.fetchedAt === rec.fetchedAt && mem.source === rec.source && mem.body.length === rec.body.length) return false;
    st[kind] = { body: rec.body, source: rec.source, fetchedAt: rec.fetchedAt };
    return true;
  }

  async function loadOverrides(t: number): Promise<Map<string, SlackOverrideRecord[]>> {
    const rows = await store.read.slackOverrides.listActive(t - WINDOW_BEHIND_MS);
    const by = new Map<string, SlackOverrideRecord[]>();
    for (const r of rows) by.set(r.schedule, [...(by.get(r.schedule) ?? []), r]);
    return by;
  }

  function setOverrides(st: ScheduleState, rows: SlackOverrideRecord[]): boolean {
    const key = rows.map((r) => r.id).join(",");
    if (key === st.overridesKey) return false;
    st.overridesKey = key;
    st.slackOverrides = rows.map((r) => ({ id: r.id, userEmail: r.userEmail, start: new Date(r.startAt), end: new Date(r.endAt), replacing: r.replacing }));
    return true;
  }

  async function fetchOne(st: ScheduleState, kind: FeedKind, source: string, t: number): Promise<Fetched> {
    // Metadata only: the stored body (megabytes for a busy calendar) is read only when memory has no copy.
    const prev = await store.read.scheduleState.feedMeta(st.config.name, kind);
    const validators = prev?.source === source && prev.hasBody ? { etag: prev.etag, lastModified: prev.lastModified } : null;
    const result = await doFetch(source, validators);
    return { kind, source, prev, result, t };
  }

  async function refreshLocked(name: string): Promise<RefreshOutcome> {
    const st = stateOf(name);
    const t = now();
    const kinds: [FeedKind, string][] = [["primary", st.config.feed]];
    if (st.config.overridesFeed) kinds.push(["overrides", st.config.overridesFeed]);
    const fetched = await Promise.all(kinds.map(([kind, source]) => fetchOne(st, kind, source, t)));
    if (opts.useStoredTables && !st.primary) {
      const served = await adoptStoredTable(st, fetched, t);
      if (served) return served;
    }
    const failures: RefreshOutcome["failures"] = [];
    // Fall back to the stored copy when memory has none (first refresh, CLI).
    for (const f of fetched) if (!st[f.kind] && f.prev?.hasBody) recordFrom(st, f.kind, await store.read.feeds.get(name, f.kind));

    const candidates = new Map<FeedKind, string>();
    for (const f of fetched) {
      if (f.result.status === "ok") candidates.set(f.kind, f.result.body);
      else if (f.result.status === "error") failures.push({ kind: f.kind, message: f.result.message });
    }
    let changed = false;
    let result: { req: ComputeRequest; r: ComputeResult } | null = null;
    if (candidates.size > 0) {
      const bodies = { primary: candidates.get("primary") ?? st.primary?.body ?? null, overrides: candidates.get("overrides") ?? st.overrides?.body ?? null };
      const req = request(st, t, bodies);
      try {
        const r = await computer().compute(req);
        const rejected = new Set<FeedKind>();
        if (candidates.has("primary") && r.primaryError) rejected.add("primary");
        if (candidates.has("overrides") && r.overridesError) rejected.add("overrides");
        for (const kind of rejected) {
          failures.push({ kind, message: kind === "primary" ? r.primaryError! : r.overridesError! });
          candidates.delete(kind);
        }
        if (rejected.size === 0) result = { req, r };
      } catch (error) {
        for (const kind of candidates.keys()) failures.push({ kind, message: error instanceof Error ? error.message : String(error) });
        candidates.clear();
      }
    }

    await store.transaction(async (tx) => {
      for (const f of fetched) {
        const body = candidates.get(f.kind);
        const failure = failures.find((x) => x.kind === f.kind);
        const res = f.result;
        const mem = st[f.kind];
        if (body !== undefined && res.status === "ok") {
          // Same content as the copy serving: keep its fetch time, so other processes need not reload it.
          const same = mem !== null && mem.body === body && mem.source === f.source && f.prev?.fetchedAt === mem.fetchedAt;
          const fetchedAt = same ? mem.fetchedAt : t;
          await tx.feeds.upsert({ schedule: name, kind: f.kind, source: f.source, body, etag: res.etag, lastModified: res.lastModified, fetchedAt, checkedAt: t, error: null, errorSince: null });
          if (!same) changed = true;
          st[f.kind] = { body, source: f.source, fetchedAt };
        } else if (failure) {
          await recordFailure(tx, name, f, failure.message, t);
        } else if (f.prev) {
          await tx.scheduleState.markFeedChecked(name, f.kind, t, null, null);
        }
      }
    });
    for (const f of failures) {
      const copy = st[f.kind];
      const serving = !copy ? "no copy of it was ever read" : `serving the last good copy${copy.fetchedAt !== null ? ` from ${new Date(copy.fetchedAt).toISOString()}` : ""}`;
      log(`schedule ${name}: ${f.kind} feed refresh failed (${f.message}); ${serving}`);
    }

    if (result && changed) await adopt(st, result.req, result.r, t);
    else if (changed || !st.computed || t - st.computed.at > WINDOW_STALE_MS) await recompute(st).catch((e) => log(`schedule ${name}: ${String(e)}`));
    return { failures, changed, lastGoodAt: st.primary?.fetchedAt ?? null };
  }

  async function syncAll(): Promise<void> {
    const t = now();
    const [versions, overrides] = await Promise.all([store.read.scheduleState.feedVersions(), loadOverrides(t)]);
    await Promise.all(
      [...states.values()].map((st) =>
        exclusive(st.config.name, async () => {
          let changed = setOverrides(st, overrides.get(st.config.name) ?? []);
          for (const kind of ["primary", "overrides"] as const) {
            const v = versions.find((x) => x.schedule === st.config.name && x.kind === kind);
            const mem = st[kind];
            if (!v || v.fetchedAt === null || (mem && mem.fetchedAt === v.fetchedAt && mem.source === v.source)) continue;
            if (recordFrom(st, kind, await store.read.feeds.get(st.config.name, kind))) changed = true;
          }
          if (changed || (st.primary && (!st.computed || t - st.computed.at > WINDOW_STALE_MS))) await recompute(st);
        }).catch((e) => log(`schedule ${st.config.name}: ${String(e)}`)),
      ),
    );
  }

  /** The table covering [from, to): the window in memory, else a small one computed on this thread (rare: CLI `--at`). */
  function tableFor(st: ScheduleState, from: number, to: number): ShiftTable | null {
    const c = st.computed;
    if (c && from >= c.from && to <= c.to) return c.table;
    if (!st.primary) return null;
    if (st.side && from >= st.side.from && to <= st.side.to) return st.side.table;
    if (!computerModule) throw new Error("schedule computer not loaded: start() the schedule service first");
    inline ??= computerModule.createScheduleComputer();
    const wFrom = Math.min(from, to - 1) - 2 * DAY;
    const wTo = Math.max(to, from + 1) + 2 * DAY;
    const r = inline({ ...request(st, from, { primary: st.primary.body, overrides: st.overrides?.body ?? null }), from: wFrom, to: wTo, feedOnly: null });
    st.side = { from: wFrom, to: wTo, table: new ShiftTable(r.shifts) };
    return st.side.table;
  }

  function shiftsSync(st: ScheduleState, from: number, to: number): Shift[] {
    return tableFor(st, from, to)?.range(from, to) ?? [];
  }

  return {
    users,
    /**
     * Loads every schedule. A server (`refresh` not false) starts from the stored copies, fetches
     * only feeds that have none, and then follows what other processes store (`sync`). The CLI
     * (`refresh: false`) fetches each feed once, falling back to the stored copy, and does nothing
     * in the background.
     */
    async start(startOpts: { refresh?: boolean } = {}): Promise<void> {
      const t = now();
      const overrides = await loadOverrides(t);
      await Promise.all(
        [...states.values()].map(async (st) => {
          const name = st.config.name;
          setOverrides(st, overrides.get(name) ?? []);
          try {
            // With stored tables, the copies are read only when the stored table cannot serve (refreshLocked).
            if (!(startOpts.refresh === false && opts.useStoredTables)) {
              recordFrom(st, "primary", await store.read.feeds.get(name, "primary"));
              if (st.config.overridesFeed) recordFrom(st, "overrides", await store.read.feeds.get(name, "overrides"));
            }
            if (startOpts.refresh === false || !st.primary) await exclusive(name, () => refreshLocked(name));
            else await exclusive(name, () => recompute(st));
          } catch (e) {
            log(`schedule ${name}: ${String(e)}`);
          }
        }),
      );
      // Questions outside the computed window are answered on this thread (tableFor).
      if (![...states.values()].every((st) => st.fromStoredTable)) await loadComputer();
      if (startOpts.refresh === false) return;
      const every = opts.syncEveryMs ?? 2000;
      syncTimer = setInterval(() => {
        if (syncing) return;
        syncing = syncAll()
          .catch((e) => log(`schedules: reloading stored copies failed: ${String(e)}`))
          .finally(() => (syncing = null));
      }, every);
      syncTimer.unref();
    },
    async stop(): Promise<void> {
      if (syncTimer) clearInterval(syncTimer);
      syncTimer = null;
      await syncing;
      await Promise.allSettled([...chains.values()]);
      await compute?.close();
      compute = null;
    },
    /** Fetches the schedule's feeds now (conditional GET), stores good copies, recomputes. */
    refresh(name: string): Promise<RefreshOutcome> {
      stateOf(name);
      return exclusive(name, () => refreshLocked(name));
    },
    /** Picks up feed copies and Slack overrides stored by any process; recomputes what changed. */
    sync(): Promise<void> {
      return syncAll();
    },
    whoIsOnCall(name: string, at: Date): string[] {
      const st = states.get(name);
      if (!st) return [];
      const t = at.getTime();
      const c = st.computed;
      if (c && t >= c.from && t < c.to) return c.table.whoAt(t);
      return tableFor(st, t, t + 1)?.whoAt(t) ?? [];
    },
    /** {@link whoIsOnCall}, reading the feed copies first when a stored table served and `at` is outside it. */
    async whoIsOnCallAsync(name: string, at: Date): Promise<string[]> {
      const st = stateOf(name);
      const t = at.getTime();
      const c = st.computed;
      if (c && t >= c.from && t < c.to) return c.table.whoAt(t);
      if (st.fromStoredTable) await exclusive(name, () => loadStoredCopies(st));
      await loadComputer();
      return tableFor(st, t, t + 1)?.whoAt(t) ?? [];
    },
    /** The final schedule over [from, to). */
    shifts(name: string, from: Date, to: Date): Shift[] {
      const st = states.get(name);
      if (!st) return [];
      return shiftsSync(st, from.getTime(), to.getTime());
    },
    /** The final schedule over [from, to), computed off this thread when outside the window in memory. */
    async shiftsAsync(name: string, from: Date, to: Date): Promise<Shift[]> {
      const st = stateOf(name);
      const c = st.computed;
      if (c && from.getTime() >= c.from && to.getTime() <= c.to) return c.table.range(from.getTime(), to.getTime());
      if (!st.primary || !(to > from)) return [];
      const req = { ...request(st, now(), { primary: st.primary.body, overrides: st.overrides?.body ?? null }), from: from.getTime(), to: to.getTime(), feedOnly: null };
      return new ShiftTable((await computer().compute(req)).shifts).range(from.getTime(), to.getTime());
    },
    /** The shift under way at `at` (with its reasons), or null in a gap. */
    shiftAt(name: string, at: Date): Shift | null {
      const st = states.get(name);
      if (!st) return null;
      const t = at.getTime();
      const table = tableFor(st, t, t + 1);
      const i = table ? table.indexAt(t) : -1;
      return table && i !== -1 ? table.shift(i) : null;
    },
    /**
     * {@link shiftAt} for request handlers: outside the window in memory it is computed where schedules
     * are computed (the worker), never parsed on this thread (which takes alerts and runs timers).
     */
    async shiftAtAsync(name: string, at: Date): Promise<Shift | null> {
      const st = stateOf(name);
      const t = at.getTime();
      const c = st.computed;
      let table = c && t >= c.from && t < c.to ? c.table : st.side && t >= st.side.from && t < st.side.to ? st.side.table : null;
      if (table === null) {
        if (!st.primary) return null;
        // The window tableFor would compute for the same question.
        const req = { ...request(st, t, { primary: st.primary.body, overrides: st.overrides?.body ?? null }), from: t - 2 * DAY, to: t + 1 + 2 * DAY, feedOnly: null };
        table = new ShiftTable((await computer().compute(req)).shifts);
      }
      const i = table.indexAt(t);
      return i === -1 ? null : table.shift(i);
    },
    /** When who is on call next changes after `at` (within the window in memory), or null. */
    nextChange(name: string, at: Date): Date | null {
      const st = states.get(name);
      const c = st?.computed;
      if (!c) return null;
      const next = c.table.nextChange(at.getTime());
      return next !== null && next < c.to ? new Date(next) : null;
    },
    /** The final schedule as last computed, with its problems and the calendar-only week ahead. */
    computed(name: string): ComputedSchedule | null {
      return states.get(name)?.computed ?? null;
    },
    /** Slack overrides serving now for a schedule. */
    slackOverrides(name: string): SlackOverride[] {
      return states.get(name)?.slackOverrides ?? [];
    },
    has(name: string): boolean {
      return states.has(name);
    },
    isLoaded(name: string): boolean {
      const st = states.get(name);
      return Boolean(st?.primary || st?.fromStoredTable);
    },
  };
}

export type ScheduleService = ReturnType<typeof createScheduleService>;
