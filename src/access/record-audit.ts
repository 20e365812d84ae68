import type { AuditOutcome } from "../store/repositories/audit-repository.js";
import type { Store } from "../store/store.js";
import type { Principal, Surface } from "./principal.js";

/** Phone numbers in audit text keep only their last four digits. */
const maskPhones = (text: string) => text.replace(/\+\d[\d ().-]{5,}(\d{4})\b/g, "…$1");

/** Appends one entry to the audit trail (both backends; the table refuses updates). */
export async function recordAudit(
  store: Store,
  who: Principal,
  surface: Surface,
  action: string,
  target: string,
  outcome: AuditOutcome,
  reason: string | null,
  at: number,
): Promise<void> {
  await store.read.audit.add({
    at,
    actorKind: who.kind,
    actorId: who.id,
    actorName: who.name,
    surface,
    action: maskPhones(action),
    target: maskPhones(target),
    outcome,
    reason: reason === null ? null : maskPhones(reason),
  });
}
