import { jobBacklog } from "../jobs/job-backlog.js";
import type { Store } from "../store/store.js";
import { errorText } from "../shared/error-text.js";

/** How often HEARTBEAT_URL is pinged. */
export const HEARTBEAT_EVERY_MS = 60_000;
const JOB_KEY = "heartbeat.out";

export interface OutboundHeartbeatOptions {
  now: () => number;
  log: (line: string) => void;
  everyMs?: number;
  /** Told of every ping that was tried: whether the monitor answered 2xx. */
  onPing?: (ok: boolean) => void;
  timeoutMs?: number;
}

/**
 * The outbound heartbeat: a job (`heartbeat.out`) that GETs HEARTBEAT_URL and sets itself again a
 * minute later. Because the ping is a job, it goes out only while the job runner runs jobs (and
 * the database answers); it also stays quiet while jobs of the main lane (pages, escalation steps)
 * are overdue, so the monitor at the other end raises its own alert when calpage cannot page.
 * One job key: replicas share one ping a minute.
 */
export function createOutboundHeartbeat(store: Store, url: string, opts: OutboundHeartbeatOptions) {
  const everyMs = opts.everyMs ?? HEARTBEAT_EVERY_MS;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  let failing = false;

  const next = (at: number, mode: "replace" | "preserve_run_at") =>
    store.transaction((tx) => tx.jobs.add({ task: "heartbeat.out", payload: {}, jobKey: JOB_KEY, jobKeyMode: mode, runAt: new Date(at), maxAttempts: 1 }));

  return {
    /**
     * Sets the first ping one interval from now, unless one is set sooner: a replica starting
     * (or restarting) never adds a ping between two of the interval.
     */
    start: () => next(opts.now() + everyMs, "preserve_run_at"),
    /** The `heartbeat.out` job. */
    async handle(): Promise<void> {
      // The next ping is set first, so a failing ping never stops the heartbeat.
      await next(opts.now() + everyMs, "replace");
      const late = (await jobBacklog(store, opts.now())).find((b) => b.lane === "main")?.overdue ?? 0;
      if (late > 0) {
        opts.log(`heartbeat: not pinging HEARTBEAT_URL: ${late} page or escalation jobs are more than a minute overdue`);
        return;
      }
      let problem: string | null = null;
      try {
        const res = await fetch(url, { method: "GET", signal: AbortSignal.timeout(timeoutMs), headers: { "user-agent": "calpage-heartbeat" } });
        await res.arrayBuffer();
        if (!res.ok) problem = `HTTP ${res.status}`;
      } catch (error) {
        problem = errorText(error);
      }
      opts.onPing?.(problem === null);
      if (problem !== null && !failing) opts.log(`heartbeat: pinging HEARTBEAT_URL failed (${problem}); trying again every ${Math.round(everyMs / 1000)}s`);
      if (problem === null && failing) opts.log("heartbeat: pinging HEARTBEAT_URL works again");
      failing = problem !== null;
    },
  };
}
