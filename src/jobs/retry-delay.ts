/** Backoff after a failed attempt, as Graphile Worker does it: e^min(attempt, 10) seconds. */
export function retryDelayMs(attempt: number): number {
  return Math.round(Math.exp(Math.min(attempt, 10)) * 1000);
}
