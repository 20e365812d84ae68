import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { AccessService } from "../../src/access/access-service.js";
import type { GuardedGroupActions } from "../../src/access/guarded-group-actions.js";
import type { Config } from "../../src/config/config-types.js";
import { parseConfig } from "../../src/config/parse-config.js";
import { createApiService } from "../../src/http/api/api-service.js";
import { createInlineCompute, type ScheduleCompute } from "../../src/schedule/compute-client.js";
import { createScheduleService } from "../../src/schedule/schedule-service.js";
import type { Store } from "../../src/store/store.js";
import { ics, startFeedServer, TEAM, type FeedServer } from "../schedule/schedule-harness.js";
import { backends, type BackendContext } from "./backends.js";

/**
 * `GET /api/v1/oncall?at=` reaches 400 days from now, past the window calpage keeps computed (182
 * days ahead). Such a question is computed where schedules are computed (a worker thread in
 * calpage), never by parsing the feed on the thread that answers requests, takes alerts and runs
 * escalation timers — a read token asking about many far-off times must not stall paging.
 */

const H = 3_600_000;
const DAY = 24 * H;
const NOW = Math.floor(Date.now() / H) * H;
/** A weekly two-hour shift of Bob's, 42 weeks after its first: far past the computed window. */
const FIRST_WEEKLY = NOW + 2 * DAY;
const FAR = FIRST_WEEKLY + 42 * 7 * DAY + H;

function config(url: string): Config {
  const yaml = `users:
${[TEAM.alice, TEAM.bob].map((p) => `  - email: ${p.email}\n    name: ${p.name}`).join("\n")}
schedules:
  - name: primary
    feed: ${url}
    timezone: Europe/Berlin
`;
  const parsed = parseConfig(yaml, "/tmp/calpage.yaml", {});
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.value;
}

/** Where the schedule service computes (inline here), counting each computation. */
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

describe.each(backends)("API /oncall far from now: $name", (backend) => {
  let ctx: BackendContext;
  let store: Store;
  let server: FeedServer;

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
    });
    server = await startFeedServer(
      ics([
        { uid: "weekly", summary: "On call: Bob Example", start: new Date(FIRST_WEEKLY), end: new Date(FIRST_WEEKLY + 2 * H), rrule: "FREQ=WEEKLY" },
        { uid: "today", summary: "On call: Alice Example", start: new Date(NOW - 12 * H), end: new Date(NOW + 12 * H) },
      ]),
    );
  });
  afterEach(async () => {
    await server.close();
  });

  it("answers who is on call 300 days ahead through the schedule computation, with the shift under way", async () => {
    const cfg = config(server.url);
    const compute = countingCompute();
    const schedules = createScheduleService(store, cfg, { compute, now: () => NOW });
    await schedules.start({ refresh: false });
    try {
      const api = createApiService({
        config: cfg,
        store,
        schedules,
        guarded: (() => Promise.reject(new Error("no actions here"))) as unknown as GuardedGroupActions,
        access: { names: { person: (e: string) => e } } as unknown as AccessService,
        userGroupsOf: async () => new Set<string>(),
      });
      const before = compute.calls;
      const far = await api.oncall({ schedule: "primary", at: new Date(FAR) }, NOW);
      expect(compute.calls).toBe(before + 1);
      expect(far.schedules).toEqual([
        {
          schedule: "primary",
          timezone: "Europe/Berlin",
          known: true,
          users: [{ email: TEAM.bob.email, name: TEAM.bob.name }],
          shift: expect.objectContaining({ start: new Date(FAR - H).toISOString(), end: new Date(FAR + H).toISOString(), users: [{ email: TEAM.bob.email, name: TEAM.bob.name }] }),
        },
      ]);
      // An hour later Bob's shift is over: nobody, and no shift.
      const gap = await api.oncall({ schedule: "primary", at: new Date(FAR + 2 * H) }, NOW);
      expect(gap.schedules[0]).toMatchObject({ known: true, users: [], shift: null });
      // Now is still answered from the window in memory.
      const calls = compute.calls;
      const now = await api.oncall({ schedule: "primary" }, NOW);
      expect(now.schedules[0]!.users).toEqual([{ email: TEAM.alice.email, name: TEAM.alice.name }]);
      expect(compute.calls).toBe(calls);
    } finally {
      await schedules.stop();
    }
  });
});
