import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GroupEvent, GroupEventSink } from "../../src/alerts/group-events.js";
import { createGroupActions } from "../../src/alerts/group-actions.js";
import { sqliteJobQueue } from "../../src/jobs/sqlite-job-queue.js";
import { newGroupRecord } from "../../src/alerts/new-group-record.js";
import type { EscalationStep } from "../../src/config/config-types.js";
import { createSqliteStore } from "../../src/store/sqlite-store.js";
import type { Store } from "../../src/store/store.js";

const T0 = Date.parse("2026-12-05T03:00:00Z");

const CHAIN: EscalationStep[] = [
  { type: "notify_users", users: ["ada@example.com"], important: false },
  { type: "wait", seconds: 300 },
  { type: "notify_users", users: ["linus@example.com"], important: false },
];

/** A firing group on the chain above, inserted; its id. */
async function insertFiringGroup(store: Store, key: string): Promise<string> {
  return store.transaction(async (tx) => {
    const incoming = { groupingKey: key, title: "DiskFull on db-1", message: null, severity: null, labels: {}, links: [], alerts: [], truncatedAlerts: 0 };
    const g = await newGroupRecord(tx, incoming, { integration: "prod", chain: "db", chainSteps: CHAIN, channel: null }, T0);
    await tx.groups.insert(g);
    return g.id;
  });
}

/**
 * The order in which a change reaches the job queue: the action's own event (an outgoing webhook
 * delivery job) before the restarted chain's first step (whose job sends `escalated`), so the
 * receiver's delivery of `unacknowledged` is queued ahead of everything the step sends.
 */
describe("group actions tell their events in the order things happened", () => {
  let store: Store;
  const told: string[] = [];
  const sink: GroupEventSink = {
    async emit(_tx, _group, event: GroupEvent) {
      told.push(event.name);
    },
  };
  let act: ReturnType<typeof createGroupActions>;

  beforeAll(async () => {
    store = createSqliteStore(":memory:", (db, added) => {
      const queue = sqliteJobQueue(db, added);
      return {
        add: async (spec) => {
          told.push(`job ${spec.task}`);
          await queue.add(spec);
        },
        remove: (jobKey) => queue.remove(jobKey),
      };
    });
    await store.migrate();
    act = createGroupActions(store, {
      oncall: { whoIsOnCall: () => [] },
      users: new Map(),
      pager: { page: async () => undefined },
      events: sink,
    });
  });
  afterAll(async () => {
    await store?.close();
  });

  it.each([
    ["unacknowledge", "acknowledge"],
    ["unsilence", "silence"],
    ["unresolve", "resolve"],
  ] as const)("%s: its event, then the restarted chain's first step", async (undo, first) => {
    const id = await insertFiringGroup(store, `{}:{alertname="DiskFull",case="${undo}"}`);
    expect(await act(id, first, "U0ADA", T0 + 1_000, { seconds: 3600 })).toMatchObject({ ok: true });
    told.length = 0;
    expect(await act(id, undo, "U0ADA", T0 + 2_000)).toMatchObject({ ok: true });
    expect(told.filter((t) => t !== "job slack.sync")).toEqual([`${undo}d`, "job escalation.step"]);
  });

  it("refuses a silence that would end after the year 9999, saying so, and changes nothing", async () => {
    const id = await insertFiringGroup(store, `{}:{alertname="DiskFull",case="endless"}`);
    told.length = 0;
    const result = await act(id, "silence", "U0ADA", T0, { seconds: 99_999_999 * 7 * 86_400 });
    expect(result).toMatchObject({ ok: false });
    expect((result as { message: string }).message).toMatch(/^A silence of .+ would end after the year 9999; silence #\d+ for a shorter time, or forever\.$/);
    expect(await store.read.groups.get(id)).toMatchObject({ state: "firing", silencedUntil: null });
    expect(told).toEqual([]);
    expect(await act(id, "silence", "U0ADA", T0, { seconds: 7 * 86_400 })).toMatchObject({ ok: true });
  });
});
