import type { JobSpec } from "./job-queue.js";

/**
 * Jobs run in two lanes with their own concurrency, so slow or rate-limited
 * Slack work (which may wait for a channel's next slot) never holds back pages,
 * SMS, calls or escalation steps.
 */
export type Lane = "main" | "slack";

export const laneOf = (task: string): Lane => (task.startsWith("slack.") ? "slack" : "main");

export const LANE_CONCURRENCY: Record<Lane, number> = { main: 8, slack: 4 };

/**
 * Only Slack work and schedule work put jobs in named queues (one at a time per
 * queue). Every other task's jobs never do, which lets the Postgres runner fetch
 * them in batches — batch fetching does not keep a named queue serial.
 */
export const usesNamedQueues = (task: string): boolean => task.startsWith("slack.") || task.startsWith("schedule.");

/** A queued job of a batch-fetched task could run beside another job of its queue: refuse it when it is added. */
export function assertQueueAllowed(spec: JobSpec): void {
  if (spec.queue && !usesNamedQueues(spec.task)) {
    throw new Error(`job ${spec.task} may not use named queue "${spec.queue}": only slack.* and schedule.* tasks run in named queues`);
  }
}
