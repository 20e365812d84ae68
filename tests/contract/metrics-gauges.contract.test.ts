import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCalpageMetrics } from "../../src/app/calpage-metrics.js";
import { createMetrics } from "../../src/http/metrics.js";
import { backends, type BackendContext } from "./backends.js";

/**
 * The gauges /metrics reads from the database at each scrape: the age of each feed's last good
 * copy (while a feed fails, since its errors began; +Inf when it was never read), and the job
 * backlog by lane — on SQLite and Postgres alike. A failing read leaves the gauge empty and is
 * reported; the scrape itself still answers.
 */
describe.each(backends)("metrics gauges: $name", (backend) => {
  let shared: BackendContext;
  beforeAll(async () => {
    shared = await backend.open();
  });
  afterAll(async () => {
    await shared?.dispose();
  });

  it("reports each feed's last good age, and due and overdue jobs by lane", async () => {
    const store = await shared.openMigratedStore();
    const now = 1_800_000_000_000;
    const feed = { source: "https://calendar.example.com/feed.ics", body: "BEGIN:VCALENDAR", etag: null, lastModified: null };
    await store.transaction(async (tx) => {
      // Read fine 30 s ago (the copy itself is a day old: same content since).
      await tx.feeds.upsert({ schedule: "primary", kind: "primary", ...feed, fetchedAt: now - 86_400_000, checkedAt: now - 30_000, error: null, errorSince: null });
      // Failing for 10 minutes, serving its last good copy.
      await tx.feeds.upsert({ schedule: "primary", kind: "overrides", ...feed, fetchedAt: now - 3_600_000, checkedAt: now - 5_000, error: "HTTP 500", errorSince: now - 600_000 });
      // Never read.
      await tx.feeds.upsert({ schedule: "db", kind: "primary", ...feed, body: null, fetchedAt: null, checkedAt: now - 5_000, error: "HTTP 404", errorSince: now - 60_000 });
      await tx.jobs.add({ task: "notify.page", payload: { pageId: "p1" }, runAt: new Date(now - 120_000) });
      await tx.jobs.add({ task: "slack.sync", payload: { groupId: "g1" }, runAt: new Date(now - 1_000), queue: "slack:C1" });
      await tx.jobs.add({ task: "escalation.step", payload: { groupId: "g1", seq: 1 }, runAt: new Date(now + 60_000) });
    });
    const metrics = createMetrics({ defaultMetrics: false });
    const errors: string[] = [];
    createCalpageMetrics(metrics, store, () => now, (what) => errors.push(what));
    const text = await metrics.render();
    expect(errors).toEqual([]);
    const lines = text.split("\n").filter((l) => /^calpage_(feed|jobs)/.test(l));
    expect(lines).toEqual([
      'calpage_jobs_due{lane="main"} 1',
      'calpage_jobs_due{lane="slack"} 1',
      'calpage_jobs_overdue{lane="main"} 1',
      'calpage_jobs_overdue{lane="slack"} 0',
      'calpage_feed_last_good_age_seconds{schedule="db",kind="primary"} +Inf',
      'calpage_feed_last_good_age_seconds{schedule="primary",kind="overrides"} 600',
      'calpage_feed_last_good_age_seconds{schedule="primary",kind="primary"} 30',
    ]);
    expect(text).toContain('calpage_open_groups{state="firing"} 0');
    expect(text).not.toContain("calendar.example.com");
  });

  it("a failing read leaves its gauge empty, is reported, and the scrape still answers", async () => {
    const store = await shared.openMigratedStore();
    const metrics = createMetrics({ defaultMetrics: false });
    const errors: string[] = [];
    createCalpageMetrics(metrics, store, Date.now, (what) => errors.push(what));
    await store.close();
    const text = await metrics.render();
    expect(text).toContain("# TYPE calpage_open_groups gauge");
    expect(text).not.toMatch(/^calpage_open_groups\{/m);
    expect(errors).toEqual(expect.arrayContaining(["metrics.open_groups", "metrics.feeds"]));
  });
});
