/**
 * Jobs run in two lanes with their own concurrency, so slow or rate-limited
 * Slack work (which may wait for a channel's next slot) never holds back pages,
 * SMS, calls or escalation steps.
 */
export type Lane = "main" | "slack";

export const laneOf = (task: string): Lane => (task.startsWith("slack.") ? "slack" : "main");

export const LANE_CONCURRENCY: Record<Lane, number> = { main: 8, slack: 4 };
