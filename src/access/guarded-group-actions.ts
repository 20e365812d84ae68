import type { ResponderTarget } from "../alerts/add-responders.js";
import type { ActionResult, GroupAction, GroupActions } from "../alerts/group-actions.js";
import type { Store } from "../store/store.js";
import type { AccessService } from "./access-service.js";
import type { Principal, Surface } from "./principal.js";

/** An action's result; a refusal by the access rules names the rule (`refused`), so surfaces can tell it from a failed action. */
export type GuardedResult = ActionResult | { ok: false; message: string; refused: string };

/**
 * The group actions as every surface must call them: the access rules first (a refusal changes
 * nothing and says who can), then the action, and an audit entry either way.
 */
export function createGuardedGroupActions(store: Store, act: GroupActions, access: AccessService) {
  return async function guardedAct(
    who: Principal,
    surface: Surface,
    groupId: string,
    action: GroupAction,
    now: number,
    /** `seconds`: how long to silence; `responders`: whom `add_responder` pages. */
    opts: { seconds?: number | null; responders?: readonly ResponderTarget[] } = {},
  ): Promise<GuardedResult> {
    const g = await store.read.groups.get(groupId);
    if (!g) return { ok: false, message: "That alert group no longer exists." };
    const target = `#${g.number}`;
    const auditAction =
      action === "silence"
        ? `silence ${opts.seconds === null || opts.seconds === undefined ? "forever" : `${opts.seconds}s`}`
        : action === "add_responder"
          ? `add_responder ${(opts.responders ?? []).map((t) => ("email" in t ? t.email : `schedule ${t.schedule}`)).join(", ")}`
          : action;
    const decision = access.decide(who, { kind: "group", action, group: await access.groupFacts(g), silenceSeconds: opts.seconds ?? null });
    if (!decision.allowed) {
      await access.audit(who, surface, auditAction, target, "refused", decision.message, now);
      return { ok: false, message: decision.message, refused: decision.rule };
    }
    const result = await act(groupId, action, who.actor, now, { ...opts, by: { kind: who.kind, id: who.id, name: who.name }, email: who.email });
    await access.audit(who, surface, auditAction, target, result.ok ? "done" : "failed", result.ok ? null : result.message, now);
    return result;
  };
}

export type GuardedGroupActions = ReturnType<typeof createGuardedGroupActions>;
