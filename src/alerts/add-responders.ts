import type { EscalationDeps } from "../escalation/escalation-deps.js";
import type { AlertGroupRecord } from "../store/repositories/alert-group-record.js";
import type { Tx } from "../store/store.js";
import { mention } from "./mention.js";

/** Whom "add responder" brings in: a calpage user, or whoever is on call in a schedule now. */
export type ResponderTarget = { email: string } | { schedule: string };

/** At most this many people paged by one "add responder" (a schedule may have several on call). */
export const MAX_RESPONDERS_PER_ADD = 20;

/**
 * "Add responder" (`/oncall add`, the alert message's **Add responder**): the named people, and
 * whoever is on call now in the named schedules, are paged into the group, each with their own
 * ladder, as a responder request: their pages go out while the group fires or is acknowledged
 * (the usual case: "I acknowledged, I need help"). The group's own chain is not touched.
 * Runs inside the caller's transaction. Returns why not (nothing changed), or whom it pages.
 */
export async function addResponders(
  tx: Tx,
  g: AlertGroupRecord,
  targets: readonly ResponderTarget[],
  actor: string,
  now: number,
  deps: EscalationDeps,
): Promise<{ ok: false; message: string } | { ok: true; note: string }> {
  const refuse = (message: string) => ({ ok: false as const, message });
  if (g.state === "resolved") return refuse(`#${g.number} is already resolved, so there is nobody to bring in. An admin can reopen it first (\`/oncall unresolve ${g.number}\`).`);
  if (g.state === "silenced") return refuse(`#${g.number} is silenced, so a page would not go out. Unsilence it first (\`/oncall unsilence ${g.number}\`), then add responders.`);
  if (targets.length === 0) return refuse("Whom should calpage add? Name a @person or a schedule.");
  const nameOf = (email: string) => deps.users.get(email)?.name ?? email;
  const emails = new Set<string>();
  const added: string[] = [];
  const nobody: string[] = [];
  for (const t of targets) {
    if ("email" in t) {
      if (!deps.users.has(t.email)) return refuse(`${t.email} is not a calpage user, so calpage cannot page them (an admin can add them to \`users\` in calpage.yaml).`);
      if (!emails.has(t.email)) added.push(nameOf(t.email));
      emails.add(t.email);
      continue;
    }
    const onCall = deps.oncall.whoIsOnCall(t.schedule, new Date(now));
    if (onCall.length === 0) nobody.push(t.schedule);
    for (const e of onCall) {
      if (emails.has(e)) continue;
      emails.add(e);
      added.push(`${nameOf(e)} (on call in ${t.schedule})`);
    }
  }
  const unread = nobody.filter((s) => deps.oncall.isLoaded?.(s) === false);
  if (emails.size === 0 && unread.length > 0) {
    return refuse(`calpage has never read the feed of ${unread.join(", ")}, so it does not know who is on call there; nobody was paged for #${g.number}. Name the people instead.`);
  }
  if (emails.size === 0) return refuse(`Nobody is on call in ${nobody.join(", ")} right now, so nobody was paged for #${g.number}.`);
  if (emails.size > MAX_RESPONDERS_PER_ADD) return refuse(`That is ${emails.size} people; add at most ${MAX_RESPONDERS_PER_ADD} responders at once.`);
  const note = `${added.join(", ")} as ${emails.size > 1 ? "responders (paging with their ladders)" : "a responder (paging with their ladder)"}`;
  await tx.log.add(g.id, now, "responder_added", `${mention(actor)} added ${note}.`);
  if (nobody.length > 0) await tx.log.add(g.id, now, "warning", `Nobody is on call in ${nobody.join(", ")} right now, so nobody was added from ${nobody.length > 1 ? "them" : "it"}.`);
  await deps.pager.page(tx, g.id, [...emails], false, `responder:${now}`, now, { responder: true });
  if (nobody.length > 0) return { ok: true, note: `${note}; nobody is on call in ${nobody.join(", ")}` };
  return { ok: true, note };
}
