import type { EscalationDeps } from "../escalation/escalation-deps.js";
import { ackAnswerJobKey, armAckTimeout } from "../escalation/ack-timeout.js";
import { escalate, escalationJobKey } from "../escalation/escalate.js";
import type { AlertGroupRecord } from "../store/repositories/alert-group-record.js";
import type { Store } from "../store/store.js";
import { formatDuration } from "../shared/duration.js";
import { addResponders, type ResponderTarget } from "./add-responders.js";
import { actorFromName, emitGroupEvent, type GroupEventActor, type GroupEventName } from "./group-events.js";
import { LATEST_SILENCE_END_MS } from "./latest-silence-end.js";
import { mention } from "./mention.js";
import { requestSlackSync } from "./request-slack-sync.js";

export type GroupAction = "acknowledge" | "unacknowledge" | "resolve" | "unresolve" | "silence" | "unsilence" | "escalate" | "keep" | "add_responder";

/** `note`: what an action did beyond the group's new state (`add_responder`: whom it pages). */
export type ActionResult = { ok: true; group: AlertGroupRecord; note?: string } | { ok: false; message: string };

/** Who acted: a Slack user id (`U…`, shown as a mention) or a plain name. */
export type Actor = string;


/**
 * Acknowledge / unacknowledge / resolve / unresolve / silence / unsilence one group. The group row is
 * locked for the transaction, so an ack racing a resolve from the source sees
 * the resolve and never reopens the group.
 */
