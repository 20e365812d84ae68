import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createOutboundHeartbeat } from "../../src/app/outbound-heartbeat.js";
import { jobBacklog } from "../../src/jobs/job-backlog.js";
import { waitFor } from "../support/wait-for.js";
import { backends, type BackendContext } from "./backends.js";
import { recordingHandlers } from "./job-recorder.js";

/**
 * Requirement (issue 12): someone must know when the pager itself is down. HEARTBEAT_URL is
 * pinged every interval while the job runner runs jobs — a failing monitor does not stop the
 * pings, a stopped runner does — and not while pages or escalation steps are overdue.
 */

/** A stand-in for healthchecks.io and the like: counts GETs, answers `status`. */
async function startMonitor() {
  const pings: number[] = [];
  let status = 200;
  const server: Server = createServer((req, res) => {
    if (req.method === "GET" && req.url === "/ping/0f4c1a2e-check") pings.push(Date.now());
    res.writeHead(status, { "content-type": "text/plain" }).end("OK");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/ping/0f4c1a2e-check`,
    pings,
    answer: (s: number) => (status = s),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(backends)("outbound heartbeat: $name", (backend) => {
  let shared: BackendContext;
  let monitor: Awaited<ReturnType<typeof startMonitor>>;

  beforeAll(async () => {
    shared = await backend.open();
    monitor = await startMonitor();
  });
  afterEach(async () => {
    await shared.closeAll();
    await shared.resetJobs();
    monitor.pings.length = 0;
    monitor.answer(200);
  });
  afterAll(async () => {
    await shared?.dispose();
    await monitor?.close();
  });

  it("pings every interval while the runner runs, keeps pinging through a failing monitor, and stops with the runner", async () => {
    const store = await shared.openMigratedStore();
    const logs: string[] = [];
    const pinged: boolean[] = [];
    const hb = createOutboundHeartbeat(store, monitor.url, { now: Date.now, log: (l) => logs.push(l), everyMs: 300, onPing: (ok) => pinged.push(ok) });
    const { handlers } = recordingHandlers();
    const runner = await shared.startRunner(store, { ...handlers, "heartbeat.out": () => hb.handle() });
    await hb.start();
    await hb.start(); // a second replica starting: still one ping per interval
    await waitFor(() => monitor.pings.length >= 3, { timeoutMs: 10_000, description: "three pings" });
    const gaps = monitor.pings.slice(1).map((t, i) => t - monitor.pings[i]!);
    // No ping in between (a doubled ping would show a gap near 0); a late ping can shorten the next gap
    // by its delay — CI measured 241 ms for the 300 ms interval under load — so half the interval is the bound.
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(150);

    monitor.answer(500);
    await waitFor(() => pinged.filter((ok) => !ok).length >= 2, { timeoutMs: 10_000, description: "two failed pings" });
    expect(logs.filter((l) => l.includes("failed"))).toEqual(["heartbeat: pinging HEARTBEAT_URL failed (HTTP 500); trying again every 0s"]);
    monitor.answer(200);
    await waitFor(() => logs.includes("heartbeat: pinging HEARTBEAT_URL works again"), { timeoutMs: 10_000 });
    expect(logs.join("\n")).not.toContain("0f4c1a2e-check");

    await runner.stop();
    await sleep(200);
    const seen = monitor.pings.length;
    await sleep(1000);
    expect(monitor.pings.length).toBe(seen);
  });

  it("does not ping while page or escalation jobs are over a minute overdue; overdue Slack work does not hold it back", async () => {
    const store = await shared.openMigratedStore();
    const logs: string[] = [];
    const now = Date.now();
    const hb = createOutboundHeartbeat(store, monitor.url, { now: () => now, log: (l) => logs.push(l), everyMs: 60_000 });
    // No runner: these jobs wait. A Slack sync 2 minutes late and a page 90 s late.
    await store.transaction(async (tx) => {
      await tx.jobs.add({ task: "slack.sync", payload: { groupId: "g1" }, runAt: new Date(now - 120_000), queue: "slack:C1" });
      await tx.jobs.add({ task: "notify.page", payload: { pageId: "p1" }, runAt: new Date(now - 90_000) });
      await tx.jobs.add({ task: "notify.page", payload: { pageId: "p2" }, runAt: new Date(now - 10_000) });
      await tx.jobs.add({ task: "escalation.step", payload: { groupId: "g2", seq: 1 }, runAt: new Date(now + 60_000) });
    });
    expect(await jobBacklog(store, now)).toEqual([
      { lane: "main", due: 2, overdue: 1 },
      { lane: "slack", due: 1, overdue: 1 },
    ]);
    await hb.handle();
    expect(monitor.pings).toHaveLength(0);
    expect(logs).toEqual(["heartbeat: not pinging HEARTBEAT_URL: 1 page or escalation jobs are more than a minute overdue"]);

    // Only Slack work late: the pager still pages, so the heartbeat goes out.
    await shared.resetJobs();
    await store.transaction((tx) => tx.jobs.add({ task: "slack.sync", payload: { groupId: "g1" }, runAt: new Date(now - 120_000), queue: "slack:C1" }));
    await hb.handle();
    expect(monitor.pings).toHaveLength(1);
  });
});
