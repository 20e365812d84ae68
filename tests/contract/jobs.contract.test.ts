import { setTimeout as sleep } from "node:timers/promises";
import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { JobSpec } from "../../src/jobs/job-queue.js";
import type { Store } from "../../src/store/store.js";
import { waitFor } from "../support/wait-for.js";
import { backends, postgresBackend, type Backend, type BackendContext } from "./backends.js";
import { overlaps, recordingHandlers, type JobRun } from "./job-recorder.js";

/**
 * The job-queue and job-runner ports against every backend: a job exists iff
 * its transaction committed, timers fire at (not before) their time, job keys
 * replace/preserve/cancel, throws retry with backoff, queues serialise, and a
 * job left locked by a dead process still runs. Every wait is bounded; the
 * timing assertions only say "ran" / "did not run before X".
 */

/** Graphile Worker's (and the SQLite runner's) backoff after the first failure: e^1 s. */
const FIRST_RETRY_DELAY_MS = Math.round(Math.exp(1) * 1000);

const inMs = (ms: number) => new Date(Date.now() + ms);

async function addJobs(store: Store, ...specs: JobSpec[]): Promise<void> {
  await store.transaction(async (tx) => {
    for (const spec of specs) await tx.jobs.add(spec);
  });
}

/** A promise with its resolve function, for handlers that wait for the test. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Resolves when `p` does, or after `ms` (so a handler never hangs a test). */
const bounded = (p: Promise<void>, ms: number) => Promise.race([p, sleep(ms)]);

const sharesStorageAcrossProcesses = (backend: Backend) => backend.name === "postgres";

