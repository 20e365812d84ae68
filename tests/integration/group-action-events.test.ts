import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GroupEvent, GroupEventSink } from "../../src/alerts/group-events.js";
import { createGroupActions } from "../../src/alerts/group-actions.js";
import { sqliteJobQueue } from "../../src/jobs/sqlite-job-queue.js";
import type { AlertGroupRecord } from "../../src/store/repositories/alert-group-record.js";
import { createSqliteStore } from "../../src/store/sqlite-store.js";
import type { Store } from "../../src/store/store.js";

const T0 = Date.parse("2026-12-05T03:00:00Z");

function firingGroup(id: string, number: number): AlertGroupRecord {
  return {
    id,
    number,
    integration: "prod",
    groupingKey: `{}:{alertname="DiskFull",n="${number}"}`,
    state: "firing",
    title: "DiskFull on db-1",
    message: null,
    severity: null,
    labels: {},
    links: [],
    silenceUrl: null,
    chain: "db",
    chainSteps: [
      { type: "notify_users", users: ["ada@example.com"], important: false },
      { type: "wait", seconds: 300 },
      { type: "notify_users", users: ["linus@example.com"], important: false },
    ],
    channel: null,
    alertCount: 1,
    firingCount: 1,
    truncatedAlerts: 0,
    firstAlertAt: T0,
    lastAlertAt: T0,
    acknowledgedBy: null,
    acknowledgedAt: null,
    resolvedBy: null,
    resolvedAt: null,
    silencedBy: null,
    silencedUntil: null,
    slackChannelId: null,
    slackTs: null,
    escalation: { status: "idle", seq: 0, stepIndex: 0, repeatsDone: 0, nextAt: null },
    createdAt: T0,
    updatedAt: T0,
  };
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
  let groups = 0;
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
    const id = `grp-${undo}`;
    await store.transaction((tx) => tx.groups.insert(firingGroup(id, ++groups)));
    expect(await act(id, first, "U0ADA", T0 + 1_000, { seconds: 3600 })).toMatchObject({ ok: true });
    told.length = 0;
    expect(await act(id, undo, "U0ADA", T0 + 2_000)).toMatchObject({ ok: true });
    expect(told.filter((t) => t !== "job slack.sync")).toEqual([`${undo}d`, "job escalation.step"]);
  });
});