export function createGroupActions(store: Store, deps: EscalationDeps) {
  /**
   * `opts.seconds`: how long to silence (null = forever). `opts.ifAcknowledgedAt`: unacknowledge only
   * that acknowledgement (the ack timeout's own unacknowledge must not undo a newer one), and not when
   * a `keep` was logged at or after `opts.unlessKeptSince` (the question's time). `opts.by`: who acted,
   * as outgoing webhooks name them (the guarded actions pass the principal); default from `actor`.
   * `opts.email`: the actor's calpage email, when they are a user (an acknowledgement answers their
   * own responder request). `opts.responders`: whom `add_responder` pages.
   */
  return async function act(
    groupId: string,
    action: GroupAction,
    actor: Actor,
    now: number,
    opts: { seconds?: number | null; ifAcknowledgedAt?: number; unlessKeptSince?: number; by?: GroupEventActor; email?: string | null; responders?: readonly ResponderTarget[] } = {},
  ): Promise<ActionResult> {
    const by = opts.by ?? actorFromName(actor);
    return store.transaction(async (tx) => {
      const g = await tx.groups.get(groupId, { lock: true });
      if (!g) return { ok: false, message: "That alert group no longer exists." };
      const refuse = (message: string): ActionResult => ({ ok: false, message });
      let note: string | undefined;
      /**
       * The action's own event, sent before `escalate` runs a step: a receiver is told
       * `unacknowledged` before the `escalated` that the restarted chain sends.
       */
      const told = () => emitGroupEvent(tx, deps.events, g, { name: EVENT_OF[action as keyof typeof EVENT_OF], actor: by }, now);
      switch (action) {
        case "acknowledge":
          if (g.state === "resolved") return refuse(`#${g.number} is already resolved.`);
          if (g.state === "acknowledged") {
            // Someone added as a responder acknowledges their page: they are helping; the acknowledgement stays.
            if (!opts.email || !(await deps.pager.acceptResponder?.(tx, g.id, opts.email, now))) {
              return refuse(`#${g.number} was already acknowledged by ${mention(g.acknowledgedBy ?? "someone")}.`);
            }
            await tx.log.add(g.id, now, "responder_acknowledged", `${mention(actor)} acknowledged their responder page; #${g.number} stays acknowledged by ${mention(g.acknowledgedBy ?? "someone")}.`);
            break;
          }
          await tx.groups.update(g.id, { state: "acknowledged", acknowledgedBy: actor, acknowledgedAt: now, silencedBy: null, silencedUntil: null, updatedAt: now });
          await tx.log.add(g.id, now, "acknowledged", `Acknowledged by ${mention(actor)}.`);
          // Their own responder request, if any, is answered; other responders' ladders go on.
          if (opts.email) await deps.pager.acceptResponder?.(tx, g.id, opts.email, now);
          await told();
          await escalate(tx, g, { type: "stop", reason: "acknowledged" }, now, deps);
          {
            const timeout = deps.ackTimeoutOf?.(g.chain) ?? null;
            if (timeout) await armAckTimeout(tx, g.id, now, now + timeout.afterSeconds * 1000);
          }
          break;
        case "keep": {
          // The answer to "still on it?": the acknowledgement stands; ask again after another ack_timeout.
          if (g.state !== "acknowledged" || g.acknowledgedAt === null) return refuse(`#${g.number} is no longer acknowledged (it is ${g.state}).`);
          // Only the acknowledger answers for their acknowledgement (others can hold an older question's button).
          // Compared when both are Slack members; an acknowledgement by phone or API names the person otherwise.
          if (isSlackMember(actor) && isSlackMember(g.acknowledgedBy) && actor !== g.acknowledgedBy) {
            return refuse(`#${g.number} is acknowledged by ${mention(g.acknowledgedBy!)}: only they can answer “still on it?”.`);
          }
          const timeout = deps.ackTimeoutOf?.(g.chain) ?? null;
          await tx.jobs.remove(ackAnswerJobKey(g.id));
          if (timeout) await armAckTimeout(tx, g.id, g.acknowledgedAt, now + timeout.afterSeconds * 1000);
          await tx.log.add(g.id, now, "kept", `${mention(actor)} is still on it${timeout ? `; calpage asks again in ${formatDuration(timeout.afterSeconds)}` : ""}.`);
          break;
        }
        case "unacknowledge":
          if (g.state !== "acknowledged") return refuse(`#${g.number} is not acknowledged.`);
          if (opts.ifAcknowledgedAt !== undefined) {
            // The ack timeout's own unacknowledge: only that acknowledgement, and not if Keep was clicked since the question.
            if (g.acknowledgedAt !== opts.ifAcknowledgedAt) return refuse(`#${g.number} was acknowledged again since.`);
            const since = opts.unlessKeptSince ?? Number.POSITIVE_INFINITY;
            if ((await tx.log.list(g.id)).some((e) => e.kind === "kept" && e.at >= since)) return refuse(`#${g.number} was kept acknowledged.`);
            await tx.log.add(g.id, now, "ack_timeout", `No answer from ${mention(g.acknowledgedBy ?? "the acknowledger")} to “still on it?” in time.`);
          }
          await tx.groups.update(g.id, { state: "firing", acknowledgedBy: null, acknowledgedAt: null, updatedAt: now });
          await tx.log.add(g.id, now, "unacknowledged", `Unacknowledged by ${mention(actor)}; escalation restarts from the first step.`);
          await told();
          await escalate(tx, g, { type: "start" }, now, deps);
          break;
        case "resolve":
          if (g.state === "resolved") return refuse(`#${g.number} is already resolved.`);
          await tx.groups.update(g.id, { state: "resolved", resolvedBy: actor, resolvedAt: now, silencedBy: null, silencedUntil: null, updatedAt: now });
          await tx.log.add(g.id, now, "resolved", `Resolved by ${mention(actor)}.`);
          await told();
          await escalate(tx, g, { type: "stop", reason: "resolved" }, now, deps);
          break;
        case "silence": {
          if (g.state === "resolved") return refuse(`#${g.number} is already resolved.`);
          if (g.state === "acknowledged") return refuse(`#${g.number} is acknowledged by ${mention(g.acknowledgedBy ?? "someone")}: nothing is escalating, so there is nothing to silence.`);
          const seconds = opts.seconds ?? null;
          const until = seconds === null ? null : now + seconds * 1000;
          if (until !== null && !(until <= LATEST_SILENCE_END_MS)) return refuse(`A silence of ${formatDuration(seconds!)} would end after the year 9999; silence #${g.number} for a shorter time, or forever.`);
          await tx.groups.update(g.id, { state: "silenced", silencedBy: actor, silencedUntil: until, updatedAt: now });
          await tx.log.add(
            g.id,
            now,
            "silenced",
            `Silenced by ${mention(actor)} ${until === null ? "until unsilenced" : `for ${formatDuration(seconds!)}`}; escalation restarts from the first step when the silence ends.`,
          );
          await told();
          await escalate(tx, g, { type: "silence", until }, now, deps);
          break;
        }
        case "unsilence":
          if (g.state !== "silenced") return refuse(`#${g.number} is not silenced.`);
          await tx.groups.update(g.id, { state: "firing", silencedBy: null, silencedUntil: null, updatedAt: now });
          await tx.log.add(g.id, now, "unsilenced", `Unsilenced by ${mention(actor)}; escalation restarts from the first step.`);
          await told();
          await escalate(tx, g, { type: "start" }, now, deps);
          break;
        case "escalate": {
          // Skip the current wait: the pending step runs now (same seq, so it still runs once).
          if (g.state !== "firing") return refuse(`#${g.number} is ${g.state}; there is nothing to escalate.`);
          if (g.escalation.status !== "active" || g.escalation.nextAt === null) return refuse(`#${g.number} has no further escalation step to run.`);
          // `by` reaches the step: the `escalated` event it sends names who escalated.
          await tx.jobs.add({ task: "escalation.step", payload: { groupId: g.id, seq: g.escalation.seq, by }, jobKey: escalationJobKey(g.id), runAt: new Date(now), maxAttempts: 25 });
          await tx.log.add(g.id, now, "escalated", `Escalated now by ${mention(actor)}.`);
          break;
        }
        case "add_responder": {
          const added = await addResponders(tx, g, opts.responders ?? [], actor, now, deps);
          if (!added.ok) return refuse(added.message);
          note = added.note;
          break;
        }
        case "unresolve": {
          if (g.state !== "resolved") return refuse(`#${g.number} is not resolved.`);
          const newer = await tx.groups.findOpen(g.integration, g.groupingKey);
          if (newer) return refuse(`#${g.number} cannot be reopened: #${newer.number} is already open for the same alert.`);
          await tx.groups.update(g.id, {
            state: "firing",
            resolvedBy: null,
            resolvedAt: null,
            acknowledgedBy: null,
            acknowledgedAt: null,
            updatedAt: now,
          });
          await tx.log.add(g.id, now, "unresolved", `Reopened by ${mention(actor)}; escalation restarts from the first step.`);
          await told();
          await escalate(tx, g, { type: "start" }, now, deps);
          break;
        }
      }
      // Each state change told its event above; `escalate` is told when its step runs (the step job sends
      // `escalated`, naming `by`); `keep`, `add_responder` and a responder's acknowledgement change no state.
      await requestSlackSync(tx, g.id, now);
      const updated = await tx.groups.get(g.id);
      return note === undefined ? { ok: true, group: updated ?? g } : { ok: true, group: updated ?? g, note };
    });
  };
}

export type GroupActions = ReturnType<typeof createGroupActions>;

const isSlackMember = (actor: string | null): boolean => actor !== null && /^[UW][A-Z0-9]{2,}$/.test(actor);

const EVENT_OF: Record<Exclude<GroupAction, "escalate" | "keep" | "add_responder">, GroupEventName> = {
  acknowledge: "acknowledged",
  unacknowledge: "unacknowledged",
  resolve: "resolved",
  unresolve: "unresolved",
  silence: "silenced",
  unsilence: "unsilenced",
};
