import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CoverRequestRecord } from "../../src/store/repositories/cover-requests-repository.js";
import type { SlackOverrideRecord } from "../../src/store/repositories/slack-overrides-repository.js";
import type { Store } from "../../src/store/store.js";
import { backends, type BackendContext } from "./backends.js";

/** Epoch ms past 2^31, so a 32-bit or string round trip shows. */
const T0 = 1_767_225_600_123;
const H = 3_600_000;

let seq = 0;
const uniq = (p: string) => `${p}-${++seq}-${Math.random().toString(36).slice(2, 8)}`;

function override(over: Partial<SlackOverrideRecord> = {}): SlackOverrideRecord {
  return {
    id: uniq("ov"),
    schedule: "primary",
    userEmail: "bob@example.com",
    startAt: T0,
    endAt: T0 + 4 * H,
    replacing: "alice@example.com",
    source: "cover",
    createdBy: "U0BOB",
    createdAt: T0 - 1,
    cancelledAt: null,
    ...over,
  };
}

function request(over: Partial<CoverRequestRecord> = {}): CoverRequestRecord {
  return {
    id: uniq("cr"),
    schedule: "primary",
    requesterEmail: "alice@example.com",
    startAt: T0,
    endAt: T0 + 24 * H,
    note: "dentist — \"urgent\"\nsecond line",
    state: "open",
    takenBy: null,
    overrideId: null,
    channel: null,
    slackTs: null,
    createdAt: T0 - 10,
    updatedAt: T0 - 10,
    ...over,
  };
}

