import type { Config, IntegrationConfig } from "../config/config-types.js";
import { formatDuration } from "../shared/duration.js";
import type { Store } from "../store/store.js";
import type { IncomingGroup } from "./incoming-group.js";
import type { IngestService } from "./ingest-service.js";

export const HEARTBEAT_GROUPING_KEY = "calpage:heartbeat";

/**
 * Heartbeats: each beat records the time and arms a `heartbeat.check` timer for
 * one interval later (replacing the previous one). When the check finds no beat
 * within the interval, an alert group "No heartbeat from <name>" fires through
 * the integration's normal route; the next beat resolves it.
 */
export function createHeartbeatService(store: Store, config: Config, ingest: IngestService) {
  const byName = new Map(config.integrations.map((i) => [i.name, i]));
  const watched = () => config.integrations.filter((i) => i.heartbeatSeconds);

  function missing(i: IntegrationConfig, last: number | null, now: number): IncomingGroup {
    const labels = { alertname: "NoHeartbeat", integration: i.name, severity: "critical" };
    const when = last === null ? "none has arrived since calpage started watching" : `the last one arrived ${formatDuration(Math.round((now - last) / 1000))} ago`;
    return {
      groupingKey: HEARTBEAT_GROUPING_KEY,
      status: "firing",
      title: `No heartbeat from ${i.name}`,
      message: `calpage expects a heartbeat every ${formatDuration(i.heartbeatSeconds ?? 0)}; ${when}.`,
      severity: "critical",
      labels,
      links: [],
      alerts: [{ status: "firing", labels, annotations: {}, startsAt: new Date(now).toISOString(), endsAt: null, generatorUrl: null, fingerprint: null }],
    };
  }

  function recovered(i: IntegrationConfig, now: number): IncomingGroup {
    const labels = { alertname: "NoHeartbeat", integration: i.name, severity: "critical" };
    return {
      ...missing(i, now, now),
      status: "resolved",
      alerts: [{ status: "resolved", labels, annotations: {}, startsAt: null, endsAt: new Date(now).toISOString(), generatorUrl: null, fingerprint: null }],
    };
  }

  const armCheck = (i: IntegrationConfig, at: number) =>
    store.transaction((tx) => tx.jobs.add({ task: "heartbeat.check", payload: { integration: i.name }, jobKey: `hb:${i.name}`, runAt: new Date(at), maxAttempts: 25 }));

  return {
    /** Starts watching every integration with `heartbeat:` (the first check is one interval after start when none was pending). */
    async start(now: number): Promise<void> {
      for (const i of watched()) {
        const isNew = await store.transaction((tx) => tx.heartbeats.ensure(i.name, now));
        const hb = await store.read.heartbeats.get(i.name);
        const last = hb?.lastSeenAt ?? hb?.startedAt ?? now;
        if (isNew) await armCheck(i, now + i.heartbeatSeconds! * 1000);
        else await store.transaction((tx) =>
          tx.jobs.add({ task: "heartbeat.check", payload: { integration: i.name }, jobKey: `hb:${i.name}`, jobKeyMode: "preserve_run_at", runAt: new Date(Math.max(now, last + i.heartbeatSeconds! * 1000)), maxAttempts: 25 }),
        );
      }
    },
    /** A heartbeat arrived. Returns false when the integration does not expect heartbeats (still answered 200). */
    async beat(i: IntegrationConfig, now: number): Promise<boolean> {
      if (!i.heartbeatSeconds) return false;
      await store.transaction(async (tx) => {
        await tx.heartbeats.touch(i.name, now);
        await tx.jobs.add({ task: "heartbeat.check", payload: { integration: i.name }, jobKey: `hb:${i.name}`, runAt: new Date(now + i.heartbeatSeconds! * 1000), maxAttempts: 25 });
      });
      await ingest.ingest(i, [recovered(i, now)], now);
      return true;
    },
    /** Job `heartbeat.check`. */
    async check(payload: Record<string, unknown>, now: number): Promise<void> {
      const i = byName.get(String(payload.integration));
      if (!i?.heartbeatSeconds) return;
      const hb = await store.read.heartbeats.get(i.name);
      const last = hb?.lastSeenAt ?? null;
      const since = last ?? hb?.startedAt ?? now;
      const due = since + i.heartbeatSeconds * 1000;
      if (now < due) return void (await armCheck(i, due));
      await ingest.ingest(i, [missing(i, last, now)], now);
    },
  };
}

export type HeartbeatService = ReturnType<typeof createHeartbeatService>;