describe.each(backends)("jobs contract: $name", (backend) => {
  // One storage per backend, migrated once; each test gets an empty job table and its own stores and runners.
  let shared: BackendContext;

  beforeAll(async () => {
    shared = await backend.open();
    await shared.openMigratedStore();
    await shared.closeAll();
  });

  afterEach(async () => {
    await shared?.closeAll();
  });

  afterAll(async () => {
    await shared?.dispose();
  });

  /** The backend, with an empty job table. */
  async function open(): Promise<BackendContext> {
    await shared.resetJobs();
    return shared;
  }

  it("a job added in a committed transaction runs exactly once, with its payload", async () => {
    const ctx = await open();
    const store = ctx.openStore();
    const rec = recordingHandlers();
    await ctx.startRunner(store, rec.handlers);
    const payload = { tag: "once", groupId: "grp-1", nested: { list: [1, "two", null, true], text: "ünïcode ✓ \"quoted\"" }, n: 1_767_225_600_123 };
    await addJobs(store, { task: "escalation.step", payload });

    await waitFor(() => rec.runsOf("once").length === 1 && rec.runsOf("once")[0]!.endedAt !== null, { timeoutMs: 10_000, description: "the job to run" });
    await waitFor(async () => (await ctx.jobCount(store)) === 0, { timeoutMs: 5_000, description: "the finished job to be deleted" });
    await sleep(400);
    expect(rec.runs.map((r) => ({ task: r.task, payload: r.payload, attempt: r.attempt }))).toStrictEqual([
      { task: "escalation.step", payload, attempt: 1 },
    ]);
  });

  it("a job added in a rolled-back transaction never runs", async () => {
    const ctx = await open();
    const store = ctx.openStore();
    const rec = recordingHandlers();
    await ctx.startRunner(store, rec.handlers);

    await expect(
      store.transaction(async (tx) => {
        await tx.jobs.add({ task: "notify.page", payload: { tag: "ghost" } });
        await tx.jobs.add({ task: "notify.page", payload: { tag: "ghost" }, jobKey: "ghost-key" });
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    // A job committed afterwards shows the runner is alive and has looked at the table.
    await addJobs(store, { task: "notify.page", payload: { tag: "sentinel" } });
    await waitFor(() => rec.runsOf("sentinel").length > 0, { timeoutMs: 10_000, description: "the sentinel job" });
    await sleep(500);
    expect(rec.runsOf("ghost")).toStrictEqual([]);
    await waitFor(async () => (await ctx.jobCount(store)) === 0, { timeoutMs: 5_000, description: "an empty job table" });
  });

  it("a job due 1.5 s ahead does not run before its time, and does run after it", async () => {
    const ctx = await open();
    const store = ctx.openStore();
    const rec = recordingHandlers();
    await ctx.startRunner(store, rec.handlers);
    const runAt = inMs(1_500);
    await addJobs(store, { task: "escalation.step", payload: { tag: "timer" }, runAt });

    await sleep(Math.max(0, runAt.getTime() - 300 - Date.now()));
    expect(rec.runsOf("timer"), "ran before its runAt").toStrictEqual([]);
    const [run] = await waitFor(() => (rec.runsOf("timer").length > 0 ? rec.runsOf("timer") : null), { timeoutMs: 10_000, description: "the timer" });
    expect(run!.startedAt).toBeGreaterThanOrEqual(runAt.getTime());
    await sleep(300);
    expect(rec.runsOf("timer")).toHaveLength(1);
  });

  describe("job keys", () => {
    it("adding twice with the same key before it runs gives one run, with the latest payload and time (replace)", async () => {
      const ctx = await open();
      const store = ctx.openStore();
      const rec = recordingHandlers();
      await ctx.startRunner(store, rec.handlers);
      await addJobs(store, { task: "escalation.step", payload: { tag: "esc", v: 1 }, runAt: inMs(3_600_000), jobKey: "esc:grp-1" });
      // A second transaction reschedules the same timer sooner, as an escalation step does.
      await addJobs(store, { task: "escalation.step", payload: { tag: "esc", v: 2 }, runAt: inMs(500), jobKey: "esc:grp-1" });
      expect(await ctx.jobCount(store)).toBe(1);

      await waitFor(() => rec.runsOf("esc").length > 0, { timeoutMs: 10_000, description: "the rescheduled job" });
      await sleep(400);
      expect(rec.runsOf("esc").map((r) => r.payload)).toStrictEqual([{ tag: "esc", v: 2 }]);
      await waitFor(async () => (await ctx.jobCount(store)) === 0, { timeoutMs: 5_000, description: "an empty job table" });
    });

    it('jobKeyMode "preserve_run_at" keeps the earlier time but takes the new payload', async () => {
      const ctx = await open();
      const store = ctx.openStore();
      const rec = recordingHandlers();
      await ctx.startRunner(store, rec.handlers);
      await addJobs(store, { task: "slack.sync", payload: { tag: "sync", v: 1 }, runAt: inMs(800), jobKey: "sync:grp-1", jobKeyMode: "preserve_run_at" });
      const later = inMs(3_600_000);
      await addJobs(store, { task: "slack.sync", payload: { tag: "sync", v: 2 }, runAt: later, jobKey: "sync:grp-1", jobKeyMode: "preserve_run_at" });
      expect(await ctx.jobCount(store)).toBe(1);

      await waitFor(() => rec.runsOf("sync").length > 0, { timeoutMs: 10_000, description: "the coalesced job at its first time" });
      await sleep(500);
      expect(rec.runsOf("sync").map((r) => r.payload)).toStrictEqual([{ tag: "sync", v: 2 }]);
      expect(rec.runsOf("sync")[0]!.startedAt).toBeLessThan(later.getTime());
    });

    it('re-adding a waiting "preserve_run_at" job unchanged holds it until that transaction commits; it then runs once', async () => {
      const ctx = await open();
      const store = ctx.openStore();
      const rec = recordingHandlers();
      await ctx.startRunner(store, rec.handlers);
      const spec: JobSpec = { task: "slack.sync", payload: { tag: "held" }, runAt: inMs(400), jobKey: "sync:held", jobKeyMode: "preserve_run_at", queue: "slack:C0HELD" };
      await addJobs(store, spec);
      let committedAt = 0;
      await store.transaction(async (tx) => {
        await tx.jobs.add({ ...spec, runAt: inMs(200) });
        await tx.jobs.add({ ...spec, runAt: inMs(3_600_000) });
        // The job falls due while this transaction (which re-requested it) is still open.
        await sleep(1_200);
        await tx.log.add("held", Date.now(), "test", "written before the job may run");
      });
      committedAt = Date.now();
      expect(await ctx.jobCount(store)).toBeLessThanOrEqual(1);
      await waitFor(() => rec.runsOf("held").length > 0, { timeoutMs: 10_000, description: "the held job after the commit" });
      await sleep(500);
      expect(rec.runsOf("held")).toHaveLength(1);
      expect(rec.runsOf("held")[0]!.startedAt).toBeGreaterThanOrEqual(committedAt - 50);
    });

    it("remove(key) cancels the pending job; removing an unknown key is a no-op", async () => {
      const ctx = await open();
      const store = ctx.openStore();
      const rec = recordingHandlers();
      await ctx.startRunner(store, rec.handlers);
      await addJobs(store, { task: "escalation.step", payload: { tag: "cancelled" }, runAt: inMs(1_000), jobKey: "esc:grp-2" });
      await store.transaction(async (tx) => {
        await tx.jobs.remove("esc:grp-2");
        await tx.jobs.remove("no-such-key");
      });
      expect(await ctx.jobCount(store)).toBe(0);
      // Removal rolled back with its transaction leaves the job in place.
      await addJobs(store, { task: "escalation.step", payload: { tag: "kept" }, runAt: inMs(1_200), jobKey: "esc:grp-3" });
      await expect(
        store.transaction(async (tx) => {
          await tx.jobs.remove("esc:grp-3");
          throw new Error("rolled back");
        }),
      ).rejects.toThrow("rolled back");

      await addJobs(store, { task: "escalation.step", payload: { tag: "sentinel" }, runAt: inMs(1_500) });
      await waitFor(() => rec.runsOf("sentinel").length > 0 && rec.runsOf("kept").length > 0, { timeoutMs: 10_000, description: "sentinel and kept jobs" });
      await sleep(300);
      expect(rec.runsOf("cancelled")).toStrictEqual([]);
      expect(rec.runsOf("kept")).toHaveLength(1);
    });

    it("while a keyed job is running: re-adding the key queues a new run, removing it cancels nothing running, and neither old run is retried if it fails", async () => {
      const ctx = await open();
      const store = ctx.openStore();
      const release = gate();
      const rec = recordingHandlers(async (payload) => {
        if (payload.v !== 1) return;
        await bounded(release.promise, 8_000);
        throw new Error("failed after its key was taken over");
      });
      await ctx.startRunner(store, rec.handlers, { concurrency: 4 });
      await addJobs(
        store,
        { task: "escalation.step", payload: { tag: "readd", v: 1 }, jobKey: "esc:readd" },
        { task: "escalation.step", payload: { tag: "removed", v: 1 }, jobKey: "esc:removed" },
      );
      await waitFor(() => rec.runsOf("readd").length === 1 && rec.runsOf("removed").length === 1, { timeoutMs: 10_000, description: "both keyed jobs to start" });

      await store.transaction(async (tx) => {
        await tx.jobs.add({ task: "escalation.step", payload: { tag: "readd", v: 2 }, jobKey: "esc:readd" });
        await tx.jobs.remove("esc:removed");
      });
      await waitFor(() => rec.runsOf("readd").some((r) => r.payload.v === 2 && r.endedAt !== null), { timeoutMs: 10_000, description: "the re-added job" });
      release.open();
      await waitFor(() => rec.runs.filter((r) => r.payload.v === 1).every((r) => r.failed), { timeoutMs: 10_000, description: "the old runs to fail" });
      const failedAt = Math.max(...rec.runs.map((r) => r.endedAt ?? 0));
      // Past the first retry's due time, with room for a poll.
      await sleep(Math.max(0, failedAt + FIRST_RETRY_DELAY_MS + 1_000 - Date.now()));
      expect(rec.runsOf("readd").map((r) => [r.payload.v, r.attempt])).toStrictEqual([
        [1, 1],
        [2, 1],
      ]);
      expect(rec.runsOf("removed").map((r) => [r.payload.v, r.attempt])).toStrictEqual([[1, 1]]);
    });
  });

  describe("failures", () => {
    it("a handler that throws is retried after e^1 s, and attempt 2 sees ctx.attempt === 2; maxAttempts 1 means no retry", async () => {
      const ctx = await open();
      const store = ctx.openStore();
      const rec = recordingHandlers(async (payload, jobCtx) => {
        if (payload.tag === "flaky" && jobCtx.attempt === 1) throw new Error("Slack said 500");
        if (payload.tag === "once-only") throw new Error("always fails");
      });
      await ctx.startRunner(store, rec.handlers);
      await addJobs(
        store,
        { task: "notify.page", payload: { tag: "flaky", page: "p-1" } },
        { task: "notify.page", payload: { tag: "once-only" }, maxAttempts: 1 },
      );

      const runs = await waitFor(() => (rec.runsOf("flaky").length >= 2 ? rec.runsOf("flaky") : null), {
        timeoutMs: 15_000,
        description: "the retry",
      });
      const [first, second] = runs as [JobRun, JobRun];
      expect([first.attempt, first.failed, second.attempt, second.failed]).toStrictEqual([1, true, 2, false]);
      expect(second.payload).toStrictEqual({ tag: "flaky", page: "p-1" });
      expect(second.startedAt - first.endedAt!, "retried before its backoff").toBeGreaterThanOrEqual(FIRST_RETRY_DELAY_MS - 250);
      expect(ctx.errors.some((e) => String(e.error).includes("Slack said 500"))).toBe(true);

      await sleep(500);
      expect(rec.runsOf("flaky")).toHaveLength(2);
      expect(rec.runsOf("once-only").map((r) => r.attempt)).toStrictEqual([1]);
    });

    it('re-adding a keyed job that waits for its retry with "preserve_run_at" runs it at the new time, attempts reset', async () => {
      const ctx = await open();
      const store = ctx.openStore();
      const rec = recordingHandlers(async (payload, jobCtx) => {
        if (payload.v === 1 && jobCtx.attempt === 1) throw new Error("first try fails");
      });
      await ctx.startRunner(store, rec.handlers);
      const spec: JobSpec = { task: "slack.sync", payload: { tag: "sync-retry", v: 1 }, jobKey: "sync:retry", jobKeyMode: "preserve_run_at" };
      await addJobs(store, spec);
      const first = await waitFor(() => rec.runsOf("sync-retry").find((r) => r.failed && r.endedAt !== null), { timeoutMs: 10_000, description: "the failing first run" });
      const retryDue = first.endedAt! + FIRST_RETRY_DELAY_MS;
      // Wait until the failure is recorded (the job is unlocked again), then coalesce a new request into it.
      await waitFor(async () => (await ctx.jobLocks(store)).every((j) => j.lockedBy === null), { timeoutMs: 5_000, description: "the failed job to be unlocked" });
      await addJobs(store, { ...spec, payload: { tag: "sync-retry", v: 2 } });

      const second = await waitFor(() => rec.runsOf("sync-retry")[1], { timeoutMs: 10_000, description: "the coalesced run" });
      expect([second.payload.v, second.attempt]).toStrictEqual([2, 1]);
      expect(second.startedAt, "waited for the old retry time instead of running now").toBeLessThan(retryDue);
      await sleep(Math.max(0, retryDue + 800 - Date.now()));
      expect(rec.runsOf("sync-retry")).toHaveLength(2);
    });
  });

  describe("queues", () => {
    it("jobs in the same queue never run at the same time", async () => {
      const ctx = await open();
      const store = ctx.openStore();
      const rec = recordingHandlers(async () => {
        await sleep(150);
      });
      await ctx.startRunner(store, rec.handlers, { concurrency: 4 });
      // Slack work and schedule work (the two kinds of task that use named queues) each share a queue.
      await addJobs(
        store,
        ...Array.from({ length: 4 }, (_, i): JobSpec => ({ task: "slack.sync", payload: { tag: "serial", i }, queue: "slack:C0ALERTS" })),
        ...Array.from({ length: 4 }, (_, i): JobSpec => ({ task: "schedule.tick", payload: { tag: "serial-schedule", i }, queue: "schedule:primary" })),
      );
      for (const tag of ["serial", "serial-schedule"]) {
        await waitFor(() => rec.runsOf(tag).filter((r) => r.endedAt !== null).length === 4, { timeoutMs: 15_000, description: `all four queued ${tag} jobs` });
        const runs = rec.runsOf(tag);
        const clashes = runs.flatMap((a, i) => runs.slice(i + 1).filter((b) => overlaps(a, b)).map((b) => [a.payload.i, b.payload.i]));
        expect(clashes).toStrictEqual([]);
        expect(runs.map((r) => r.payload.i).sort()).toStrictEqual([0, 1, 2, 3]);
      }
    });

    it("the next job of a queue starts right after the one before it ends, not at the next poll", async () => {
      const ctx = await open();
      const store = ctx.openStore();
      const rec = recordingHandlers(async () => {
        await sleep(100);
      });
      await ctx.startRunner(store, rec.handlers, { concurrency: 4 });
      await addJobs(store, ...Array.from({ length: 4 }, (_, i): JobSpec => ({ task: "slack.sync", payload: { tag: "chained", i }, queue: "slack:C0CHAIN" })));
      await waitFor(() => rec.runsOf("chained").filter((r) => r.endedAt !== null).length === 4, { timeoutMs: 15_000, description: "all four queued jobs" });
      const runs = rec.runsOf("chained").sort((a, b) => a.startedAt - b.startedAt);
      const gaps = runs.slice(1).map((r, i) => r.startedAt - runs[i]!.endedAt!);
      // Both runners poll every 250–500 ms here; a queue handed on by polling would show gaps that long.
      expect(Math.max(...gaps), `gaps ${gaps.join(", ")} ms`).toBeLessThan(200);
    });

    it("a named queue on a task that is fetched in batches is refused when added, and the transaction adds nothing", async () => {
      const ctx = await open();
      const store = ctx.openStore();
      const rec = recordingHandlers();
      await ctx.startRunner(store, rec.handlers, { concurrency: 4 });
      await expect(
        addJobs(store, { task: "notify.page", payload: { tag: "refused-ok" } }, { task: "escalation.step", payload: { tag: "refused" }, queue: "esc:1" }),
      ).rejects.toThrow(/escalation\.step may not use named queue "esc:1"/);
      await addJobs(store, { task: "notify.page", payload: { tag: "after" } });
      await waitFor(() => rec.runsOf("after").length === 1, { timeoutMs: 15_000, description: "the job added after the refusal" });
      await sleep(300);
      expect(rec.runsOf("refused-ok")).toStrictEqual([]);
      expect(rec.runsOf("refused")).toStrictEqual([]);
    });

    it("jobs in different queues can run at the same time", async () => {
      const ctx = await open();
      const store = ctx.openStore();
      const started = new Set<unknown>();
      const sawOther = new Map<unknown, boolean>();
      const rec = recordingHandlers(async (payload) => {
        started.add(payload.queue);
        const other = payload.queue === "a" ? "b" : "a";
        const seen = await waitFor(() => started.has(other), { timeoutMs: 8_000, intervalMs: 10 }).catch(() => false);
        sawOther.set(payload.queue, seen);
      });
      await ctx.startRunner(store, rec.handlers, { concurrency: 4 });
      await addJobs(
        store,
        { task: "slack.sync", payload: { tag: "parallel", queue: "a" }, queue: "slack:C0A" },
        { task: "slack.sync", payload: { tag: "parallel", queue: "b" }, queue: "slack:C0B" },
      );
      await waitFor(() => sawOther.size === 2, { timeoutMs: 15_000, description: "both queued jobs to finish" });
      expect(Object.fromEntries(sawOther)).toStrictEqual({ a: true, b: true });
    });
  });

  describe("dead and live workers", () => {
    it("a job left locked by a process that died runs once a runner starts", async () => {
      const ctx = await open();
      const store = ctx.openStore();
      await addJobs(store, { task: "escalation.step", payload: { tag: "orphan" }, jobKey: "esc:orphan" });
      expect(await ctx.lockJobsAsDeadWorker(store)).toBe(1);
      expect(await ctx.jobLocks(store)).toMatchObject([{ lockedBy: "dead-worker" }]);

      const rec = recordingHandlers();
      await ctx.startRunner(store, rec.handlers, { deadAfterMs: 1_000, heartbeatMs: 200 });
      await waitFor(() => rec.runsOf("orphan").some((r) => r.endedAt !== null), { timeoutMs: 15_000, description: "the orphaned job" });
      await waitFor(async () => (await ctx.jobCount(store)) === 0, { timeoutMs: 5_000, description: "an empty job table" });
      expect(rec.runsOf("orphan")).toHaveLength(1);
    });

    it("a runner that stops hands back the jobs it fetched but did not start: the next runner starts them at once", async () => {
      const ctx = await open();
      const store = ctx.openStore();
      const release = gate();
      const rec = recordingHandlers(async (payload) => {
        if (payload.tag === "blocker") await bounded(release.promise, 10_000);
      });
      const tags = Array.from({ length: 8 }, (_, i) => `waiting-${i}`);
      // All due before the runner starts: a runner that fetches in batches takes several at once.
      await addJobs(store, { task: "notify.page", payload: { tag: "blocker" } }, ...tags.map((tag): JobSpec => ({ task: "notify.page", payload: { tag } })));
      const first = await ctx.startRunner(store, rec.handlers, { concurrency: 1 });
      await waitFor(() => rec.runsOf("blocker").length === 1, { timeoutMs: 10_000, description: "the blocking job to start" });
      await sleep(200);
      const stopped = first.stop();
      release.open();
      await stopped;
      const ranBefore = rec.runs.filter((r) => String(r.payload.tag).startsWith("waiting-")).length;

      // Jobs left locked by the stopped runner would wait for the dead-worker check (10 s here).
      const startedAt = Date.now();
      await ctx.startRunner(store, rec.handlers, { concurrency: 4, deadAfterMs: 10_000 });
      await waitFor(() => tags.every((tag) => rec.runsOf(tag).length > 0), { timeoutMs: 15_000, description: "every waiting job" });
      expect(Date.now() - startedAt, `${8 - ranBefore} jobs were waiting`).toBeLessThan(4_000);
      await sleep(300);
      expect(tags.map((tag) => rec.runsOf(tag).length)).toStrictEqual(tags.map(() => 1));
    });

    it("stop(graceMs) lets a running job finish, and releases the lock of one still running when the grace period ends", async () => {
      const ctx = await open();
      const store = ctx.openStore();
      const release = gate();
      let shortFinished = false;
      const rec = recordingHandlers(async (payload) => {
        if (payload.tag === "short") {
          await sleep(600);
          shortFinished = true;
        }
        if (payload.tag === "long") await bounded(release.promise, 10_000);
      });
      const runner = await ctx.startRunner(store, rec.handlers, { concurrency: 4 });
      await addJobs(store, { task: "notify.page", payload: { tag: "short" } }, { task: "notify.page", payload: { tag: "long" } });
      await waitFor(() => rec.runsOf("short").length === 1 && rec.runsOf("long").length === 1, { timeoutMs: 10_000, description: "both jobs to start" });
      const stoppingAt = Date.now();
      await runner.stop(2_000);
      const took = Date.now() - stoppingAt;
      expect(shortFinished).toBe(true);
      expect(took).toBeGreaterThanOrEqual(1_900);
      expect(took).toBeLessThan(6_000);
      // The short job is done (deleted); the long one is still running, but no longer locked: a restart runs it again.
      expect(await ctx.jobLocks(store)).toMatchObject([{ lockedBy: null }]);
      expect(runner.running()).toBe(false);
      release.open();
    });

    it("a job held by a live worker for longer than deadAfterMs is not taken from it", async () => {
      const ctx = await open();
      const store = ctx.openStore();
      const release = gate();
      const rec = recordingHandlers(async (payload) => {
        if (payload.tag === "long") await bounded(release.promise, 10_000);
      });
      const settings = { concurrency: 4, deadAfterMs: 1_000, heartbeatMs: 200 };
      await ctx.startRunner(store, rec.handlers, settings);
      // On Postgres a second replica watches for dead workers too; SQLite has one process per file.
      if (sharesStorageAcrossProcesses(backend)) await ctx.startRunner(ctx.openStore(), rec.handlers, settings);
      await addJobs(store, { task: "escalation.step", payload: { tag: "long" } });

      await waitFor(() => rec.runsOf("long").length === 1, { timeoutMs: 10_000, description: "the long job to start" });
      const [held] = await waitFor(async () => {
        const locks = await ctx.jobLocks(store);
        return locks.length === 1 && locks[0]!.lockedBy ? locks : null;
      });
      // Two and a half times deadAfterMs, with heartbeats every 200 ms.
      await sleep(2_500);
      expect(await ctx.jobLocks(store)).toStrictEqual([held]);
      expect(rec.runsOf("long")).toHaveLength(1);

      release.open();
      await waitFor(async () => (await ctx.jobCount(store)) === 0, { timeoutMs: 10_000, description: "the long job to finish" });
      await sleep(300);
      expect(rec.runsOf("long")).toHaveLength(1);
    });
  });
});

describe("jobs contract: postgres only", () => {
  let ctx: BackendContext | undefined;

  afterEach(async () => {
    await ctx?.dispose();
    ctx = undefined;
  });

  it("a queued job whose first fetches find its queue row held by another fetch starts soon after that fetch ends, not at the next poll", async () => {
    ctx = await postgresBackend.open();
    const store = await ctx.openMigratedStore();
    const other = ctx.openStore();
    const rec = recordingHandlers();
    // Polling so rare that a job left for the poll would show.
    await ctx.startRunner(store, rec.handlers, { concurrency: 4, pollIntervalMs: 5_000 });
    const spec = (tag: string): JobSpec => ({ task: "slack.sync", payload: { tag }, queue: "slack:C0CROWD" });
    // The queue's row exists once a job has used it.
    await addJobs(store, spec("first"));
    await waitFor(() => rec.runsOf("first").some((r) => r.endedAt !== null), { timeoutMs: 10_000, description: "the queue's first job" });
    await sleep(200);

    // Every Graphile fetch locks the free queue rows while it runs, and a fetch skips rows another
    // holds: here another transaction holds the row while the new job's notification arrives.
    const taken = gate();
    const release = gate();
    const holding = other.transaction(async (tx) => {
      await tx.db.all(sql`select id from graphile_worker._private_job_queues where queue_name = 'slack:C0CROWD' for update`);
      taken.open();
      await bounded(release.promise, 5_000);
    });
    await taken.promise;
    const addedAt = Date.now();
    await addJobs(store, spec("crowded"));
    await sleep(15);
    release.open();
    await holding;
    await waitFor(() => rec.runsOf("crowded").length === 1, { timeoutMs: 15_000, description: "the crowded-out job" });
    expect(rec.runsOf("crowded")[0]!.startedAt - addedAt).toBeLessThan(1_000);
  });

  it("two runners on one database run each of 50 jobs exactly once in total", async () => {
    ctx = await postgresBackend.open();
    const a = await ctx.openMigratedStore();
    const b = ctx.openStore();
    const rec = recordingHandlers(async () => {
      await sleep(5);
    });
    await ctx.startRunner(a, rec.handlers, { concurrency: 4 });
    await ctx.startRunner(b, rec.handlers, { concurrency: 4 });
    const tags = Array.from({ length: 50 }, (_, i) => `job-${i}`);
    // Added from both stores, in several transactions, some due now and some a moment later.
    for (let i = 0; i < tags.length; i += 10) {
      await addJobs(
        i % 20 === 0 ? a : b,
        ...tags.slice(i, i + 10).map((tag, k): JobSpec => ({ task: "notify.page", payload: { tag }, runAt: k % 2 === 0 ? undefined : inMs(300) })),
      );
    }
    await waitFor(() => new Set(rec.runs.map((r) => r.payload.tag)).size === 50 && rec.runs.every((r) => r.endedAt !== null), {
      timeoutMs: 20_000,
      description: "all 50 jobs",
    });
    await waitFor(async () => (await ctx!.jobCount(a)) === 0, { timeoutMs: 5_000, description: "an empty job table" });
    await sleep(500);
    const counts = new Map<unknown, number>();
    for (const r of rec.runs) counts.set(r.payload.tag, (counts.get(r.payload.tag) ?? 0) + 1);
    expect([...counts.entries()].filter(([, n]) => n !== 1)).toStrictEqual([]);
    expect(rec.runs).toHaveLength(50);
  });
});
