import type { Config, EscalationStep } from "../config/config-types.js";
import { escalate } from "../escalation/escalate.js";
import type { EscalationDeps } from "../escalation/escalation-deps.js";
import { newId } from "../shared/ids.js";
import type { AlertGroupRecord } from "../store/repositories/alert-group-record.js";
import type { Store } from "../store/store.js";
import { actorFromName, emitGroupEvent } from "./group-events.js";
import { mention } from "./mention.js";
import { distinctAlerts } from "./alert-identity.js";
import { newGroupRecord } from "./new-group-record.js";
import { requestSlackSync } from "./request-slack-sync.js";

export const DIRECT_INTEGRATION = "direct";

export type PageTarget = { email: string } | { schedule: string };
export type DirectPageResult = { ok: true; group: AlertGroupRecord; warning: string | null } | { ok: false; message: string };

/**
 * `/oncall page`: opens an alert group on the built-in "direct" integration whose
 * chain notifies exactly the named person (or the schedule's on-call), and
 * escalates it like any other group. Paging someone who is not on call works,
 * with a warning to the person who asked.
 */
export function createDirectPageService(store: Store, config: Config, deps: EscalationDeps) {
  const scheduleNames = new Set(config.schedules.map((s) => s.name));
  return async function page(
    input: { target: PageTarget; message: string; important: boolean; requestedBy: string; channel: string | null },
    now: number,
  ): Promise<DirectPageResult> {
    let steps: EscalationStep[];
    let warning: string | null = null;
    let whom: string;
    if ("schedule" in input.target) {
      const schedule = input.target.schedule;
      if (!scheduleNames.has(schedule)) {
        return { ok: false, message: `"${schedule}" is neither a @mention nor a schedule. Schedules: ${[...scheduleNames].join(", ") || "none"}.` };
      }
      if (deps.oncall.whoIsOnCall(schedule, new Date(now)).length === 0) warning = `Nobody is on call in ${schedule} right now; the page is logged but reaches no one.`;
      steps = [{ type: "notify_schedule", schedule, important: input.important }];
      whom = `on-call of ${schedule}`;
    } else {
      const email = input.target.email;
      const user = deps.users.get(email);
      if (!user) return { ok: false, message: `${email} is not a calpage user (add them to calpage.yaml).` };
      const onCallSomewhere = config.schedules.some((s) => deps.oncall.whoIsOnCall(s.name, new Date(now)).includes(email));
      if (!onCallSomewhere) warning = `${user.name} is not on call right now; paging them anyway.`;
      steps = [{ type: "notify_users", users: [email], important: input.important }];
      whom = user.name;
    }
    const group = await store.transaction(async (tx) => {
      const g = await newGroupRecord(
        tx,
        {
          groupingKey: `direct:${newId()}`,
          title: input.message.slice(0, 500),
          message: `Paged directly by ${mention(input.requestedBy)}.`,
          severity: input.important ? "critical" : null,
          labels: { alertname: "DirectPage" },
          links: [],
          alerts: [{ status: "firing", labels: { alertname: "DirectPage" }, annotations: { summary: input.message }, startsAt: new Date(now).toISOString(), endsAt: null, generatorUrl: null, fingerprint: null }],
        },
        { integration: DIRECT_INTEGRATION, chain: null, chainSteps: steps, channel: input.channel },
        now,
      );
      await tx.groups.insert(g);
      await tx.alerts.upsertMany(g.id, distinctAlerts([{ status: "firing", labels: { alertname: "DirectPage" }, annotations: { summary: input.message }, startsAt: new Date(now).toISOString(), endsAt: null, generatorUrl: null, fingerprint: null }]), now);
      await tx.log.add(g.id, now, "opened", `Direct page #${g.number} to ${whom} by ${mention(input.requestedBy)}${input.important ? " (important)" : ""}.`);
      if (warning) await tx.log.add(g.id, now, "warning", warning);
      // The built-in "direct" integration has no outgoing webhooks of its own; a sink may still listen.
      await emitGroupEvent(tx, deps.events, g, { name: "opened", actor: actorFromName(input.requestedBy) }, now);
      await escalate(tx, g, { type: "start" }, now, deps);
      await requestSlackSync(tx, g.id, now);
      return g;
    });
    return { ok: true, group, warning };
  };
}

export type DirectPageService = ReturnType<typeof createDirectPageService>;
