import type { EscalationStep } from "../config/config-types.js";
import { initialEscalation } from "../escalation/escalation-state.js";
import { newId } from "../shared/ids.js";
import type { AlertGroupRecord } from "../store/repositories/alert-group-record.js";
import type { Tx } from "../store/store.js";
import { distinctAlerts } from "./alert-identity.js";
import type { IncomingGroup } from "./incoming-group.js";

/** A fresh firing group for `g`, numbered from the shared counter; the caller inserts it. */
export async function newGroupRecord(
  tx: Tx,
  g: Pick<IncomingGroup, "groupingKey" | "title" | "message" | "severity" | "labels" | "links" | "alerts" | "truncatedAlerts">,
  where: { integration: string; chain: string | null; chainSteps: EscalationStep[]; channel: string | null; silenceUrl?: string | null },
  now: number,
): Promise<AlertGroupRecord> {
  const alerts = [...distinctAlerts(g.alerts).values()];
  return {
    id: newId(),
    number: await tx.groups.nextNumber(),
    integration: where.integration,
    groupingKey: g.groupingKey,
    state: "firing",
    title: g.title,
    message: g.message,
    severity: g.severity,
    labels: g.labels,
    links: g.links,
    silenceUrl: where.silenceUrl ?? null,
    chain: where.chain,
    chainSteps: where.chainSteps,
    channel: where.channel,
    alertCount: alerts.length,
    firingCount: alerts.filter((a) => a.status === "firing").length,
    truncatedAlerts: g.truncatedAlerts ?? 0,
    firstAlertAt: now,
    lastAlertAt: now,
    acknowledgedBy: null,
    acknowledgedAt: null,
    resolvedBy: null,
    resolvedAt: null,
    silencedBy: null,
    silencedUntil: null,
    slackChannelId: null,
    slackTs: null,

    escalation: initialEscalation,
    createdAt: now,
    updatedAt: now,
  };
}
