import type { JobContext, TaskHandlers, TaskName } from "../../src/jobs/job-queue.js";

/** One handler invocation, as the recorder saw it. */
export interface JobRun {
  task: TaskName;
  payload: Record<string, unknown>;
  attempt: number;
  startedAt: number;
  /** Null while the handler is still running. */
  endedAt: number | null;
  failed: boolean;
}

export type Behaviour = (payload: Record<string, unknown>, ctx: JobContext, run: JobRun) => Promise<void>;

/**
 * Handlers for every task that record each invocation, then run `behaviour`
 * (default: return at once). A throw from `behaviour` is what makes the runner retry.
 */
export function recordingHandlers(behaviour?: Behaviour): { handlers: TaskHandlers; runs: JobRun[]; runsOf(tag: string): JobRun[] } {
  const runs: JobRun[] = [];
  const handler =
    (task: TaskName) =>
    async (payload: Record<string, unknown>, ctx: JobContext): Promise<void> => {
      const run: JobRun = { task, payload, attempt: ctx.attempt, startedAt: Date.now(), endedAt: null, failed: false };
      runs.push(run);
      try {
        await behaviour?.(payload, ctx, run);
      } catch (error) {
        run.failed = true;
        throw error;
      } finally {
        run.endedAt = Date.now();
      }
    };
  return {
    runs,
    runsOf: (tag: string) => runs.filter((r) => r.payload.tag === tag),
    handlers: {
      "escalation.step": handler("escalation.step"),
      "notify.page": handler("notify.page"),
      "slack.sync": handler("slack.sync"),
      "slack.storm": handler("slack.storm"),
      "slack.notice": handler("slack.notice"),
      "slack.ack_check": handler("slack.ack_check"),
      "escalation.ack_timeout": handler("escalation.ack_timeout"),
      "escalation.ack_answer": handler("escalation.ack_answer"),
      "heartbeat.check": handler("heartbeat.check"),
      "maintenance.end": handler("maintenance.end"),
      "audit.prune": handler("audit.prune"),
      "heartbeat.out": handler("heartbeat.out"),
      "notify.user_group": handler("notify.user_group"),
      "escalation.webhook": handler("escalation.webhook"),
      "webhook.deliver": handler("webhook.deliver"),
      sweep: handler("sweep"),
      // Feature tasks: one that uses named queues and one that is fetched in batches on Postgres.
      "schedule.tick": handler("schedule.tick"),
      "paging.ladder": handler("paging.ladder"),
    },
  };
}

/** True when two runs' [start, end] intervals intersect (a still-running run ends at +infinity). */
export function overlaps(a: JobRun, b: JobRun): boolean {
  const aEnd = a.endedAt ?? Infinity;
  const bEnd = b.endedAt ?? Infinity;
  return a.startedAt < bEnd && b.startedAt < aEnd;
}
