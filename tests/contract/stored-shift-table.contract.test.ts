import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Config } from "../../src/config/config-types.js";
import { parseConfig } from "../../src/config/parse-config.js";
import { createInlineCompute, type ScheduleCompute } from "../../src/schedule/compute-client.js";
import { createScheduleService, type ScheduleServiceOptions } from "../../src/schedule/schedule-service.js";
import type { Store } from "../../src/store/store.js";
import { ics, startFeedServer, TEAM, type FeedServer } from "../schedule/schedule-harness.js";
import { backends, type BackendContext } from "./backends.js";

/**
 * `calpage who` answers from the final schedule a refresh stored next to the feed copy, and only
 * when it was computed from exactly what `who` would compute from (the same feed bytes, users,
 * zone and Slack overrides); otherwise it parses the copy as before. Each case compares with a
 * service that always parses (the answer of every earlier release).
 */

const H = 3_600_000;
const DAY = 24 * H;
/** Whole hours, so the feed's shifts line up with the clock the services use. */
const NOW = Math.floor(Date.now() / H) * H;

function feed(person: string): string {
  // Today is `person`'s; tomorrow Carol's; a week ago Bob's; two hours every week from the day after tomorrow Bob's.
  return ics([
    { uid: "weekly", summary: "On call: Bob Example", start: new Date(NOW + 2 * DAY), end: new Date(NOW + 2 * DAY + 2 * H), rrule: "FREQ=WEEKLY" },
    { uid: "today", summary: `On call: ${person}`, start: new Date(NOW - 12 * H), end: new Date(NOW + 12 * H) },
    { uid: "tomorrow", summary: "On call: Carol Example", start: new Date(NOW + 12 * H), end: new Date(NOW + 36 * H) },
    { uid: "last-week", summary: "On call: Bob Example", start: new Date(NOW - 7 * DAY), end: new Date(NOW - 6 * DAY) },
  ]);
}

function config(url: string, aliases = ""): Config {
  const yaml = `users:
${[TEAM.alice, TEAM.bob, TEAM.carol].map((p) => `  - email: ${p.email}\n    name: ${p.name}`).join("\n")}${aliases}
schedules:
  - name: primary
    feed: ${url}
    timezone: Europe/Berlin
`;
  const parsed = parseConfig(yaml, "/tmp/calpage.yaml", {});
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.value;
}

/** Inline computation that counts how often a feed copy was parsed and expanded. */
function countingCompute(): ScheduleCompute & { calls: number } {
  const inner = createInlineCompute();
  const c = {
    calls: 0,
    compute: async (req: Parameters<ScheduleCompute["compute"]>[0]) => {
      c.calls++;
      return inner.compute(req);
    },
    close: () => inner.close(),
  };
  return c;
}

