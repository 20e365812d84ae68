import type { Config, LadderStep } from "../config/config-types.js";
import type { Pager } from "../escalation/escalation-deps.js";
import { initialLadder, ladderTransition, laterRungSent, type LadderChannel, type LadderEffect, type LadderEvent } from "../notify/ladder/ladder.js";
import { newId } from "../shared/ids.js";
import type { LadderRunRecord } from "../store/repositories/ladder-runs-repository.js";
import type { PageRecord } from "../store/repositories/pages-repository.js";
import type { Tx } from "../store/store.js";
import { effectiveContact, type EffectiveContact } from "./effective-contact.js";
import { parseLadderKey } from "./ladder-key.js";
import { otherChannel } from "./other-channel.js";
import { configuredZones, type PersonZones } from "./person-zones.js";
import { quietHoldReason, quietHoursAt } from "./quiet-hours.js";

export const ladderJobKey = (groupId: string, email: string) => `ladder:${groupId}:${email}`;

/**
 * The default Pager: each notified person runs their own ladder (default or
 * important) for the group — Slack DM, wait, SMS, call… A person already being
 * notified about the group is not started again; a finished ladder starts a new run.
 * Rungs the person cannot receive (no phone, Twilio not configured, SMS stopped)
 * are left out at the start, and the log says so. During the person's quiet hours (in their
 * time zone, `zones`) a normal page's SMS and call rungs are skipped as they come up, and the
 * log says so; important pages are not affected.
 */
