import type { Store } from "../store/store.js";

const DAY_MS = 86_400_000;
export const AUDIT_PRUNE_JOB_KEY = "audit.prune";

/** Schedules the daily prune unless it is already waiting (several replicas share the one job). */
export async function ensureAuditPrune(store: Store, now: number): Promise<void> {
  await store.transaction((tx) =>
    tx.jobs.add({ task: "audit.prune", payload: {}, jobKey: AUDIT_PRUNE_JOB_KEY, jobKeyMode: "preserve_run_at", runAt: new Date(now + 60_000), maxAttempts: 5 }),
  );
}

/** Job `audit.prune`: deletes audit entries older than the retention, then runs again a day later. */
export function makeAuditPruneHandler(store: Store, retentionSeconds: number, now: () => number, log: (line: string) => void) {
  return async (): Promise<void> => {
    const t = now();
    const removed = await store.read.audit.prune(t - retentionSeconds * 1000);
    if (removed > 0) log(`audit: removed ${removed} entr${removed === 1 ? "y" : "ies"} older than ${Math.round(retentionSeconds / 86_400)} days`);
    await store.transaction((tx) => tx.jobs.add({ task: "audit.prune", payload: {}, jobKey: AUDIT_PRUNE_JOB_KEY, runAt: new Date(t + DAY_MS), maxAttempts: 5 }));
  };
}
