/** Waits before retries 1, 2, 3…: 10 s, 30 s, 1 min, 5 min, 15 min, 30 min, then every hour. */
export const WEBHOOK_RETRY_DELAYS_SECONDS = [10, 30, 60, 300, 900, 1800, 3600] as const;

/** Milliseconds to wait after failed attempt `attempt` (1-based) before the next; the last delay repeats. */
export function webhookRetryDelayMs(attempt: number, delaysMs: readonly number[] = WEBHOOK_RETRY_DELAYS_SECONDS.map((s) => s * 1000)): number {
  return delaysMs[Math.min(Math.max(attempt, 1), delaysMs.length) - 1]!;
}

/** What one attempt's answer means: delivered, worth trying again, or final. */
export type AttemptVerdict = "delivered" | "retry" | "final";

/** 2xx delivered; 408, 429 and 5xx retried; any other status (4xx, and 3xx: redirects are not followed) is final. */
export function verdictForStatus(status: number): AttemptVerdict {
  if (status >= 200 && status < 300) return "delivered";
  if (status === 408 || status === 429 || status >= 500) return "retry";
  return "final";
}
