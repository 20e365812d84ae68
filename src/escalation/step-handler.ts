import type { Clock } from "../shared/clock.js";
import type { Store } from "../store/store.js";
import { emitGroupEvent, type GroupEventActor } from "../alerts/group-events.js";
import { escalate } from "./escalate.js";
import type { EscalationDeps } from "./escalation-deps.js";
import { annotateLogContext } from "../shared/log-context.js";

/**
 * Job `escalation.step`: re-checks the group under a row lock and runs the step
 * only if the timer is still the current one (same seq) and the group still
 * fires. Replays after a crash therefore do nothing. `onLate` is told how late
 * (ms after the timer's due time) each current step ran.
 */
export function makeEscalationStepHandler(store: Store, clock: Clock, deps: EscalationDeps, onLate?: (ms: number) => void) {
  return async (payload: Record<string, unknown>): Promise<void> => {
    const groupId = String(payload.groupId);
    const seq = Number(payload.seq);
    // Set by a manual escalate: who made this step run now.
    const by = (payload.by ?? null) as GroupEventActor | null;
    let lateMs: number | null = null;
    await store.transaction(async (tx) => {
      lateMs = null;
      const group = await tx.groups.get(groupId, { lock: true });
      annotateLogContext({ group: group?.number, channel: group?.channel });
      if (!group || group.escalation.seq !== seq) return;
      const now = clock.now().getTime();
      if (group.escalation.nextAt !== null) lateMs = now - group.escalation.nextAt;
      if (group.state === "silenced" && group.escalation.status === "paused") {
        // The silence's end: the group fires again and the chain restarts from its first step.
        await tx.groups.update(group.id, { state: "firing", silencedBy: null, silencedUntil: null, updatedAt: now });
        await tx.log.add(group.id, now, "unsilenced", "Silence ended.");
        await emitGroupEvent(tx, deps.events, group, { name: "unsilenced", actor: { kind: "system", id: "silence", name: "the silence ending" } }, now);
        await escalate(tx, { ...group, state: "firing" }, { type: "tick", seq }, now, deps);
        return;
      }
      if (group.state !== "firing") return;
      await escalate(tx, group, { type: "tick", seq }, now, deps, by);
    });
    // Told after the commit, once even when the transaction was retried.
    if (lateMs !== null) onLate?.(lateMs);
  };
}
