import type { Clock } from "../shared/clock.js";
import type { Store } from "../store/store.js";
import type { createLadderPager } from "./ladder-pager.js";
import { ladderMaySend } from "./ladder-may-send.js";

/**
 * Job `paging.ladder`: the next rung of one person's ladder. The ladder stops as
 * soon as the group is no longer firing (acknowledged, resolved or silenced) — a responder
 * request's ladder goes on while the group is acknowledged (see {@link ladderMaySend}).
 * `onLate` is told how late (ms after its due time) each current rung ran.
 */
export function makeLadderTickHandler(store: Store, pager: ReturnType<typeof createLadderPager>, clock: Clock, onLate?: (ms: number) => void) {
  return async (payload: Record<string, unknown>): Promise<void> => {
    const groupId = String(payload.groupId);
    const email = String(payload.email);
    const seq = Number(payload.seq);
    let lateMs: number | null = null;
    await store.transaction(async (tx) => {
      lateMs = null;
      // Both reads in one round trip; the group is only looked at when the tick is current.
      const [run, group] = await Promise.all([tx.ladderRuns.get(groupId, email, { lock: true }), tx.groups.get(groupId)]);
      if (!run || run.state.seq !== seq) return;
      const now = clock.now().getTime();
      if (run.state.nextAt !== null) lateMs = now - run.state.nextAt;
      if (!group || !ladderMaySend(group.state, run.responder === true)) {
        await pager.apply(tx, run, { type: "stop", reason: group?.state ?? "gone" }, now);
        return;
      }
      await pager.apply(tx, run, { type: "tick", seq }, now);
    });
    // Told after the commit, once even when the transaction was retried.
    if (lateMs !== null) onLate?.(lateMs);
  };
}