export function createLadderPager(config: Config, opts: { phoneEnabled: boolean; zones?: PersonZones }): Required<Pager> & {
  apply(tx: Tx, run: LadderRunRecord, event: LadderEvent, now: number): Promise<void>;
  lost(tx: Tx, page: PageRecord, now: number): Promise<void>;
} {
  const names = new Map(config.users.map((u) => [u.email, u.name]));
  const nameOf = (email: string) => names.get(email) ?? email;
  const zones = opts.zones ?? configuredZones(config);

  /** Why the SMS and call rungs of this run must not go out at `now`: the person's quiet hours during a normal page. */
  function holdPhone(run: LadderRunRecord, contact: EffectiveContact, now: number): string | null {
    if (run.important || contact.quiet === null) return null;
    const quiet = quietHoursAt(contact.quiet, zones.zoneOf(run.userEmail).zone, now);
    return quiet ? quietHoldReason(quiet) : null;
  }

  async function applyEffects(tx: Tx, run: LadderRunRecord, effects: LadderEffect[], now: number, known?: EffectiveContact): Promise<void> {
    const sends = effects.some((e) => e.type === "send" && e.channel !== "slack_dm");
    const contact = sends ? (known ?? (await effectiveContact(tx, config, run.userEmail))) : null;
    for (const e of effects) {
      switch (e.type) {
        case "send": {
          const id = newId();
          const phone = e.channel === "slack_dm" ? null : (contact?.phone ?? null);
          await tx.pages.add({
            id,
            groupId: run.groupId,
            dedupeKey: `${run.groupId}:${run.userEmail}:ladder:${e.key}`,
            userEmail: run.userEmail,
            channel: e.channel,
            important: run.important,
            state: "pending",
            attempts: 0,
            error: null,
            externalRef: null,
            phone,
            sentAt: null,
            ladderKey: e.key,
            createdAt: now,
            updatedAt: now,
          });
          // SMS and calls must never wait behind Slack: they go in their own queue-less jobs with few, fast retries.
          // Should the page be a duplicate (same dedupe key: not inserted), its job finds no page with this id and does nothing.
          await tx.jobs.add({ task: "notify.page", payload: { pageId: id }, maxAttempts: e.channel === "slack_dm" ? 5 : 3 });
          break;
        }
        case "set_timer":
          await tx.jobs.add({
            task: "paging.ladder",
            payload: { groupId: run.groupId, email: run.userEmail, seq: e.seq },
            jobKey: ladderJobKey(run.groupId, run.userEmail),
            runAt: new Date(e.at),
            maxAttempts: 25,
          });
          break;
        case "cancel_timer":
          await tx.jobs.remove(ladderJobKey(run.groupId, run.userEmail));
          break;
        case "log":
          await tx.log.add(run.groupId, now, "notify", `${nameOf(run.userEmail)}: ${e.text}`);
          break;
      }
    }
  }

  async function apply(tx: Tx, run: LadderRunRecord, event: LadderEvent, now: number, known?: EffectiveContact): Promise<void> {
    // Quiet hours are decided at each rung's time: read the person's settings when a phone rung may come up.
    const contact = known ?? (!run.important && run.steps.some((s) => s.type !== "slack_dm" && s.type !== "wait") ? await effectiveContact(tx, config, run.userEmail) : undefined);
    const t = ladderTransition(run.state, event, run.steps, now, { holdPhone: contact ? holdPhone(run, contact, now) : null });
    const next = { ...run, state: t.state, updatedAt: now };
    await tx.ladderRuns.save(next);
    await applyEffects(tx, next, t.effects, now, contact);
  }

  /**
   * `page` may not have gone out (calpage stopped mid-send; its group is still firing). The
   * person is reached at once: by their ladder's next rung (its wait skipped), or, when that
   * rung already went out or none is left, by one more page on another channel.
   */
  async function lost(tx: Tx, page: PageRecord, now: number): Promise<void> {
    const key = parseLadderKey(page.ladderKey);
    const run = key ? await tx.ladderRuns.get(page.groupId, page.userEmail, { lock: true }) : null;
    if (run && key && key.run === run.state.run) {
      const t = ladderTransition(run.state, { type: "lost", rung: key.rung, attempt: key.attempt }, run.steps, now);
      if (t.effects.some((e) => e.type === "send")) return apply(tx, run, { type: "lost", rung: key.rung, attempt: key.attempt }, now);
      if (laterRungSent(run.state, run.steps, key.rung)) {
        await tx.log.add(page.groupId, now, "notify", `${nameOf(page.userEmail)}: the next rung already went out; no further notice.`);
        return;
      }
    }
    const contact = await effectiveContact(tx, config, page.userEmail);
    // During quiet hours a normal page's second notice is a DM too.
    const quiet = !page.important && contact.quiet !== null && quietHoursAt(contact.quiet, zones.zoneOf(page.userEmail).zone, now) !== null;
    const channel = otherChannel(page.channel, opts.phoneEnabled && contact.phone !== null && !quiet, contact.smsOptOut);
    const id = newId();
    await tx.pages.add({
      id,
      groupId: page.groupId,
      dedupeKey: `${page.id}:unknown-outcome`,
      userEmail: page.userEmail,
      channel,
      important: page.important,
      state: "pending",
      attempts: 0,
      error: null,
      externalRef: null,
      phone: channel === "slack_dm" ? null : contact.phone,
      sentAt: null,
      ladderKey: null,
      createdAt: now,
      updatedAt: now,
    });
    await tx.jobs.add({ task: "notify.page", payload: { pageId: id }, maxAttempts: channel === "slack_dm" ? 5 : 3 });
    await tx.log.add(page.groupId, now, "notify", `${nameOf(page.userEmail)}: reaching them again by ${CHANNEL_NAMES[channel]}.`);
  }

  return {
    apply,
    lost,
    async acceptResponder(tx, groupId, email, now) {
      const run = await tx.ladderRuns.get(groupId, email, { lock: true });
      if (!run?.responder) return false;
      await apply(tx, { ...run, responder: false }, { type: "stop", reason: "acknowledged" }, now);
      return true;
    },
    async page(tx, groupId, emails, important, _key, now, pageOpts = {}) {
      const responder = pageOpts.responder === true;
      for (const email of emails) {
        // One round trip for both reads (the contact is not needed when the person is already being notified).
        const [existing, contact] = await Promise.all([tx.ladderRuns.get(groupId, email, { lock: true }), effectiveContact(tx, config, email)]);
        let previous = existing?.state;
        if (existing?.state.status === "active") {
          if (!responder || existing.responder) {
            await tx.log.add(groupId, now, "notify", `${nameOf(email)} is already being notified about this group.`);
            continue;
          }
          // A responder request for someone the chain is notifying: while the group fires, their
          // ladder goes on as it is, now as a responder's (so an acknowledgement no longer stops it);
          // once it is acknowledged, that ladder is over (its next rung would stop it): start anew.
          const group = await tx.groups.get(groupId);
          if (group?.state === "firing") {
            await tx.ladderRuns.save({ ...existing, responder: true, updatedAt: now });
            await tx.log.add(groupId, now, "notify", `${nameOf(email)} is already being notified about this group; their notifications now go on after an acknowledgement.`);
            continue;
          }
          previous = ladderTransition(existing.state, { type: "stop", reason: "restarted as a responder request" }, existing.steps, now).state;
          await tx.jobs.remove(ladderJobKey(groupId, email));
        }
        const wanted = important ? contact.rules.important : contact.rules.default;
        const { steps, dropped } = reachableSteps(wanted, contact.phone !== null, opts.phoneEnabled, contact.smsOptOut);
        if (dropped) await tx.log.add(groupId, now, "warning", `${nameOf(email)}: ${dropped}`);
        const run: LadderRunRecord = {
          groupId,
          userEmail: email,
          important,
          state: previous ?? initialLadder,
          steps: steps.length > 0 ? steps : [{ type: "slack_dm" }],
          responder,
          updatedAt: now,
        };
        await apply(tx, run, { type: "start" }, now, contact);
      }
    },
  };
}

/** Leaves out rungs that cannot reach the person, and says why. */
export function reachableSteps(
  steps: readonly LadderStep[],
  hasPhone: boolean,
  phoneEnabled: boolean,
  smsOptOut: boolean,
): { steps: LadderStep[]; dropped: string | null } {
  const reasons = new Set<string>();
  const skip = (reason: string) => {
    reasons.add(reason);
    return false;
  };
  const kept = steps.filter((s) => {
    if (s.type === "slack_dm" || s.type === "wait") return true;
    if (!phoneEnabled) return skip("Twilio is not configured, so SMS and call steps are skipped.");
    if (!hasPhone) return skip("no phone number, so SMS and call steps are skipped.");
    if (s.type === "sms" && smsOptOut) return skip("texts are stopped (STOP), so SMS steps are skipped.");
    return true;
  });
  // Waits with nothing after them only delay the end of the ladder.
  while (kept.length > 0 && kept[kept.length - 1]!.type === "wait") kept.pop();
  return { steps: kept, dropped: reasons.size > 0 ? [...reasons].join(" ") : null };
}

const CHANNEL_NAMES: Record<LadderChannel, string> = { slack_dm: "Slack DM", sms: "SMS", call: "call" };
