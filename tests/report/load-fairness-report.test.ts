import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../../src/config/config-types.js";
import { sqliteJobQueue } from "../../src/jobs/sqlite-job-queue.js";
import { loadFairnessReport } from "../../src/report/load-fairness-report.js";
import type { AlertGroupRecord } from "../../src/store/repositories/alert-group-record.js";
import type { PageRecord } from "../../src/store/repositories/pages-repository.js";
import { createSqliteStore } from "../../src/store/sqlite-store.js";
import type { Store } from "../../src/store/store.js";

const berlin = (wall: string) => DateTime.fromFormat(wall, "yyyy-MM-dd HH:mm", { zone: "Europe/Berlin" }).toMillis();
const day = (d: string) => new Date(berlin(`${d} 00:00`));

function group(n: number): AlertGroupRecord {
  return {
    id: `grp-${randomUUID()}`,
    number: n,
    integration: "am",
    groupingKey: `k${n}`,
    state: "resolved",
    title: `Alert ${n}`,
    message: null,
    severity: null,
    labels: {},
    links: [],
    silenceUrl: null,
    chain: null,
    chainSteps: [],
    channel: null,
    alertCount: 1,
    firingCount: 0,
    truncatedAlerts: 0,
    firstAlertAt: 0,
    lastAlertAt: 0,
    acknowledgedBy: null,
    acknowledgedAt: null,
    resolvedBy: null,
    resolvedAt: null,
    silencedBy: null,
    silencedUntil: null,
    slackChannelId: null,
    slackTs: null,
    escalation: { status: "stopped", seq: 1, stepIndex: 0, repeatsDone: 0, nextAt: null },
    createdAt: 0,
    updatedAt: 0,
  };
}

function delivered(g: AlertGroupRecord, userEmail: string, channel: PageRecord["channel"], sentAt: number): PageRecord {
  return {
    id: `page-${randomUUID()}`,
    groupId: g.id,
    dedupeKey: `${g.id}:${userEmail}:${channel}`,
    userEmail,
    channel,
    important: false,
    state: "delivered",
    attempts: 1,
    error: null,
    externalRef: `ref-${randomUUID()}`,
    phone: null,
    sentAt,
    ladderKey: null,
    createdAt: sentAt,
    updatedAt: sentAt,
  };
}

const config = {
  timezone: "Europe/Berlin",
  schedules: [],
  users: [{ email: "alice@example.com", name: "Alice Example", aliases: [], slackId: null, timezone: null }],
} as unknown as Config;

describe("loadFairnessReport over a stored month boundary", () => {
  let dir: string;
  let store: Store;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "calpage-load-report-"));
    store = createSqliteStore(join(dir, "calpage.db"), (db, added) => sqliteJobQueue(db, added));
    await store.migrate();
    // #1 reached Alice by DM on the last evening of February, and by SMS (the same ladder) just after midnight.
    const g = group(1);
    await store.transaction(async (tx) => {
      await tx.groups.insert(g);
      await tx.pages.insertIfNew(delivered(g, "alice@example.com", "slack_dm", berlin("2026-02-28 23:50")));
      await tx.pages.insertIfNew(delivered(g, "alice@example.com", "sms", berlin("2026-03-01 00:05")));
    });
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const pagesIn = async (from: string, to: string) => {
    const { report } = await loadFairnessReport({ config, store, schedules: { isLoaded: () => true, shiftsAsync: async () => [] } }, { from: day(from), to: day(to), schedule: null });
    return Object.fromEntries(report.months.map((m) => [m.label, m.people.find((p) => p.email === "alice@example.com")?.pages ?? 0]));
  };

  it("counts a ladder's page once, in the month of its first delivery, whatever range the report covers", async () => {
    // February and March together: one page, in February.
    expect(await pagesIn("2026-02-01", "2026-04-01")).toEqual({ "2026-02": 1, "2026-03": 0 });
    // Each month alone says the same: March does not count the SMS of February's page again.
    expect(await pagesIn("2026-02-01", "2026-03-01")).toEqual({ "2026-02": 1 });
    expect(await pagesIn("2026-03-01", "2026-04-01")).toEqual({ "2026-03": 0 });
  });
});