describe.each(backends)("stored shift table for `who`: $name", (backend) => {
  let ctx: BackendContext;
  let store: Store;
  let server: FeedServer;
  const logs: string[] = [];

  beforeAll(async () => {
    ctx = await backend.open();
  });
  afterAll(async () => {
    await ctx?.dispose();
  });
  beforeEach(async () => {
    store = await ctx.openMigratedStore();
    await store.transaction(async (tx) => {
      await tx.db.run(sql`delete from schedule_tables`);
      await tx.db.run(sql`delete from feeds`);
      await tx.db.run(sql`delete from feed_bodies`);
      await tx.db.run(sql`delete from slack_overrides`);
    });
    server = await startFeedServer(feed("Alice Example"));
    logs.length = 0;
  });
  afterEach(async () => {
    await server.close();
  });

  /** The server's refresh: fetches, computes its 228-day window, stores the copy and the table. */
  async function serverRefresh(cfg = config(server.url)): Promise<void> {
    const s = createScheduleService(store, cfg, { compute: createInlineCompute(), now: () => NOW, log: (l) => logs.push(l) });
    await s.start({ refresh: false });
    await s.stop();
  }

  /** What `calpage who` does: one refresh attempt, then the question. */
  async function who(opts: Partial<ScheduleServiceOptions> & { cfg?: Config; at?: number } = {}): Promise<{ answer: string[]; parses: number; loaded: boolean }> {
    const compute = countingCompute();
    const s = createScheduleService(store, opts.cfg ?? config(server.url), { compute, now: () => NOW, log: (l) => logs.push(l), window: { behindMs: DAY, aheadMs: DAY }, ...opts });
    await s.start({ refresh: false });
    try {
      const loaded = s.isLoaded("primary");
      return { answer: await s.whoIsOnCallAsync("primary", new Date(opts.at ?? NOW)), parses: compute.calls, loaded };
    } finally {
      await s.stop();
    }
  }

  /** The same question answered by parsing the copy, as every release before stored tables. */
  const parsed = (opts: { cfg?: Config; at?: number } = {}) => who({ ...opts, useStoredTables: false });

  it("answers from the stored table without parsing when the feed is down, exactly as parsing would, and records the failure", async () => {
    await serverRefresh();
    const stored = await store.read.scheduleTables.get("primary");
    expect(stored).toMatchObject({ windowFrom: NOW - 46 * DAY, windowTo: NOW + 182 * DAY });

    server.mode = "500";
    const fast = await who({ useStoredTables: true });
    expect(fast).toEqual({ answer: [TEAM.alice.email], parses: 0, loaded: true });
    expect(logs.at(-1)).toMatch(/primary feed refresh failed \(HTTP 500 from the feed\); serving the last good copy from /);
    const [f] = await store.read.feeds.freshness();
    expect(f).toMatchObject({ error: "HTTP 500 from the feed" });

    for (const at of [NOW, NOW + 13 * H, NOW - 7 * DAY + H, NOW - 3 * DAY]) {
      const slow = await parsed({ at });
      const quick = await who({ useStoredTables: true, at });
      expect(quick.answer).toEqual(slow.answer);
      expect(quick.parses).toBe(0);
    }
    // Tomorrow is Carol's, a week ago Bob's, three days ago nobody's: the answers above were not all the same.
    expect((await who({ useStoredTables: true, at: NOW + 13 * H })).answer).toEqual([TEAM.carol.email]);
    expect((await who({ useStoredTables: true, at: NOW - 3 * DAY })).answer).toEqual([]);
  });

  it("answers from the stored table when the feed says 304 Not Modified", async () => {
    await serverRefresh();
    const fast = await who({ useStoredTables: true });
    expect(server.statuses.at(-1)).toBe(304);
    expect(fast).toEqual({ answer: [TEAM.alice.email], parses: 0, loaded: true });
  });

  it("answers from the stored table when the feed sends the same bytes again (a file: no validators), and parses when they change", async () => {
    const dir = await mkdtemp(join(tmpdir(), "calpage-stored-table-"));
    try {
      const file = join(dir, "oncall.ics");
      await writeFile(file, feed("Alice Example"));
      await serverRefresh(config(file));
      expect(await who({ useStoredTables: true, cfg: config(file) })).toEqual({ answer: [TEAM.alice.email], parses: 0, loaded: true });
      await writeFile(file, feed("Carol Example"));
      const changed = await who({ useStoredTables: true, cfg: config(file) });
      expect(changed.answer).toEqual([TEAM.carol.email]);
      expect(changed.parses).toBeGreaterThan(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("parses when the feed has changed since the table was stored, and stores the new one", async () => {
    await serverRefresh();
    server.body = feed("Bob Example");
    const changed = await who({ useStoredTables: true });
    expect(changed).toMatchObject({ answer: [TEAM.bob.email] });
    expect(changed.parses).toBeGreaterThan(0);
    // The table `who` computed (its own day) now serves the next `who`, with the feed down.
    server.mode = "500";
    expect(await who({ useStoredTables: true })).toEqual({ answer: [TEAM.bob.email], parses: 0, loaded: true });
  });

  it("parses when another process stored a different copy (the table is keyed by the copy's hash)", async () => {
    await serverRefresh();
    server.mode = "500";
    const row = (await store.read.feeds.get("primary", "primary"))!;
    await store.transaction((tx) => tx.feeds.upsert({ ...row, body: feed("Carol Example") }));
    const r = await who({ useStoredTables: true });
    expect(r.answer).toEqual([TEAM.carol.email]);
    expect(r.parses).toBeGreaterThan(0);
  });

  it("parses when a Slack override was added since, and answers with it", async () => {
    await serverRefresh();
    server.mode = "500";
    await store.transaction((tx) =>
      tx.slackOverrides.insert({ id: "ov-1", schedule: "primary", userEmail: TEAM.bob.email, startAt: NOW - H, endAt: NOW + H, replacing: TEAM.alice.email, source: "cover", createdBy: "U0BOB001", createdAt: NOW - 2 * H, cancelledAt: null }),
    );
    const r = await who({ useStoredTables: true });
    expect(r.answer).toEqual([TEAM.bob.email]);
    expect(r.parses).toBeGreaterThan(0);
    expect(r.answer).toEqual((await parsed()).answer);
  });

  it("parses when the users changed (who an event names depends on them)", async () => {
    await serverRefresh();
    server.mode = "500";
    // With the same users the table serves.
    expect((await who({ useStoredTables: true })).parses).toBe(0);
    const full = config(server.url);
    const withoutAlice = { ...full, users: full.users.filter((u) => u.email !== TEAM.alice.email) };
    const r = await who({ useStoredTables: true, cfg: withoutAlice });
    expect(r.parses).toBeGreaterThan(0);
    expect(r.answer).toEqual([]);
    expect(r.answer).toEqual((await parsed({ cfg: withoutAlice })).answer);
  });

  it("parses a copy stored before calpage kept hashes (after an upgrade)", async () => {
    await serverRefresh();
    server.mode = "500";
    await store.transaction((tx) => tx.db.run(sql`update feed_bodies set body_sha256 = null`));
    const r = await who({ useStoredTables: true });
    expect(r).toMatchObject({ answer: [TEAM.alice.email], loaded: true });
    expect(r.parses).toBeGreaterThan(0);
  });

  it("reads and parses the copy for a time outside the stored window", async () => {
    await serverRefresh();
    server.mode = "500";
    // 60 weeks on (past the 182 days stored), in Bob's weekly two hours.
    const at = NOW + 2 * DAY + 60 * 7 * DAY + H;
    const r = await who({ useStoredTables: true, at });
    expect(r.answer).toEqual([TEAM.bob.email]);
    expect(r.answer).toEqual((await parsed({ at })).answer);
  });

  it("ignores a table that cannot be decoded", async () => {
    await serverRefresh();
    server.mode = "500";
    await store.transaction((tx) => tx.db.run(sql`update schedule_tables set data = ${"{\"count\":3}"}`));
    const r = await who({ useStoredTables: true });
    expect(r.answer).toEqual([TEAM.alice.email]);
    expect(r.parses).toBeGreaterThan(0);
  });
});
