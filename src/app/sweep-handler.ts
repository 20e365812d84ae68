import { escalationJobKey } from "../escalation/escalate.js";
import type { Store } from "../store/store.js";

/** How late a step may be before the sweep re-arms it. */
const GRACE_MS = 5_000;

/**
 * Job `sweep`: re-derives what is due from stored state. An escalation step
 * whose time has passed (a lost or stuck timer) is re-armed with the group's
 * current seq; the step handler's seq check means this can never run a step twice.
 */
export function makeSweepHandler(store: Store, now: () => number = Date.now) {
  return async (): Promise<void> => {
    const t = now();
    const overdue = await store.read.groups.listDueEscalations(t - GRACE_MS);
    if (overdue.length === 0) return;
    await store.transaction(async (tx) => {
      for (const g of overdue) {
        await tx.jobs.add({
          task: "escalation.step",
          payload: { groupId: g.id, seq: g.escalation.seq },
          jobKey: escalationJobKey(g.id),
          runAt: new Date(t),
          maxAttempts: 25,
        });
      }
    });
  };
}
