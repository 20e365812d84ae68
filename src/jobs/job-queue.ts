/** The timers and background work calpage runs. Features may add their own tasks under a `<feature>.` prefix. */
export type CoreTaskName =
  | "escalation.step"
  | "notify.page"
  | "slack.sync"
  | "slack.storm"
  | "slack.notice"
  | "heartbeat.check"
  | "maintenance.end"
  | "notify.user_group"
  | "escalation.webhook"
  | "escalation.ack_timeout"
  | "escalation.ack_answer"
  | "slack.ack_check"
  | "webhook.deliver"
  | "audit.prune"
  | "heartbeat.out"
  | "sweep";
export type FeatureTaskName = `schedule.${string}` | `paging.${string}`;
export type TaskName = CoreTaskName | FeatureTaskName;

export interface JobSpec {
  task: TaskName;
  payload: Record<string, unknown>;
  /** Default: now. */
  runAt?: Date;
  /** A job with the same key replaces the pending one (or is cancelled with `remove`). */
  jobKey?: string;
  /** "replace" (default) moves the pending job to the new runAt; "preserve_run_at" keeps the earlier one (coalescing). */
  jobKeyMode?: "replace" | "preserve_run_at";
  /** Jobs of one queue run one at a time, across all processes. */
  queue?: string;
  maxAttempts?: number;
  /** Run at `runAt` to the millisecond (e.g. a reserved Slack slot), not merely by the next poll. Timers people wait on always are. */
  precise?: boolean;
}

/**
 * Adds and removes jobs inside the caller's transaction, so a job exists if
 * and only if the state change that implies it was committed.
 */
export interface JobQueue {
  add(spec: JobSpec): Promise<void>;
  remove(jobKey: string): Promise<void>;
}

export interface JobContext {
  attempt: number;
  maxAttempts: number;
}

/** A throw means "retry later" (with backoff) until maxAttempts. */
export type TaskHandler = (payload: Record<string, unknown>, ctx: JobContext) => Promise<void>;
export type TaskHandlers = Record<CoreTaskName, TaskHandler> & Partial<Record<FeatureTaskName, TaskHandler>>;

/** A job a committed transaction added, as a runner needs to know of it to wake for it. */
export interface AddedJob {
  runAt: Date;
  task: TaskName;
}

export interface JobRunner {
  start(handlers: TaskHandlers): Promise<void>;
  /** Takes no new jobs, lets running ones finish for up to `graceMs` (default 10 s), and releases this runner's job locks. */
  stop(graceMs?: number): Promise<void>;
  /** False while jobs cannot run: not started, stopped, or paused because the database is away. */
  running(): boolean;
  /** Called after a transaction that added jobs commits: lets an idle runner wake for them at once. */
  wake(jobs: AddedJob[]): void;
}
