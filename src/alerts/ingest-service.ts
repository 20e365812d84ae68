import type { Config, IntegrationConfig } from "../config/config-types.js";
import { escalate } from "../escalation/escalate.js";
import type { EscalationDeps } from "../escalation/escalation-deps.js";
import type { AlertGroupRecord } from "../store/repositories/alert-group-record.js";
import { mention } from "./mention.js";
import { newGroupRecord } from "./new-group-record.js";
import { pipelined } from "../store/pipelined.js";
import type { Store, Tx } from "../store/store.js";
import { distinctAlerts } from "./alert-identity.js";
import { mergeAlertStatuses, type AlertStatuses } from "./merge-alert-statuses.js";
import type { IncomingGroup } from "./incoming-group.js";
import { requestSlackSync } from "./request-slack-sync.js";
import { selectRoute } from "./select-route.js";
import { systemPrincipal } from "../access/principal.js";
import { emitGroupEvent, type GroupEventActor } from "./group-events.js";

export interface IngestResult {
  /** Groups touched, in payload order (empty when refused), with the alerts really in them after this payload. */
  groups: { number: number; state: AlertGroupRecord["state"]; opened: boolean; alerts: number; firing: number }[];
  /** Alerts the payload added to their groups or moved between firing and resolved; re-sent alerts do not count. */
  changes: number;
  /** Set when `admit` refused the payload: nothing was stored. */
  refused?: { retryAfterSeconds: number };
}

/** Asked once per payload, before anything is written, whether `changes` new or changed alerts may be taken (the rate limit). */
export type Admit = (changes: number) => { ok: true } | { ok: false; retryAfterSeconds: number };

/** Who resolved a group when its source said so, as shown in Slack. */
const SOURCE_NAMES: Record<IntegrationConfig["type"], string> = {
  alertmanager: "Alertmanager",
  grafana_alerting: "Grafana",
  webhook: "the webhook source",
  formatted_webhook: "the webhook source",
  grafana: "Grafana",
  pagerduty: "the PagerDuty Events source",
};

/** The source of an integration as the actor of `opened` and source-side `resolved`/`acknowledged` events. */
const sourceActor = (integration: IntegrationConfig): GroupEventActor => ({ kind: "system", id: integration.name, name: SOURCE_NAMES[integration.type] });

/** How long an update caused only by more alerts may wait, so bursts coalesce into few Slack edits. */
const UPDATE_COALESCE_MS = 1000;

/** What one incoming group meets in the store: its open group (if any) and the statuses of that group's alerts. */
interface Found {
  open: AlertGroupRecord | null;
  known: AlertStatuses;
}

/**
 * Stores one payload's alerts in ONE transaction: alert rows (one per alert
 * identity: a re-sent alert updates its row), group upsert by grouping key, log
 * entries and the jobs they imply (Slack sync, escalation start or stop). The
 * caller answers 2xx only after this resolves, so a crash before commit loses
 * nothing: the source retries.
 */
