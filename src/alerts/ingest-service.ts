import type { Config, IntegrationConfig } from "../config/config-types.js";
import { escalate } from "../escalation/escalate.js";
import type { EscalationDeps } from "../escalation/escalation-deps.js";
import type { AlertGroupRecord } from "../store/repositories/alert-group-record.js";
import { mention } from "./mention.js";
import { newGroupRecord } from "./new-group-record.js";
import { pipelined } from "../store/pipelined.js";
import type { Store, Tx } from "../store/store.js";
import type { IncomingGroup } from "./incoming-group.js";
import { requestSlackSync } from "./request-slack-sync.js";
import { selectRoute } from "./select-route.js";

export interface IngestResult {
  /** Group numbers touched, in payload order. */
  groups: { number: number; state: AlertGroupRecord["state"]; opened: boolean }[];
}

/** Who resolved a group when its source said so, as shown in Slack. */
const SOURCE_NAMES: Record<IntegrationConfig["type"], string> = {
  alertmanager: "Alertmanager",
  grafana_alerting: "Grafana",
  webhook: "the webhook source",
};

/** How long an update caused only by more alerts may wait, so bursts coalesce into few Slack edits. */
const UPDATE_COALESCE_MS = 1000;

/**
 * Stores one payload's alerts in ONE transaction: alert rows, group upsert by
 * grouping key, log entries and the jobs they imply (Slack sync, escalation
 * start or stop). The caller answers 2xx only after this resolves, so a crash
 * before commit loses nothing: the source retries.
 */
export function createIngestService(store: Store, config: Config, deps: EscalationDeps) {
  const chains = new Map(config.escalationChains.map((c) => [c.name, c]));

  async function upsert(tx: Tx, integration: IntegrationConfig, g: IncomingGroup, now: number) {
    const open = await tx.groups.findOpen(integration.name, g.groupingKey, { lock: true });
    if (g.status === "resolved") {
      if (!open) return null;
      await pipelined(
        tx.alerts.insertMany(open.id, g.alerts, now),
        tx.groups.update(open.id, {
          state: "resolved",
          resolvedBy: SOURCE_NAMES[integration.type],
          resolvedAt: now,
          alertCount: open.alertCount + g.alerts.length,
          lastAlertAt: now,
          updatedAt: now,
        }),
        tx.log.add(open.id, now, "resolved", `Resolved by ${SOURCE_NAMES[integration.type]}.`),
      );
      await escalate(tx, open, { type: "stop", reason: "resolved" }, now, deps);
      await requestSlackSync(tx, open.id, now);
      return { number: open.number, state: "resolved" as const, opened: false };
    }
    if (open) {
      // The common case in a storm (more alerts for an open group): three statements, one round trip.
      await pipelined(
        tx.alerts.insertMany(open.id, g.alerts, now),
        tx.groups.update(open.id, {
          alertCount: open.alertCount + g.alerts.length,
          lastAlertAt: now,
          title: g.title,
          labels: g.labels,
          links: g.links,
          message: g.message,
          severity: g.severity,
          updatedAt: now,
        }),
        requestSlackSync(tx, open.id, now, UPDATE_COALESCE_MS),
      );
      // An `if_alerts` step holding the chain re-checks its count now that more arrived.
      if (open.state === "firing" && open.escalation.holding === "alerts") await escalate(tx, open, { type: "alerts_arrived" }, now, deps);
      return { number: open.number, state: open.state, opened: false };
    }
    const route = selectRoute(integration, g.labels);
    const chain = route.chain ? chains.get(route.chain) : undefined;
    const group = await newGroupRecord(
      tx,
      g,
      {
        integration: integration.name,
        chain: chain?.name ?? null,
        chainSteps: chain?.steps ?? [],
        // A route with post_to_slack: false keeps the group out of channels (DMs and the log still work).
        channel: route.postToSlack === false ? null : route.channel,
        silenceUrl: g.links.find((l) => l.title === "Silence")?.url ?? null,
      },
      now,
    );
    const via = route.index === null ? "the default route" : `route ${route.index + 1}`;
    // The group row first (the others refer to it), then the rest in one round trip.
    await tx.groups.insert(group);
    const [, , maintenance] = await pipelined(
      tx.alerts.insertMany(group.id, g.alerts, now),
      tx.log.add(
        group.id,
        now,
        "opened",
        `Alert group #${group.number} opened by ${integration.name} via ${via}${chain ? `; escalation chain ${chain.name}` : "; no escalation chain"}.`,
      ),
      tx.maintenance.get(integration.name),
    );
    if (maintenance && maintenance.until > now) {
      await tx.log.add(group.id, now, "maintenance", `${integration.name} is in maintenance until ${new Date(maintenance.until).toISOString()} (started by ${mention(maintenance.startedBy)}): not escalated.`);
    } else if (chain) await escalate(tx, group, { type: "start" }, now, deps);
    await requestSlackSync(tx, group.id, now);
    return { number: group.number, state: group.state, opened: true };
  }

  return {
    async ingest(integration: IntegrationConfig, groups: readonly IncomingGroup[], now: number): Promise<IngestResult> {
      return store.transaction(async (tx) => {
        const touched: IngestResult["groups"] = [];
        for (const g of groups) {
          const r = await upsert(tx, integration, g, now);
          if (r) touched.push(r);
        }
        return { groups: touched };
      });
    },
  };
}

export type IngestService = ReturnType<typeof createIngestService>;
