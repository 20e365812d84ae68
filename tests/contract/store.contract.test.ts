import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { distinctAlerts } from "../../src/alerts/alert-identity.js";
import type { IncomingAlert } from "../../src/alerts/incoming-group.js";
import { isUniqueViolation } from "../../src/store/db.js";
import type { AlertGroupRecord } from "../../src/store/repositories/alert-group-record.js";
import type { FeedRecord } from "../../src/store/repositories/feeds-repository.js";
import type { PageRecord } from "../../src/store/repositories/pages-repository.js";
import type { AddedJob } from "../../src/jobs/job-queue.js";
import type { Store } from "../../src/store/store.js";
import { backends, type BackendContext } from "./backends.js";

/** Epoch ms well past 2^31 (2026-01-01T00:00:00.123Z), so a 32-bit or string round trip shows. */
const T0 = 1_767_225_600_123;

let groupSeq = 0;

/** A group with every field set, JSON fields included; `over` replaces fields. */
function fullGroup(over: Partial<AlertGroupRecord> = {}): AlertGroupRecord {
  const n = ++groupSeq;
  return {
    id: `grp-${n}-${randomUUID()}`,
    number: n,
    integration: "alertmanager-main",
    groupingKey: `{}:{alertname="DiskFull", n="${n}"}`,
    state: "acknowledged",
    title: "DiskFull on db-1",
    message: "Only 3% left on /var/lib/postgresql — \"urgent\"\nsecond line",
    severity: "critical",
    labels: { alertname: "DiskFull", instance: "db-1:9100", team: "dätabase ✓" },
    links: [
      { title: "Runbook", url: "https://runbooks.example/disk-full" },
      { title: "Dashboard", url: "https://grafana.example/d/abc?var-host=db-1&from=now-1h" },
    ],
    silenceUrl: "http://alertmanager.example:9093/#/silences/new?filter=%7Balertname%3D%22DiskFull%22%7D",
    chain: "database",
    chainSteps: [
      { type: "notify_users", users: ["ada@example.com", "linus@example.com"], important: false },
      { type: "wait", seconds: 300 },
      { type: "notify_schedule", schedule: "db-primary", important: true },
      { type: "repeat", times: 2 },
    ],
    channel: "#db-alerts",
    alertCount: 7,
    firingCount: 5,
    truncatedAlerts: 2,
    firstAlertAt: T0,
    lastAlertAt: T0 + 61_000,
    acknowledgedBy: "U0ADA",
    acknowledgedAt: T0 + 120_000,
    resolvedBy: "U0LINUS",
    resolvedAt: T0 + 180_000,
    silencedBy: "U0GRACE",
    silencedUntil: T0 + 3_600_000,
    slackChannelId: "C0ALERTS",
    slackTs: "1767225600.000100",
    escalation: { status: "stopped", seq: 5, stepIndex: 2, repeatsDone: 1, nextAt: T0 + 300_000 },
    createdAt: T0,
    updatedAt: T0 + 180_001,
    ...over,
  };
}

/** A just-opened firing group: every nullable field null, escalation idle. */
function bareGroup(over: Partial<AlertGroupRecord> = {}): AlertGroupRecord {
  return fullGroup({
    state: "firing",
    message: null,
    severity: null,
    labels: {},
    links: [],
    silenceUrl: null,
    chain: null,
    chainSteps: [],
    channel: null,
    alertCount: 1,
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
    updatedAt: T0,
    ...over,
  });
}

function page(groupId: string, over: Partial<PageRecord> = {}): PageRecord {
  return {
    id: `page-${randomUUID()}`,
    groupId,
    dedupeKey: `${groupId}:0:0:ada@example.com:slack_dm`,
    userEmail: "ada@example.com",
    channel: "slack_dm",
    important: true,
    state: "pending",
    attempts: 0,
    error: null,
    externalRef: null,
    phone: null,
    sentAt: null,
    ladderKey: null,
    createdAt: T0,
    updatedAt: T0,
    ...over,
  };
}

/** A unique integration name, so each test sees only its own groups in a shared database. */
const integration = (what: string) => `${what}-${randomUUID().slice(0, 8)}`;