export function createIngestService(store: Store, config: Config, deps: EscalationDeps) {
  const chains = new Map(config.escalationChains.map((c) => [c.name, c]));

  async function find(tx: Tx, integration: IntegrationConfig, groupingKey: string): Promise<Found> {
    // One round trip: the group (locked first, on Postgres) and its alerts' statuses.
    const [open, known] = await pipelined(
      tx.groups.findOpen(integration.name, groupingKey, { lock: true }),
      tx.alerts.statusesOfOpen(integration.name, groupingKey),
    );
    return { open, known: open ? known : new Map() };
  }

  async function upsert(tx: Tx, integration: IntegrationConfig, g: IncomingGroup, found: Found, now: number) {
    const { open, known } = found;
    if (g.acknowledge === true) return open ? acknowledgeFromSource(tx, integration, open, now) : null;
    const alerts = distinctAlerts(g.alerts);
    if (g.status === "resolved") {
      if (!open) return null;
      // The source resolved the whole group: alerts it no longer lists are resolved too.
      const merged = mergeAlertStatuses(known, alerts, { complete: true });
      await pipelined(
        tx.alerts.upsertMany(open.id, alerts, now),
        tx.alerts.resolveKeys(open.id, merged.resolvedAbsent, now),
        tx.groups.update(open.id, {
          state: "resolved",
          resolvedBy: SOURCE_NAMES[integration.type],
          resolvedAt: now,
          alertCount: merged.alertCount,
          firingCount: merged.firingCount,
          truncatedAlerts: g.truncatedAlerts ?? 0,
          lastAlertAt: merged.changes > 0 ? now : open.lastAlertAt,
          updatedAt: now,
        }),
        tx.log.add(open.id, now, "resolved", `Resolved by ${SOURCE_NAMES[integration.type]}.`),
      );
      await escalate(tx, open, { type: "stop", reason: "resolved" }, now, deps);
      await emitGroupEvent(tx, deps.events, open, { name: "resolved", actor: sourceActor(integration) }, now);
      await requestSlackSync(tx, open.id, now);
      return { number: open.number, state: "resolved" as const, opened: false, alerts: merged.alertCount, firing: merged.firingCount };
    }
    if (open) {
      const merged = mergeAlertStatuses(known, alerts, { complete: g.complete === true });
      // The common case in a storm (more alerts for an open group): one round trip.
      await pipelined(
        tx.alerts.upsertMany(open.id, alerts, now),
        tx.alerts.resolveKeys(open.id, merged.resolvedAbsent, now),
        tx.groups.update(open.id, {
          alertCount: merged.alertCount,
          firingCount: merged.firingCount,
          truncatedAlerts: g.truncatedAlerts ?? 0,
          lastAlertAt: merged.changes > 0 ? now : open.lastAlertAt,
          title: g.title,
          labels: g.labels,
          links: g.links,
          message: g.message,
          severity: g.severity,
          updatedAt: now,
        }),
        requestSlackSync(tx, open.id, now, UPDATE_COALESCE_MS),
      );
      // An `if_alerts` step holding the chain re-checks its count now that new alerts arrived.
      if (merged.added > 0 && open.state === "firing" && open.escalation.holding === "alerts") await escalate(tx, open, { type: "alerts_arrived" }, now, deps);
      return { number: open.number, state: open.state, opened: false, alerts: merged.alertCount, firing: merged.firingCount };
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
    // Before the first escalation step, so `opened` is queued before `escalated`.
    await emitGroupEvent(tx, deps.events, group, { name: "opened", actor: sourceActor(integration) }, now);
    const [, , maintenance] = await pipelined(
      tx.alerts.upsertMany(group.id, alerts, now),
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
    return { number: group.number, state: group.state, opened: true, alerts: group.alertCount, firing: group.firingCount };
  }

  /**
   * The source acknowledged the group (PagerDuty `acknowledge`): like a person's acknowledge,
   * escalation stops and the group waits for its resolve, but the acknowledger is the
   * integration, and the audit trail says so. Already acknowledged: nothing changes.
   */
  async function acknowledgeFromSource(tx: Tx, integration: IntegrationConfig, open: AlertGroupRecord, now: number) {
    const counts = { number: open.number, opened: false, alerts: open.alertCount, firing: open.firingCount };
    if (open.state === "acknowledged") return { ...counts, state: open.state };
    const who = systemPrincipal(integration.name);
    await pipelined(
      tx.groups.update(open.id, { state: "acknowledged", acknowledgedBy: who.actor, acknowledgedAt: now, silencedBy: null, silencedUntil: null, updatedAt: now }),
      tx.log.add(open.id, now, "acknowledged", `Acknowledged by ${integration.name}: the source sent an acknowledge event.`),
      tx.audit.add({ at: now, actorKind: who.kind, actorId: who.id, actorName: who.name, surface: "api", action: "acknowledge (source event)", target: `#${open.number}`, outcome: "done", reason: null }),
    );
    await escalate(tx, open, { type: "stop", reason: "acknowledged" }, now, deps);
    await emitGroupEvent(tx, deps.events, open, { name: "acknowledged", actor: sourceActor(integration) }, now);
    await requestSlackSync(tx, open.id, now);
    return { ...counts, state: "acknowledged" as const };
  }

  /**
   * Counts the payload's new and changed alerts without writing: each group is
   * looked up once (and locked), later groups with the same key see the earlier
   * ones' effect. Returns the count and, per group, what the store held for it.
   */
  async function plan(tx: Tx, integration: IntegrationConfig, groups: readonly IncomingGroup[]) {
    const seen = new Map<string, { open: boolean; known: AlertStatuses }>();
    const found: (Found | null)[] = [];
    let changes = 0;
    for (const g of groups) {
      let state = seen.get(g.groupingKey);
      if (state === undefined) {
        const f = await find(tx, integration, g.groupingKey);
        found.push(f);
        state = { open: f.open !== null, known: f.known };
      } else found.push(null); // looked up again when written, after the earlier group's writes
      if (g.status === "resolved" && !state.open) {
        seen.set(g.groupingKey, state);
        continue;
      }
      const merged = mergeAlertStatuses(state.known, distinctAlerts(g.alerts), { complete: g.status === "resolved" || g.complete === true });
      changes += merged.changes;
      seen.set(g.groupingKey, g.status === "resolved" ? { open: false, known: new Map() } : { open: true, known: merged.statuses });
    }
    return { changes, found };
  }

  return {
    /**
     * Ingests one payload. With `admit`, the payload's new and changed alerts are
     * counted first and `admit` decides: refused, nothing is written.
     */
    async ingest(integration: IntegrationConfig, groups: readonly IncomingGroup[], now: number, admit?: Admit): Promise<IngestResult> {
      return store.transaction(async (tx) => {
        const { changes, found } = await plan(tx, integration, groups);
        const allowed = admit ? admit(changes) : ({ ok: true } as const);
        if (!allowed.ok) return { groups: [], changes, refused: { retryAfterSeconds: allowed.retryAfterSeconds } };
        const touched: IngestResult["groups"] = [];
        for (const [i, g] of groups.entries()) {
          const r = await upsert(tx, integration, g, found[i] ?? (await find(tx, integration, g.groupingKey)), now);
          if (r) touched.push(r);
        }
        return { groups: touched, changes };
      });
    },
  };
}

export type IngestService = ReturnType<typeof createIngestService>;
