import type { Config, IntegrationConfig } from "../config/config-types.js";
import { formatDuration } from "../shared/duration.js";
import type { Store, Tx } from "../store/store.js";
import { mention } from "./mention.js";
import { requestSlackNotice } from "./request-slack-notice.js";

export type MaintenanceResult = { ok: true; message: string } | { ok: false; message: string };

const jobKey = (integration: string) => `maint:${integration}`;

/**
 * Maintenance windows per integration: while one is on, new alert groups are
 * stored and shown but not escalated. The end is a timer (`maintenance.end`) and
 * is announced in the integration's channel. Stored in the database, so the CLI
 * and every replica see the same window.
 */
export function createMaintenanceService(store: Store, config: Config) {
  const byName = new Map(config.integrations.map((i) => [i.name, i]));
  const channelOf = (i: IntegrationConfig) => i.channel ?? i.routes.find((r) => r.channel)?.channel ?? null;
  const announce = async (tx: Tx, i: IntegrationConfig, text: string, now: number) => {
    const channel = channelOf(i);
    if (channel) await requestSlackNotice(tx, channel, text, now);
  };

  function find(name: string): IntegrationConfig | string {
    const i = byName.get(name);
    return i ?? `There is no integration called "${name}". Integrations: ${config.integrations.map((x) => x.name).join(", ") || "none"}.`;
  }

  return {
    async start(name: string, seconds: number, by: string, now: number): Promise<MaintenanceResult> {
      const i = find(name);
      if (typeof i === "string") return { ok: false, message: i };
      const until = now + seconds * 1000;
      await store.transaction(async (tx) => {
        await tx.maintenance.set({ integration: i.name, until, startedBy: by, startedAt: now });
        await tx.jobs.add({ task: "maintenance.end", payload: { integration: i.name }, jobKey: jobKey(i.name), runAt: new Date(until), maxAttempts: 25 });
        await announce(tx, i, `:construction: Maintenance for *${i.name}* started by ${mention(by)} for ${formatDuration(seconds)}: alerts are stored and shown but not escalated.`, now);
      });
      return { ok: true, message: `Maintenance for ${i.name} is on for ${formatDuration(seconds)} (until ${new Date(until).toISOString()}).` };
    },
    async stop(name: string, by: string, now: number): Promise<MaintenanceResult> {
      const i = find(name);
      if (typeof i === "string") return { ok: false, message: i };
      const had = await store.transaction(async (tx) => {
        const cleared = await tx.maintenance.clear(i.name);
        if (cleared) {
          await tx.jobs.remove(jobKey(i.name));
          await announce(tx, i, `:white_check_mark: Maintenance for *${i.name}* ended by ${mention(by)}: alerts escalate again.`, now);
        }
        return cleared;
      });
      return had ? { ok: true, message: `Maintenance for ${i.name} is off.` } : { ok: false, message: `${i.name} is not in maintenance.` };
    },
    /** Job `maintenance.end`. */
    async end(payload: Record<string, unknown>, now: number): Promise<void> {
      const i = byName.get(String(payload.integration));
      if (!i) return;
      await store.transaction(async (tx) => {
        const m = await tx.maintenance.get(i.name);
        if (!m || m.until > now) return;
        await tx.maintenance.clear(i.name);
        await announce(tx, i, `:white_check_mark: Maintenance for *${i.name}* has ended: alerts escalate again.`, now);
      });
    },
    async list(now: number) {
      return (await store.read.maintenance.list()).filter((m) => m.until > now);
    },
  };
}

export type MaintenanceService = ReturnType<typeof createMaintenanceService>;