describe.each(backends)("store contract: $name", (backend) => {
  let ctx: BackendContext;
  let store: Store;

  beforeAll(async () => {
    ctx = await backend.open();
    store = await ctx.openMigratedStore();
  });

  afterAll(async () => {
    await ctx?.dispose();
  });

  describe("migrate", () => {
    it("is idempotent: running it again on a migrated database changes nothing", async () => {
      const g = bareGroup({ integration: integration("migrate-twice") });
      await store.transaction((tx) => tx.groups.insert(g));
      await store.migrate();
      await store.migrate();
      expect(await store.read.groups.get(g.id)).toStrictEqual(g);
    });

    it("two stores migrating the same fresh storage at the same time both succeed", async () => {
      const fresh = await backend.open();
      try {
        const a = fresh.openStore();
        const b = fresh.openStore();
        const results = await Promise.allSettled([a.migrate(), b.migrate()]);
        expect(results.map((r) => (r.status === "fulfilled" ? "ok" : String(r.reason)))).toEqual(["ok", "ok"]);
        // Both see a working schema, jobs included.
        const g = bareGroup({ integration: "fresh" });
        await a.transaction(async (tx) => {
          await tx.groups.insert(g);
          await tx.jobs.add({ task: "sweep", payload: {}, runAt: new Date(Date.now() + 3_600_000) });
        });
        expect(await b.read.groups.get(g.id)).toStrictEqual(g);
        expect(await fresh.jobCount(b)).toBe(1);
        await b.migrate();
      } finally {
        await fresh.dispose();
      }
    });
  });

  describe("alert groups", () => {
    it("insert/get round-trips every field: JSON, nulls, epoch-ms numbers as numbers", async () => {
      const full = fullGroup({ integration: integration("roundtrip") });
      const bare = bareGroup({ integration: integration("roundtrip") });
      await store.transaction(async (tx) => {
        await tx.groups.insert(full);
        await tx.groups.insert(bare);
      });
      const gotFull = await store.read.groups.get(full.id);
      const gotBare = await store.read.groups.get(bare.id);
      expect(gotFull).toStrictEqual(full);
      expect(gotBare).toStrictEqual(bare);
      expect(typeof gotFull?.firstAlertAt).toBe("number");
      expect(typeof gotFull?.number).toBe("number");
      expect(await store.read.groups.get("no-such-group")).toBeNull();
    });

    it("listAliveBetween returns the groups that existed during a shift (for the handoff), oldest first", async () => {
      const name = integration("alive");
      const H = 3_600_000;
      const from = T0 + 40 * 24 * H;
      const to = from + 8 * H;
      const before = bareGroup({ integration: name, state: "resolved", createdAt: from - H, resolvedAt: from - 1 });
      const spanning = bareGroup({ integration: name, state: "resolved", createdAt: from - H, resolvedAt: from + H });
      const during = bareGroup({ integration: name, state: "acknowledged", createdAt: from + H, acknowledgedAt: from + 2 * H });
      const after = bareGroup({ integration: name, createdAt: to });
      await store.transaction(async (tx) => {
        for (const g of [before, spanning, during, after]) await tx.groups.insert(g);
      });
      const alive = (await store.read.groups.listAliveBetween(from, to)).filter((g) => g.integration === name);
      expect(alive.map((g) => g.id)).toEqual([spanning.id, during.id]);
    });

    it("countForUserBetween counts the pages a person got during a shift", async () => {
      const g = bareGroup({ integration: integration("page-count") });
      const email = `count-${randomUUID().slice(0, 8)}@example.com`;
      await store.transaction(async (tx) => {
        await tx.groups.insert(g);
        for (const [i, at] of [T0 - 1, T0, T0 + 5, T0 + 9].entries()) await tx.pages.insertIfNew(page(g.id, { userEmail: email, dedupeKey: `${g.id}:${i}`, createdAt: at }));
      });
      expect(await store.read.pages.countForUserBetween(email, T0, T0 + 9)).toBe(2);
      expect(await store.read.pages.countForUserBetween("nobody@example.com", T0, T0 + 9)).toBe(0);
    });

    it("getByNumber, findOpen and get with lock inside a transaction return the same record", async () => {
      const g = fullGroup({ state: "firing", integration: integration("lookup") });
      await store.transaction((tx) => tx.groups.insert(g));
      expect(await store.read.groups.getByNumber(g.number)).toStrictEqual(g);
      expect(await store.read.groups.getByNumber(987_654_321)).toBeNull();
      expect(await store.read.groups.findOpen(g.integration, g.groupingKey)).toStrictEqual(g);
      expect(await store.read.groups.findOpen(g.integration, "other-key")).toBeNull();
      expect(await store.read.groups.findOpen("other-integration", g.groupingKey)).toBeNull();
      const locked = await store.transaction(async (tx) => ({
        open: await tx.groups.findOpen(g.integration, g.groupingKey, { lock: true }),
        byId: await tx.groups.get(g.id, { lock: true }),
      }));
      expect(locked).toStrictEqual({ open: g, byId: g });
    });

    it("update changes exactly the patched fields, including setting and clearing nullables and JSON", async () => {
      const g = bareGroup({ integration: integration("update") });
      await store.transaction((tx) => tx.groups.insert(g));
      const patch1 = {
        state: "acknowledged" as const,
        acknowledgedBy: "U0ADA",
        acknowledgedAt: T0 + 5_000,
        labels: { alertname: "DiskFull", extra: "yes" },
        links: [{ title: "Runbook", url: "https://runbooks.example/x" }],
        alertCount: 2,
        slackChannelId: "C0ALERTS",
        slackTs: "1767225600.000200",
        escalation: { status: "stopped" as const, seq: 3, stepIndex: 1, repeatsDone: 0, nextAt: null },
        updatedAt: T0 + 5_000,
      };
      await store.transaction((tx) => tx.groups.update(g.id, patch1));
      expect(await store.read.groups.get(g.id)).toStrictEqual({ ...g, ...patch1 });

      const patch2 = { acknowledgedBy: null, acknowledgedAt: null, state: "firing" as const, message: "back again", updatedAt: T0 + 9_000 };
      await store.transaction((tx) => tx.groups.update(g.id, patch2));
      expect(await store.read.groups.get(g.id)).toStrictEqual({ ...g, ...patch1, ...patch2 });
    });

    it("listOpen lists unresolved groups, newest number first", async () => {
      const name = integration("list-open");
      const [a, b, c, d] = [
        bareGroup({ integration: name }),
        fullGroup({ integration: name, state: "acknowledged" }),
        fullGroup({ integration: name, state: "silenced" }),
        fullGroup({ integration: name, state: "resolved" }),
      ];
      await store.transaction(async (tx) => {
        for (const g of [a, b, c, d]) await tx.groups.insert(g!);
      });
      const open = (await store.read.groups.listOpen(10_000)).filter((g) => g.integration === name);
      expect(open).toStrictEqual([c, b, a]);
      expect(await store.read.groups.listOpen(1)).toHaveLength(1);
    });

    it("search filters by states, integration and creation time, newest number first, and pages with beforeNumber", async () => {
      const name = integration("search");
      const other = integration("search-other");
      const groups = [
        bareGroup({ integration: name, createdAt: T0 }),
        fullGroup({ integration: name, state: "acknowledged", createdAt: T0 + 1000 }),
        fullGroup({ integration: name, state: "silenced", createdAt: T0 + 2000 }),
        fullGroup({ integration: name, state: "resolved", createdAt: T0 + 3000 }),
        bareGroup({ integration: other, createdAt: T0 + 1500 }),
      ];
      await store.transaction(async (tx) => {
        for (const g of groups) await tx.groups.insert(g);
      });
      const [a, b, c, d] = groups;
      const numbers = (list: AlertGroupRecord[]) => list.map((g) => g.number);
      expect(await store.read.groups.search({ integration: name, limit: 10 })).toStrictEqual([d, c, b, a]);
      expect(numbers(await store.read.groups.search({ integration: name, states: ["firing", "silenced"], limit: 10 }))).toEqual([c!.number, a!.number]);
      expect(numbers(await store.read.groups.search({ integration: name, since: T0 + 1000, until: T0 + 3000, limit: 10 }))).toEqual([c!.number, b!.number]);
      // Two pages of two: the second starts below the first page's last number.
      const first = await store.read.groups.search({ integration: name, limit: 2 });
      const second = await store.read.groups.search({ integration: name, limit: 2, beforeNumber: first[1]!.number });
      expect([...numbers(first), ...numbers(second)]).toEqual(numbers([d!, c!, b!, a!]));
      expect(await store.read.groups.search({ integration: name, limit: 2, beforeNumber: a!.number })).toEqual([]);
      // Without an integration every group counts; the other integration's firing group is among them.
      expect(numbers(await store.read.groups.search({ states: ["firing"], since: T0 + 1500, until: T0 + 1501, limit: 10 }))).toContain(groups[4]!.number);
    });

    it("listDueEscalations returns firing groups whose active step is due before the time, soonest first", async () => {
      const name = integration("due");
      const active = (nextAt: number) => ({ status: "active" as const, seq: 1, stepIndex: 1, repeatsDone: 0, nextAt });
      // Far in the past, so groups of other tests (idle or later) never fall into the window.
      const base = 1_000_000;
      const dueLater = bareGroup({ integration: name, escalation: active(base + 2_000) });
      const dueFirst = bareGroup({ integration: name, escalation: active(base + 1_000) });
      const notYet = bareGroup({ integration: name, escalation: active(base + 9_000) });
      const acked = fullGroup({ integration: name, state: "acknowledged", escalation: active(base + 500) });
      const idle = bareGroup({ integration: name });
      const becomesDue = bareGroup({ integration: name });
      await store.transaction(async (tx) => {
        for (const g of [dueLater, dueFirst, notYet, acked, idle, becomesDue]) await tx.groups.insert(g);
        // An update that sets escalation recomputes when the group is due.
        await tx.groups.update(becomesDue.id, { escalation: active(base + 1_500) });
      });
      const due = await store.read.groups.listDueEscalations(base + 5_000);
      expect(due.map((g) => g.id)).toStrictEqual([dueFirst.id, becomesDue.id, dueLater.id]);
      expect(due[0]).toStrictEqual(dueFirst);
      expect(await store.read.groups.listDueEscalations(base + 5_000, 1)).toHaveLength(1);

      await store.transaction((tx) => tx.groups.update(dueFirst.id, { escalation: { ...dueFirst.escalation, status: "stopped" } }));
      expect((await store.read.groups.listDueEscalations(base + 5_000)).map((g) => g.id)).toStrictEqual([becomesDue.id, dueLater.id]);
    });

    it("allows only one open group per (integration, grouping key); a new one may open after it is resolved", async () => {
      const name = integration("unique");
      const first = bareGroup({ integration: name, groupingKey: "same" });
      await store.transaction((tx) => tx.groups.insert(first));

      const duplicate = bareGroup({ integration: name, groupingKey: "same" });
      let caught: unknown;
      try {
        await store.transaction((tx) => tx.groups.insert(duplicate));
      } catch (error) {
        caught = error;
      }
      expect(caught, "second open group with the same key must be refused").toBeDefined();
      expect(isUniqueViolation(caught)).toBe(true);
      expect(await store.read.groups.get(duplicate.id)).toBeNull();

      // The same key under another integration is a different group.
      const elsewhere = bareGroup({ integration: `${name}-other`, groupingKey: "same" });
      await store.transaction((tx) => tx.groups.insert(elsewhere));

      await store.transaction((tx) => tx.groups.update(first.id, { state: "resolved", resolvedAt: T0 + 1, resolvedBy: "U0ADA" }));
      expect(await store.read.groups.findOpen(name, "same")).toBeNull();
      const reopened = bareGroup({ integration: name, groupingKey: "same" });
      await store.transaction((tx) => tx.groups.insert(reopened));
      expect(await store.read.groups.findOpen(name, "same")).toStrictEqual(reopened);
      expect((await store.read.groups.get(first.id))?.state).toBe("resolved");
    });

    it("a duplicate group number is a unique violation too", async () => {
      const g = bareGroup({ integration: integration("number") });
      await store.transaction((tx) => tx.groups.insert(g));
      const clash = bareGroup({ integration: integration("number"), number: g.number });
      const error = await store.transaction((tx) => tx.groups.insert(clash)).then(
        () => null,
        (e: unknown) => e,
      );
      expect(isUniqueViolation(error)).toBe(true);
    });
  });

  describe("counters", () => {
    it("next gives 1, 2, 3 per name", async () => {
      const name = integration("counter");
      const got: number[] = [];
      for (let i = 0; i < 3; i++) got.push(await store.transaction((tx) => tx.counters.next(name)));
      expect(got).toStrictEqual([1, 2, 3]);
      expect(await store.transaction((tx) => tx.counters.next(`${name}-other`))).toBe(1);
    });

    it("peek reads the current value without using one up (0 for a new name)", async () => {
      const name = integration("counter-peek");
      expect(await store.read.counters.peek(name)).toBe(0);
      await store.transaction((tx) => tx.counters.next(name));
      await store.transaction((tx) => tx.counters.next(name));
      expect(await store.read.counters.peek(name)).toBe(2);
      expect(await store.read.counters.peek(name)).toBe(2);
      expect(await store.transaction((tx) => tx.counters.next(name))).toBe(3);
    });

    it("20 concurrent transactions get 20 distinct values, 1..20", async () => {
      const name = integration("counter-race");
      const values = await Promise.all(
        Array.from({ length: 20 }, () => store.transaction((tx) => tx.counters.next(name))),
      );
      expect([...values].sort((x, y) => x - y)).toStrictEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    });

    it("a rolled-back increment is not used up", async () => {
      const name = integration("counter-rollback");
      expect(await store.transaction((tx) => tx.counters.next(name))).toBe(1);
      await expect(
        store.transaction(async (tx) => {
          await tx.counters.next(name);
          throw new Error("boom");
        }),
      ).rejects.toThrow("boom");
      expect(await store.transaction((tx) => tx.counters.next(name))).toBe(2);
    });
  });

  describe("pages", () => {
    it("insertIfNew inserts once per dedupe key and round-trips every field", async () => {
      const g = bareGroup({ integration: integration("pages") });
      await store.transaction((tx) => tx.groups.insert(g));
      const p1 = page(g.id);
      const p1again = page(g.id, { id: `page-${randomUUID()}`, userEmail: "someone-else@example.com" });
      const p2 = page(g.id, { dedupeKey: `${g.id}:0:0:ada@example.com:sms`, important: false, createdAt: T0 + 1, updatedAt: T0 + 1 });
      const inserted = await store.transaction(async (tx) => [
        await tx.pages.insertIfNew(p1),
        await tx.pages.insertIfNew(p1again),
        await tx.pages.insertIfNew(p2),
      ]);
      expect(inserted).toStrictEqual([true, false, true]);
      expect(await store.transaction((tx) => tx.pages.insertIfNew(p1again))).toBe(false);
      expect(await store.read.pages.listForGroup(g.id)).toStrictEqual([p1, p2]);
      expect(await store.read.pages.get(p1again.id)).toBeNull();

      await store.transaction(async (tx) => {
        const locked = await tx.pages.get(p1.id, { lock: true });
        expect(locked).toStrictEqual(p1);
        await tx.pages.update(p1.id, { state: "sent", attempts: 1, externalRef: "D0ADA:1767225600.000300", updatedAt: T0 + 9 });
      });
      expect(await store.read.pages.get(p1.id)).toStrictEqual({
        ...p1,
        state: "sent",
        attempts: 1,
        externalRef: "D0ADA:1767225600.000300",
        updatedAt: T0 + 9,
      });
      await store.transaction((tx) => tx.pages.update(p2.id, { state: "failed", error: "channel_not_found", updatedAt: T0 + 10 }));
      expect(await store.read.pages.get(p2.id)).toMatchObject({ state: "failed", error: "channel_not_found", updatedAt: T0 + 10 });
    });

    it("listOpenPagedFor lists the open groups that paged a person, newest first, and not resolved ones or others", async () => {
      const who = `paged-${randomUUID()}@example.com`;
      const [older, newer, resolved, other] = [1, 2, 3, 4].map(() => bareGroup({ integration: integration("paged-for") }));
      await store.transaction(async (tx) => {
        for (const g of [older!, newer!, resolved!, other!]) await tx.groups.insert(g);
        await tx.groups.update(newer!.id, { state: "acknowledged", acknowledgedBy: "U0ADA0001" });
        await tx.groups.update(resolved!.id, { state: "resolved" });
        // Two pages for one group list it once.
        for (const g of [older!, older!, newer!, resolved!]) await tx.pages.insertIfNew(page(g.id, { userEmail: who, dedupeKey: `${g.id}:${randomUUID()}` }));
        await tx.pages.insertIfNew(page(other!.id, { dedupeKey: `${other!.id}:someone-else` }));
      });
      const listed = await store.read.groups.listOpenPagedFor(who);
      expect(listed.map((g) => g.id)).toEqual([older!, newer!].sort((a, b) => b.number - a.number).map((g) => g.id));
      expect(listed.find((g) => g.id === newer!.id)).toMatchObject({ state: "acknowledged", acknowledgedBy: "U0ADA0001" });
      expect(await store.read.groups.listOpenPagedFor(who, 1)).toHaveLength(1);
      expect(await store.read.groups.listOpenPagedFor(`nobody-${randomUUID()}@example.com`)).toEqual([]);
    });

    it("user settings keep quiet hours, and clear them", async () => {
      const who = `quiet-${randomUUID()}@example.com`;
      await store.transaction((tx) => tx.userSettings.upsert(who, { quietFrom: "22:00", quietTo: "07:00" }, T0));
      expect(await store.read.userSettings.get(who)).toMatchObject({ quietFrom: "22:00", quietTo: "07:00", smsOptOut: false, rules: null });
      expect(await store.read.userSettings.emailsWithQuietHours()).toContain(who);
      await store.transaction((tx) => tx.userSettings.upsert(who, { quietFrom: null, quietTo: null }, T0 + 1));
      expect(await store.read.userSettings.get(who)).toMatchObject({ quietFrom: null, quietTo: null, updatedAt: T0 + 1 });
      expect(await store.read.userSettings.emailsWithQuietHours()).not.toContain(who);
    });

    it("sentToPhoneSince counts every call Twilio took, answered or not, and nothing that never went out", async () => {
      const g = bareGroup({ integration: integration("throttle") });
      const phone = `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;
      const call = (n: number, over: Partial<PageRecord>) =>
        page(g.id, { dedupeKey: `${g.id}:call:${n}`, channel: "call", phone, sentAt: T0 + n, ...over });
      await store.transaction(async (tx) => {
        await tx.groups.insert(g);
        await tx.pages.insertIfNew(call(1, { state: "answered", externalRef: "CA1" }));
        await tx.pages.insertIfNew(call(2, { state: "failed", externalRef: "CA2", error: "call completed without a keypress" }));
        await tx.pages.insertIfNew(call(3, { state: "sending" }));
        await tx.pages.insertIfNew(call(4, { state: "sent", externalRef: "CA4" }));
        // Twilio refused it: nothing rang.
        await tx.pages.insertIfNew(call(5, { state: "failed", error: "HTTP 400" }));
        await tx.pages.insertIfNew(call(6, { state: "throttled", sentAt: null }));
        await tx.pages.insertIfNew(call(7, { state: "delivered", externalRef: "CA7", sentAt: T0 - 1000 }));
        await tx.pages.insertIfNew(page(g.id, { dedupeKey: `${g.id}:sms:1`, channel: "sms", phone, state: "sent", externalRef: "SM1", sentAt: T0 + 8 }));
      });
      expect(await store.read.pages.sentToPhoneSince(phone, "call", T0 - 10)).toEqual([T0 + 1, T0 + 2, T0 + 3, T0 + 4]);
      expect(await store.read.pages.sentToPhoneSince(phone, "sms", T0 - 10)).toEqual([T0 + 8]);
    });

    it("heldBackSms lists a number's throttled texts newest first with their group numbers, and nothing else", async () => {
      const g1 = bareGroup({ integration: integration("held") });
      const g2 = bareGroup({ integration: integration("held") });
      const phone = `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;
      const other = `+1666${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;
      const sms = (g: AlertGroupRecord, n: number, over: Partial<PageRecord> = {}) =>
        page(g.id, { dedupeKey: `${g.id}:sms:${n}`, channel: "sms", phone, state: "throttled", createdAt: T0 + n, ...over });
      const oldest = sms(g1, 1);
      const middle = sms(g2, 2);
      const newest = sms(g1, 3);
      await store.transaction(async (tx) => {
        await tx.groups.insert(g1);
        await tx.groups.insert(g2);
        await tx.pages.insertIfNew(middle);
        await tx.pages.insertIfNew(newest);
        await tx.pages.insertIfNew(oldest);
        // Not held back, another channel, another number: not part of the bundle.
        await tx.pages.insertIfNew(sms(g1, 4, { state: "sent", externalRef: "SM4", sentAt: T0 + 4 }));
        await tx.pages.insertIfNew(sms(g1, 5, { channel: "call" }));
        await tx.pages.insertIfNew(sms(g2, 6, { phone: other }));
      });
      expect(await store.read.pages.heldBackSms(phone, 10)).toEqual([
        { id: newest.id, groupId: g1.id, groupNumber: g1.number },
        { id: middle.id, groupId: g2.id, groupNumber: g2.number },
        { id: oldest.id, groupId: g1.id, groupNumber: g1.number },
      ]);
      expect((await store.read.pages.heldBackSms(phone, 2)).map((h) => h.id)).toEqual([newest.id, middle.id]);
      expect(await store.read.pages.heldBackSms(other, 10)).toEqual([{ id: expect.any(String), groupId: g2.id, groupNumber: g2.number }]);
    });

    it("listForReport: every page of the groups paged or acknowledged in the range (the fairness report)", async () => {
      // A range of its own, far from every other test's times (the database is shared).
      const from = T0 + 1_000_000_000 + Math.floor(Math.random() * 1e9) * 10;
      const to = from + 30 * 86_400_000;
      const paged = bareGroup({ integration: integration("report") });
      const ackedLate = bareGroup({ integration: integration("report"), state: "acknowledged", acknowledgedBy: "U0ADA", acknowledgedAt: from + 5 });
      const ackedAfter = bareGroup({ integration: integration("report"), state: "acknowledged", acknowledgedBy: "U0ADA", acknowledgedAt: to });
      const inRange = page(paged.id, { dedupeKey: `${paged.id}:in`, state: "sent", sentAt: from, createdAt: from - 1 });
      const neverSent = page(paged.id, { dedupeKey: `${paged.id}:pending`, createdAt: to - 1 });
      const before = page(paged.id, { dedupeKey: `${paged.id}:before`, state: "sent", sentAt: from - 1, createdAt: from - 2 });
      const atEnd = page(paged.id, { dedupeKey: `${paged.id}:end`, state: "sent", sentAt: to, createdAt: to });
      // Paged before the range, acknowledged in it: its page comes along, to time the acknowledgement.
      const ofAcked = page(ackedLate.id, { dedupeKey: `${ackedLate.id}:0`, state: "delivered", sentAt: from - 60_000, createdAt: from - 60_000 });
      const ofAckedAfter = page(ackedAfter.id, { dedupeKey: `${ackedAfter.id}:0`, state: "delivered", sentAt: from - 60_000, createdAt: from - 60_000 });
      await store.transaction(async (tx) => {
        for (const g of [paged, ackedLate, ackedAfter]) await tx.groups.insert(g);
        for (const p of [inRange, neverSent, before, atEnd, ofAcked, ofAckedAfter]) await tx.pages.insertIfNew(p);
      });
      // A group paged in the range brings its earlier and later pages too (its first delivery says which month counts it).
      const unpaged = bareGroup({ integration: integration("report") });
      const onlyBefore = page(unpaged.id, { dedupeKey: `${unpaged.id}:before`, state: "sent", sentAt: from - 1, createdAt: from - 2 });
      await store.transaction(async (tx) => {
        await tx.groups.insert(unpaged);
        await tx.pages.insertIfNew(onlyBefore);
      });
      expect((await store.read.pages.listForReport(from, to)).map((p) => p.id)).toStrictEqual([ofAcked.id, before.id, inRange.id, neverSent.id, atEnd.id]);
      expect(await store.read.groups.listAcknowledgedBetween(from, to)).toStrictEqual([{ id: ackedLate.id, acknowledgedBy: "U0ADA", acknowledgedAt: from + 5 }]);
    });

    it("update with unlessState leaves a page in that state as it is", async () => {
      const g = bareGroup({ integration: integration("answered") });
      const p = page(g.id, { channel: "call", state: "answered" });
      await store.transaction(async (tx) => {
        await tx.groups.insert(g);
        await tx.pages.insertIfNew(p);
        await tx.pages.update(p.id, { state: "sent", updatedAt: T0 + 5 }, { unlessState: "answered" });
      });
      expect(await store.read.pages.get(p.id)).toStrictEqual(p);
      await store.transaction((tx) => tx.pages.update(p.id, { state: "failed", updatedAt: T0 + 6 }, { unlessState: "sending" }));
      expect(await store.read.pages.get(p.id)).toMatchObject({ state: "failed", updatedAt: T0 + 6 });
    });
  });

  describe("ladder runs", () => {
    it("save/get round-trips a run; a responder request's flag survives updates, and a run without it reads as not one", async () => {
      const g = bareGroup({ integration: integration("ladders") });
      await store.transaction((tx) => tx.groups.insert(g));
      const state = { status: "active" as const, run: 1, seq: 2, rung: 2, attempt: 0, awaitingCall: false, nextAt: T0 + 60_000 };
      const steps = [{ type: "slack_dm" as const }, { type: "wait" as const, seconds: 60 }, { type: "sms" as const }];
      const responder = { groupId: g.id, userEmail: "bob@example.com", important: false, state, steps, responder: true, updatedAt: T0 };
      const chain = { groupId: g.id, userEmail: "ada@example.com", important: true, state, steps, updatedAt: T0 };
      await store.transaction(async (tx) => {
        await tx.ladderRuns.save(responder);
        await tx.ladderRuns.save(chain);
      });
      expect(await store.read.ladderRuns.get(g.id, "bob@example.com")).toStrictEqual(responder);
      expect(await store.read.ladderRuns.get(g.id, "ada@example.com")).toStrictEqual({ ...chain, responder: false });
      // The flag is no part of the ladder's own state.
      expect(Object.keys((await store.read.ladderRuns.get(g.id, "bob@example.com"))!.state)).not.toContain("responder");
      await store.transaction(async (tx) => {
        const locked = (await tx.ladderRuns.get(g.id, "bob@example.com", { lock: true }))!;
        await tx.ladderRuns.save({ ...locked, state: { ...locked.state, status: "finished", nextAt: null }, updatedAt: T0 + 1 });
      });
      expect(await store.read.ladderRuns.get(g.id, "bob@example.com")).toMatchObject({ responder: true, state: { status: "finished" }, updatedAt: T0 + 1 });
      await store.transaction(async (tx) => tx.ladderRuns.save({ ...responder, responder: false, updatedAt: T0 + 2 }));
      expect((await store.read.ladderRuns.listForGroup(g.id)).map((r) => [r.userEmail, r.responder]).sort()).toEqual([
        ["ada@example.com", false],
        ["bob@example.com", false],
      ]);
    });
  });

  describe("log", () => {
    it("add, unposted, markPosted and list keep insertion order", async () => {
      const groupId = `grp-log-${randomUUID()}`;
      const otherId = `grp-log-${randomUUID()}`;
      await store.transaction(async (tx) => {
        // Same timestamp on purpose: order is by insertion, not by time.
        await tx.log.add(groupId, T0, "alert", "Alert received");
        await tx.log.add(otherId, T0, "alert", "someone else's");
        await tx.log.add(groupId, T0, "escalation", "Paged ada@example.com by Slack DM");
        await tx.log.add(groupId, T0 - 1, "ack", "Acknowledged by <@U0ADA> ✓");
      });
      const all = await store.read.log.list(groupId);
      expect(all.map((e) => [e.groupId, e.at, e.kind, e.text, e.slackTs])).toStrictEqual([
        [groupId, T0, "alert", "Alert received", null],
        [groupId, T0, "escalation", "Paged ada@example.com by Slack DM", null],
        [groupId, T0 - 1, "ack", "Acknowledged by <@U0ADA> ✓", null],
      ]);
      expect(all.every((e) => typeof e.id === "number" && typeof e.at === "number")).toBe(true);
      expect(all[0]!.id).toBeLessThan(all[1]!.id);
      expect(all[1]!.id).toBeLessThan(all[2]!.id);
      expect(await store.read.log.unposted(groupId)).toStrictEqual(all);

      await store.transaction((tx) => tx.log.markPosted(all[1]!.id, "1767225600.000400"));
      expect(await store.read.log.unposted(groupId)).toStrictEqual([all[0], all[2]]);
      expect((await store.read.log.list(groupId))[1]).toStrictEqual({ ...all[1], slackTs: "1767225600.000400" });
      expect(await store.read.log.list(otherId)).toHaveLength(1);
      expect(await store.read.log.list(`grp-log-${randomUUID()}`)).toStrictEqual([]);
    });
  });

  describe("feeds", () => {
    it("upsert then get round-trips; a second upsert replaces every field", async () => {
      const schedule = integration("sched");
      const first: FeedRecord = {
        schedule,
        kind: "primary",
        source: "https://calendar.google.com/calendar/ical/x/basic.ics",
        body: "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
        etag: 'W/"abc"',
        lastModified: "Thu, 01 Jan 2026 00:00:00 GMT",
        fetchedAt: T0,
        checkedAt: T0,
        error: null,
        errorSince: null,
      };
      await store.transaction((tx) => tx.feeds.upsert(first));
      expect(await store.read.feeds.get(schedule, "primary")).toStrictEqual(first);
      expect(await store.read.feeds.get(schedule, "overrides")).toBeNull();

      const second: FeedRecord = { ...first, body: null, etag: null, lastModified: null, fetchedAt: null, checkedAt: T0 + 60_000, error: "HTTP 500", errorSince: T0 + 60_000 };
      await store.transaction((tx) => tx.feeds.upsert(second));
      expect(await store.read.feeds.get(schedule, "primary")).toStrictEqual(second);

      const overrides: FeedRecord = { ...first, kind: "overrides", source: "https://outlook.office365.com/owa/calendar/y/calendar.ics" };
      await store.transaction((tx) => tx.feeds.upsert(overrides));
      expect(await store.read.feeds.get(schedule, "overrides")).toStrictEqual(overrides);
      expect(await store.read.feeds.get(schedule, "primary")).toStrictEqual(second);
    });
  });

  describe("alerts", () => {
    const diskAlert = (i: number, status: "firing" | "resolved", summary = `disk ${i}`): IncomingAlert => ({
      status,
      labels: { alertname: "DiskFull", i: String(i) },
      annotations: { summary },
      startsAt: "2026-01-01T00:00:00Z",
      endsAt: status === "firing" ? null : "2026-01-01T01:00:00Z",
      generatorUrl: i === 0 ? "http://prometheus.example/graph" : null,
      fingerprint: `fp${i}`,
    });

    it("upsertMany stores every alert once; recent returns them newest first", async () => {
      const groupId = `grp-alerts-${randomUUID()}`;
      const alerts = Array.from({ length: 250 }, (_, i) => diskAlert(i, i % 2 === 0 ? "firing" : "resolved"));
      await store.transaction(async (tx) => {
        await tx.alerts.upsertMany(groupId, distinctAlerts(alerts.slice(0, 249)), T0);
        await tx.alerts.upsertMany(groupId, distinctAlerts(alerts.slice(249)), T0 + 1);
      });
      expect(await store.read.alerts.countForGroup(groupId)).toBe(250);
      const recent = await store.read.alerts.recent(groupId, 2);
      expect(recent[0]).toStrictEqual({ ...alerts[249], id: expect.any(String), groupId, key: "fp249", receivedAt: T0 + 1, changedAt: T0 + 1 });
      expect(recent[1]?.receivedAt).toBe(T0);
    });

    it("a re-sent alert updates its row: first arrival kept, change time moves only with its status", async () => {
      const groupId = `grp-resend-${randomUUID()}`;
      await store.transaction((tx) => tx.alerts.upsertMany(groupId, distinctAlerts([diskAlert(1, "firing"), diskAlert(2, "firing")]), T0));
      // Re-sent twice unchanged but with a fresher annotation, then alert 2 resolves.
      await store.transaction((tx) => tx.alerts.upsertMany(groupId, distinctAlerts([diskAlert(1, "firing", "disk 1 at 99%"), diskAlert(2, "firing")]), T0 + 60_000));
      await store.transaction((tx) => tx.alerts.upsertMany(groupId, distinctAlerts([diskAlert(1, "firing"), diskAlert(2, "resolved")]), T0 + 120_000));
      expect(await store.read.alerts.countForGroup(groupId)).toBe(2);
      expect(await store.read.alerts.statuses(groupId)).toEqual(new Map([["fp1", "firing"], ["fp2", "resolved"]]));
      const [two, one] = await store.read.alerts.recent(groupId, 5);
      expect(two).toMatchObject({ key: "fp2", status: "resolved", endsAt: "2026-01-01T01:00:00Z", receivedAt: T0, changedAt: T0 + 120_000 });
      expect(one).toMatchObject({ key: "fp1", status: "firing", annotations: { summary: "disk 1" }, receivedAt: T0, changedAt: T0 });
      // Both first arrived at T0: the re-sends are not arrivals (what `if_alerts` counts).
      expect(await store.read.alerts.receivedTimesSince(groupId, T0 - 1)).toEqual([T0, T0]);
      expect(await store.read.alerts.receivedTimesSince(groupId, T0)).toEqual([]);
    });

    it("statusesOfOpen reads the alerts of the open group with a key, and nothing once it is resolved", async () => {
      const g = bareGroup({ integration: integration("statuses") });
      await store.transaction(async (tx) => {
        await tx.groups.insert(g);
        await tx.alerts.upsertMany(g.id, distinctAlerts([diskAlert(1, "firing"), diskAlert(2, "resolved")]), T0);
      });
      expect(await store.read.alerts.statusesOfOpen(g.integration, g.groupingKey)).toEqual(new Map([["fp1", "firing"], ["fp2", "resolved"]]));
      expect(await store.read.alerts.statusesOfOpen(g.integration, "another key")).toEqual(new Map());
      await store.transaction((tx) => tx.groups.update(g.id, { state: "resolved" }));
      expect(await store.read.alerts.statusesOfOpen(g.integration, g.groupingKey)).toEqual(new Map());
    });

    it("resolveKeys resolves only the named alerts that still fire, in chunks", async () => {
      const groupId = `grp-resolve-${randomUUID()}`;
      const alerts = Array.from({ length: 450 }, (_, i) => diskAlert(i, "firing"));
      await store.transaction((tx) => tx.alerts.upsertMany(groupId, distinctAlerts(alerts), T0));
      await store.transaction((tx) => tx.alerts.resolveKeys(groupId, alerts.slice(0, 430).map((a) => a.fingerprint!), T0 + 5));
      const statuses = await store.read.alerts.statuses(groupId);
      expect([...statuses.values()].filter((s) => s === "firing")).toHaveLength(20);
      expect(statuses.get("fp429")).toBe("resolved");
      expect(statuses.get("fp430")).toBe("firing");
      expect((await store.read.alerts.recent(groupId, 1))[0]?.changedAt).toBe(T0 + 5);
    });
  });

  describe("transactions", () => {
    it("a transaction that throws leaves nothing behind: no rows, no jobs, no commit notice", async () => {
      const name = integration("rollback");
      const commits: AddedJob[][] = [];
      store.onJobsCommitted((jobs) => commits.push(jobs));
      const jobsBefore = await ctx.jobCount(store);
      const g = bareGroup({ integration: name });
      await expect(
        store.transaction(async (tx) => {
          await tx.groups.insert(g);
          await tx.log.add(g.id, T0, "alert", "should vanish");
          await tx.pages.insertIfNew(page(g.id));
          await tx.feeds.upsert({ schedule: name, kind: "primary", source: "x", body: null, etag: null, lastModified: null, fetchedAt: null, checkedAt: null, error: null, errorSince: null });
          await tx.jobs.add({ task: "escalation.step", payload: { groupId: g.id }, runAt: new Date(Date.now() + 3_600_000), jobKey: `esc:${g.id}` });
          await tx.jobs.add({ task: "slack.sync", payload: { groupId: g.id } , runAt: new Date(Date.now() + 3_600_000) });
          expect(await tx.groups.get(g.id)).not.toBeNull();
          throw new Error("handler failed half-way");
        }),
      ).rejects.toThrow("handler failed half-way");
      expect(await store.read.groups.get(g.id)).toBeNull();
      expect(await store.read.log.list(g.id)).toStrictEqual([]);
      expect(await store.read.pages.listForGroup(g.id)).toStrictEqual([]);
      expect(await store.read.feeds.get(name, "primary")).toBeNull();
      expect(await ctx.jobCount(store)).toBe(jobsBefore);
      expect(commits).toStrictEqual([]);

      // The same work committed is all there, and the listener hears of both jobs.
      await store.transaction(async (tx) => {
        await tx.groups.insert(g);
        await tx.jobs.add({ task: "escalation.step", payload: { groupId: g.id }, runAt: new Date(Date.now() + 3_600_000) });
        await tx.jobs.add({ task: "escalation.step", payload: { groupId: g.id }, runAt: new Date(Date.now() + 3_600_000) });
      });
      expect(await store.read.groups.get(g.id)).toStrictEqual(g);
      expect(await ctx.jobCount(store)).toBe(jobsBefore + 2);
      expect(commits.map((c) => c.length)).toStrictEqual([2]);
    });

    it("retries the whole function when its first attempt hits a unique violation, keeping only the last attempt's work", async () => {
      const name = integration("retry");
      const existing = bareGroup({ integration: name, groupingKey: "taken" });
      await store.transaction((tx) => tx.groups.insert(existing));
      const commits: AddedJob[][] = [];
      store.onJobsCommitted((jobs) => commits.push(jobs));
      const jobsBefore = await ctx.jobCount(store);

      let attempts = 0;
      const marker = `retry-${randomUUID()}`;
      const result = await store.transaction(async (tx) => {
        attempts += 1;
        await tx.log.add(marker, T0, "attempt", `attempt ${attempts}`);
        await tx.jobs.add({ task: "sweep", payload: { attempt: attempts }, runAt: new Date(Date.now() + 3_600_000) });
        // First attempt: another writer "got there first" with the same open key.
        const g = bareGroup({ integration: name, groupingKey: attempts === 1 ? "taken" : "free" });
        await tx.groups.insert(g);
        return { attempt: attempts, id: g.id };
      });
      expect(attempts).toBe(2);
      expect(result.attempt).toBe(2);
      expect(await store.read.groups.get(result.id)).toMatchObject({ groupingKey: "free" });
      expect((await store.read.log.list(marker)).map((e) => e.text)).toStrictEqual(["attempt 2"]);
      expect(await ctx.jobCount(store)).toBe(jobsBefore + 1);
      expect(commits.map((c) => c.length)).toStrictEqual([1]);
    });

    it("does not retry other errors, and gives up on a unique violation that keeps happening", async () => {
      let plain = 0;
      await expect(
        store.transaction(async () => {
          plain += 1;
          throw new Error("not a conflict");
        }),
      ).rejects.toThrow("not a conflict");
      expect(plain).toBe(1);

      const name = integration("always");
      await store.transaction((tx) => tx.groups.insert(bareGroup({ integration: name, groupingKey: "k" })));
      let tries = 0;
      const error = await store
        .transaction(async (tx) => {
          tries += 1;
          await tx.groups.insert(bareGroup({ integration: name, groupingKey: "k" }));
        })
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(isUniqueViolation(error)).toBe(true);
      expect(tries).toBeGreaterThan(1);
      expect(tries).toBeLessThanOrEqual(5);
    });

    it("30 transactions asked for at once: the one that throws and the one that conflicts leave nothing, every other commits its own work", async () => {
      const name = integration("concurrent");
      await store.transaction((tx) => tx.groups.insert(bareGroup({ integration: name, groupingKey: "taken" })));
      const commits: AddedJob[][] = [];
      store.onJobsCommitted((jobs) => commits.push(jobs));
      const jobsBefore = await ctx.jobCount(store);
      const groups = Array.from({ length: 30 }, (_, i) => bareGroup({ integration: name, groupingKey: `k${i}` }));
      let conflictTries = 0;
      const outcomes = await Promise.allSettled(
        groups.map((g, i) =>
          store.transaction(async (tx) => {
            if (i === 13) conflictTries += 1;
            await tx.groups.insert(i === 13 ? { ...g, groupingKey: "taken" } : g);
            await tx.log.add(g.id, T0, "alert", `work of ${i}`);
            await tx.jobs.add({ task: "sweep", payload: { i }, runAt: new Date(Date.now() + 3_600_000) });
            if (i === 7) throw new Error("seven fails after writing");
            return i;
          }),
        ),
      );
      expect(outcomes.map((o) => o.status)).toStrictEqual(groups.map((_, i) => (i === 7 || i === 13 ? "rejected" : "fulfilled")));
      expect(outcomes[7]).toMatchObject({ status: "rejected", reason: new Error("seven fails after writing") });
      expect(isUniqueViolation((outcomes[13] as PromiseRejectedResult).reason)).toBe(true);
      // The conflict is retried as a conflict always is (3 attempts), without holding up the others.
      expect(conflictTries).toBe(3);
      for (const [i, g] of groups.entries()) {
        const kept = i !== 7 && i !== 13;
        expect(await store.read.groups.get(g.id), `group ${i}`).toStrictEqual(kept ? g : null);
        expect((await store.read.log.list(g.id)).map((e) => e.text)).toStrictEqual(kept ? [`work of ${i}`] : []);
      }
      expect(await ctx.jobCount(store)).toBe(jobsBefore + 28);
      expect(commits.flat()).toHaveLength(28);
    });

    // SQLite runs one transaction at a time, so two can never wait for each other there.
    it.skipIf(backend.name !== "postgres")("two transactions that deadlock each other both end up committed: the one Postgres aborts is run again", async () => {
      const [a, b] = [`deadlock-a-${randomUUID()}`, `deadlock-b-${randomUUID()}`];
      await store.transaction(async (tx) => {
        await tx.rateSlots.put(a, 0);
        await tx.rateSlots.put(b, 0);
      });
      let arrived = 0;
      let release!: () => void;
      const bothHoldTheirFirstRow = new Promise<void>((r) => (release = r));
      const runs = { first: 0, second: 0 };
      const committed = { first: () => {}, second: () => {} };
      const done = { first: new Promise<void>((r) => (committed.first = r)), second: new Promise<void>((r) => (committed.second = r)) };
      const lockThenLock = (name: "first" | "second", one: string, two: string) =>
        store.transaction(async (tx) => {
          runs[name] += 1;
          // The run again after the abort starts once the other has committed: started at once, on a busy
          // machine it can take the freed row before the other does and deadlock a second time (also
          // retried, but then the count below says 4).
          if (runs[name] > 1) await Promise.race([done[name === "first" ? "second" : "first"], new Promise((r) => setTimeout(r, 10_000))]);
          await tx.rateSlots.put(one, runs[name]);
          // A read after a (pipelined) write answers only once the write has run, i.e. holds its row lock.
          await tx.rateSlots.get(one);
          if (runs[name] === 1) {
            arrived += 1;
            if (arrived === 2) release();
            await bothHoldTheirFirstRow;
          }
          await tx.rateSlots.put(two, runs[name]);
          return name;
        });
      const committedName = (name: "first" | "second") => (result: string) => (committed[name](), result);
      expect(await Promise.all([lockThenLock("first", a, b).then(committedName("first")), lockThenLock("second", b, a).then(committedName("second"))])).toStrictEqual(["first", "second"]);
      expect(runs.first + runs.second).toBe(3);
    }, 20_000);

    it("a write that fails ends the transaction with its own error, not that of a statement after it, and keeps nothing", async () => {
      const g = bareGroup({ integration: integration("failed-write") });
      const error = await store
        .transaction(async (tx) => {
          await tx.groups.insert(g);
          await tx.log.add(g.id, T0, "alert", "should vanish");
          await tx.db.write(sql`insert into no_such_table (x) values (1)`);
          await tx.log.add(g.id, T0, "alert", "after the failure");
          // On Postgres the failed write's answer has not been awaited yet: this read is what fails first.
          await tx.groups.get(g.id);
          return "committed";
        })
        .then(
          (v) => v,
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(Error);
      expect(String((error as Error).message)).toMatch(/no_such_table/);
      expect(await store.read.groups.get(g.id)).toBeNull();
      expect(await store.read.log.list(g.id)).toStrictEqual([]);
    });

    it("a write in a transaction is visible to reads in the same transaction", async () => {
      const g = bareGroup({ integration: integration("read-own-write") });
      const seen = await store.transaction(async (tx) => {
        await tx.groups.insert(g);
        return tx.db.all<{ n: unknown }>(sql`select count(*) as n from alert_groups where id = ${g.id}`);
      });
      expect(Number(seen[0]?.n)).toBe(1);
    });
  });
  describe("audit trail", () => {
    const entry = (at: number, over: Record<string, unknown> = {}) => ({
      at,
      actorKind: "slack" as const,
      actorId: "U0ADA",
      actorName: "Ada Admin",
      surface: "slack_button" as const,
      action: "acknowledge",
      target: "#12",
      outcome: "done" as const,
      reason: null,
      ...over,
    });

    it("appends entries and lists them newest first, by time and by actor (id or name, any case)", async () => {
      await store.read.audit.add(entry(T0 + 1));
      await store.read.audit.add(entry(T0 + 2, { actorKind: "phone", actorId: "bob@example.com", actorName: "Bob", surface: "sms", outcome: "refused", reason: "Only admins (@sre-leads) can reopen a resolved group (#12)." }));
      await store.transaction(async (tx) => tx.audit.add(entry(T0 + 3, { actorKind: "cli", actorId: "root", actorName: "root (CLI)", surface: "cli", action: "maintenance 2h", target: "prod" })));
      const all = await store.read.audit.list({ since: T0 });
      expect(all.map((e) => e.at)).toEqual([T0 + 3, T0 + 2, T0 + 1]);
      expect(all[1]).toMatchObject({ actorKind: "phone", actorId: "bob@example.com", surface: "sms", outcome: "refused", reason: "Only admins (@sre-leads) can reopen a resolved group (#12)." });
      expect(typeof all[0]!.id).toBe("number");
      expect((await store.read.audit.list({ since: T0 + 2 })).map((e) => e.at)).toEqual([T0 + 3, T0 + 2]);
      expect((await store.read.audit.list({ since: T0, actor: "BOB" })).map((e) => e.at)).toEqual([T0 + 2]);
      expect((await store.read.audit.list({ since: T0, actor: "u0ada" })).map((e) => e.at)).toEqual([T0 + 1]);
      expect(await store.read.audit.list({ since: T0, limit: 1 })).toHaveLength(1);
    });

    it("is append-only: the database refuses an UPDATE, and a rolled-back transaction leaves no entry", async () => {
      await store.read.audit.add(entry(T0 + 10, { target: "#append-only" }));
      await expect(store.transaction((tx) => tx.db.run(sql`update audit_log set outcome = 'done', reason = null where target = '#append-only'`))).rejects.toThrow(/append-only/);
      await expect(
        store.transaction(async (tx) => {
          await tx.audit.add(entry(T0 + 11, { target: "#rolled-back" }));
          throw new Error("boom");
        }),
      ).rejects.toThrow("boom");
      const rows = (await store.read.audit.list({ since: T0 + 10 })).map((e) => e.target);
      expect(rows).toContain("#append-only");
      expect(rows).not.toContain("#rolled-back");
    });

    it("prune removes only entries older than the cut-off", async () => {
      const base = T0 - 1_000_000;
      await store.read.audit.add(entry(base, { target: "#old" }));
      await store.read.audit.add(entry(base + 500, { target: "#kept" }));
      expect(await store.read.audit.prune(base + 1)).toBeGreaterThanOrEqual(1);
      const left = (await store.read.audit.list({ since: 0, limit: 100_000 })).map((e) => e.target);
      expect(left).not.toContain("#old");
      expect(left).toContain("#kept");
    });
  });

  describe("generated secrets", () => {
    it("getOrCreate keeps the first value: concurrent writers agree", async () => {
      const values = await Promise.all(Array.from({ length: 8 }, (_, i) => store.read.generatedSecrets.getOrCreate("integration:prod", `value-${i}`, T0)));
      expect(new Set(values).size).toBe(1);
      expect(await store.read.generatedSecrets.get("integration:prod")).toBe(values[0]);
      expect(await store.read.generatedSecrets.get("integration:none")).toBeNull();
    });
  });
});