describe.each(backends)("schedule repositories: $name", (backend) => {
  let ctx: BackendContext;
  let store: Store;

  beforeAll(async () => {
    ctx = await backend.open();
    store = await ctx.openMigratedStore();
  });

  afterAll(async () => {
    await ctx?.dispose();
  });

  describe("slack overrides", () => {
    it("round-trips every field, lists active ones by end and cancels once", async () => {
      const a = override({ schedule: "ov-list" });
      const b = override({ schedule: "ov-list", replacing: null, source: "command", endAt: T0 + H, createdAt: T0 });
      await store.transaction(async (tx) => {
        await tx.slackOverrides.insert(a);
        await tx.slackOverrides.insert(b);
      });
      expect(await store.read.slackOverrides.get(a.id)).toEqual(a);
      const active = (await store.read.slackOverrides.listActive(T0 + 2 * H)).filter((o) => o.schedule === "ov-list");
      expect(active).toEqual([a]);
      expect(await store.transaction((tx) => tx.slackOverrides.cancel(a.id, T0 + 5))).toBe(true);
      expect(await store.transaction((tx) => tx.slackOverrides.cancel(a.id, T0 + 6))).toBe(false);
      expect((await store.read.slackOverrides.get(a.id))?.cancelledAt).toBe(T0 + 5);
      expect((await store.read.slackOverrides.listActive(0)).filter((o) => o.schedule === "ov-list").map((o) => o.id)).toEqual([b.id]);
    });
  });

  describe("cover requests", () => {
    it("round-trips, records its message, withdraws only the asker's open request", async () => {
      const r = request();
      await store.transaction((tx) => tx.coverRequests.insert(r));
      expect(await store.read.coverRequests.get(r.id)).toEqual(r);
      await store.transaction((tx) => tx.coverRequests.setMessage(r.id, "C0ONCALL", "1767225600.000100", T0 + 1));
      expect(await store.read.coverRequests.get(r.id)).toMatchObject({ channel: "C0ONCALL", slackTs: "1767225600.000100", updatedAt: T0 + 1 });
      expect(await store.transaction((tx) => tx.coverRequests.withdraw(r.id, "bob@example.com", T0 + 2))).toBe(false);
      expect(await store.transaction((tx) => tx.coverRequests.withdraw(r.id, "alice@example.com", T0 + 3))).toBe(true);
      expect(await store.transaction((tx) => tx.coverRequests.withdraw(r.id, "alice@example.com", T0 + 4))).toBe(false);
      expect((await store.read.coverRequests.get(r.id))?.state).toBe("withdrawn");
      expect(await store.transaction((tx) => tx.coverRequests.take(r.id, "bob@example.com", "ov-x", T0 + 5))).toBe(false);
    });

    it("lets exactly one of many concurrent takers through", async () => {
      const r = request({ schedule: "race" });
      await store.transaction((tx) => tx.coverRequests.insert(r));
      const takers = ["bob", "carol", "dave", "erin", "frank", "grace"].map((n) => `${n}@example.com`);
      const results = await Promise.all(
        takers.map((email, i) =>
          store.transaction(async (tx) => {
            const won = await tx.coverRequests.take(r.id, email, `ov-${i}`, T0 + 1);
            if (won) await tx.slackOverrides.insert(override({ id: `${r.id}-ov-${i}`, schedule: "race", userEmail: email }));
            return won;
          }),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = takers[results.indexOf(true)];
      expect(await store.read.coverRequests.get(r.id)).toMatchObject({ state: "taken", takenBy: winner, overrideId: `ov-${results.indexOf(true)}` });
      expect((await store.read.slackOverrides.listActive(0)).filter((o) => o.schedule === "race")).toHaveLength(1);
    });

    it("does not let a request be taken after its end, and expires open ones that ended", async () => {
      const r = request({ schedule: "expiry", endAt: T0 + H });
      await store.transaction((tx) => tx.coverRequests.insert(r));
      expect(await store.transaction((tx) => tx.coverRequests.take(r.id, "bob@example.com", "ov", T0 + H))).toBe(false);
      expect((await store.read.coverRequests.listOpen("expiry")).map((x) => x.id)).toEqual([r.id]);
      expect(await store.transaction((tx) => tx.coverRequests.expire(T0 + H))).toContain(r.id);
      expect((await store.read.coverRequests.get(r.id))?.state).toBe("expired");
      expect(await store.read.coverRequests.listOpen("expiry")).toEqual([]);
    });
  });

  describe("schedule state", () => {
    it("creates the row on first get and round-trips every field", async () => {
      const st = await store.transaction((tx) => tx.scheduleState.get("state-rt", T0));
      expect(st).toEqual({
        schedule: "state-rt",
        announcedUsers: null,
        announcedAt: null,
        userGroup: null,
        shiftsSnapshot: null,
        peopleSnapshot: null,
        feedHealth: null,
        lastReportAt: null,
        lastReportHash: null,
        updatedAt: T0,
      });
      const snapshot = { feedsHash: "abc", from: T0, to: T0 + 7 * 24 * H, shifts: [{ start: T0, end: T0 + H, users: ["alice@example.com"] }] };
      const people = { from: T0, to: T0 + 14 * 24 * H, people: { "alice@example.com": { from: T0, to: T0 + 14 * 24 * H, turns: [{ start: T0, end: T0 + H }], pendingSince: null } } };
      await store.transaction((tx) =>
        tx.scheduleState.update("state-rt", { shiftsSnapshot: snapshot, peopleSnapshot: people, feedHealth: "failing", lastReportAt: T0 + 1, lastReportHash: "h", userGroup: { members: ["U1"], warned: "empty" } }, T0 + 2),
      );
      expect(await store.read.scheduleState.find("state-rt")).toEqual({
        schedule: "state-rt",
        announcedUsers: null,
        announcedAt: null,
        userGroup: { members: ["U1"], warned: "empty" },
        shiftsSnapshot: snapshot,
        peopleSnapshot: people,
        feedHealth: "failing",
        lastReportAt: T0 + 1,
        lastReportHash: "h",
        updatedAt: T0 + 2,
      });
      expect(await store.read.scheduleState.find("nope")).toBeNull();
    });

    it("claims an announcement exactly once among concurrent claimers, and only from the expected state", async () => {
      await store.transaction((tx) => tx.scheduleState.get("claim", T0));
      const who = ["bob@example.com"];
      const results = await Promise.all(Array.from({ length: 6 }, () => store.transaction((tx) => tx.scheduleState.claimAnnouncement("claim", null, who, T0 + 1))));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.transaction((tx) => tx.scheduleState.claimAnnouncement("claim", null, ["x@example.com"], T0 + 2))).toBe(false);
      expect(await store.transaction((tx) => tx.scheduleState.claimAnnouncement("claim", who, [], T0 + 3))).toBe(true);
      expect(await store.read.scheduleState.find("claim")).toMatchObject({ announcedUsers: [], announcedAt: T0 + 3 });
    });

    it("claims a shift message exactly once among concurrent claimers, lists it while its shift matters, and prunes it", async () => {
      const m = { schedule: "sm", email: "alice@example.com", kind: "reminder" as const, key: `${T0 + 10 * H}|${T0 + 18 * H}|3600000`, shiftStart: T0 + 10 * H, shiftEnd: T0 + 18 * H, sentAt: T0 };
      const results = await Promise.all(Array.from({ length: 6 }, () => store.transaction((tx) => tx.shiftMessages.claim(m))));
      expect(results.filter(Boolean)).toHaveLength(1);
      // Another kind or key for the same shift is another message.
      expect(await store.transaction((tx) => tx.shiftMessages.claim({ ...m, kind: "start", key: String(m.shiftStart) }))).toBe(true);
      expect((await store.read.shiftMessages.listEndingAfter("sm", T0 + 17 * H)).map((r) => [r.kind, r.key])).toEqual([
        ["reminder", m.key],
        ["start", String(m.shiftStart)],
      ]);
      expect(await store.read.shiftMessages.listEndingAfter("sm", T0 + 18 * H)).toEqual([]);
      expect(await store.read.shiftMessages.listEndingAfter("other", 0)).toEqual([]);
      expect(await store.transaction((tx) => tx.shiftMessages.pruneEndedBefore(T0 + 19 * H))).toBeGreaterThanOrEqual(2);
      expect(await store.read.shiftMessages.listEndingAfter("sm", 0)).toEqual([]);
    });

    it("claims user group state only from the expected value", async () => {
      await store.transaction((tx) => tx.scheduleState.get("ug", T0));
      const a = { members: ["U1"], warned: null };
      expect(await store.transaction((tx) => tx.scheduleState.claimUserGroup("ug", null, a, T0 + 1))).toBe(true);
      expect(await store.transaction((tx) => tx.scheduleState.claimUserGroup("ug", null, a, T0 + 1))).toBe(false);
      const results = await Promise.all(
        Array.from({ length: 4 }, () => store.transaction((tx) => tx.scheduleState.claimUserGroup("ug", { members: ["U1"], warned: null }, { members: ["U1"], warned: "empty" }, T0 + 2))),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await store.read.scheduleState.find("ug"))?.userGroup).toEqual({ members: ["U1"], warned: "empty" });
    });

    it("holds the row for the transaction that locked it (Postgres) or serialises transactions (SQLite)", async () => {
      await store.transaction((tx) => tx.scheduleState.get("lock", T0));
      const order: string[] = [];
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      const first = store.transaction(async (tx) => {
        await tx.scheduleState.get("lock", T0, { lock: true });
        order.push("first locked");
        await held;
        await tx.scheduleState.update("lock", { feedHealth: "failing" }, T0 + 1);
        order.push("first done");
      });
      await new Promise((r) => setTimeout(r, 50));
      const second = store.transaction(async (tx) => {
        const st = await tx.scheduleState.get("lock", T0, { lock: true });
        order.push(`second saw ${st.feedHealth}`);
      });
      await new Promise((r) => setTimeout(r, 100));
      release();
      await Promise.all([first, second]);
      expect(order).toEqual(["first locked", "first done", "second saw failing"]);
    });

    it("lists stored feed versions without bodies", async () => {
      await store.transaction((tx) =>
        tx.feeds.upsert({ schedule: "fv", kind: "primary", source: "https://x/y.ics", body: "BEGIN:VCALENDAR\r\nEND:VCALENDAR", etag: null, lastModified: null, fetchedAt: T0, checkedAt: T0 + 1, error: "HTTP 500", errorSince: T0 }),
      );
      const v = (await store.read.scheduleState.feedVersions()).find((x) => x.schedule === "fv");
      expect(v).toEqual({ schedule: "fv", kind: "primary", source: "https://x/y.ics", fetchedAt: T0, checkedAt: T0 + 1, error: "HTTP 500" });
    });
  });

  describe("exported shifts", () => {
    it("upserts, lists by end, keeps cancelled ones and prunes old ones", async () => {
      const base = { schedule: "exp", users: ["alice@example.com", "bob@example.com"], cancelled: false, updatedAt: T0 };
      await store.transaction(async (tx) => {
        await tx.exportedShifts.upsert({ ...base, uid: "u1", startAt: T0 - 10 * H, endAt: T0 - 5 * H });
        await tx.exportedShifts.upsert({ ...base, uid: "u2", startAt: T0, endAt: T0 + H });
        await tx.exportedShifts.upsert({ ...base, uid: "u2", startAt: T0, endAt: T0 + 2 * H, cancelled: true, updatedAt: T0 + 1 });
      });
      expect(await store.read.exportedShifts.list("exp", T0 - 6 * H)).toEqual([
        { ...base, uid: "u1", startAt: T0 - 10 * H, endAt: T0 - 5 * H },
        { ...base, uid: "u2", startAt: T0, endAt: T0 + 2 * H, cancelled: true, updatedAt: T0 + 1 },
      ]);
      expect(await store.transaction((tx) => tx.exportedShifts.prune("exp", T0))).toBe(1);
      expect((await store.read.exportedShifts.list("exp", 0)).map((r) => r.uid)).toEqual(["u2"]);
      expect(await store.read.exportedShifts.list("other", 0)).toEqual([]);
    });
  });
});
