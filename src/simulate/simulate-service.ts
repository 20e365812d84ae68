import type { IncomingGroup } from "../alerts/incoming-group.js";
import { parsePayload } from "../alerts/parse-payload.js";
import type { Config } from "../config/config-types.js";
import { effectiveContact, type EffectiveContact } from "../paging/effective-contact.js";
import { configuredZone } from "../paging/person-zones.js";
import { quietHoldReason, quietHoursAt } from "../paging/quiet-hours.js";
import type { ScheduleService } from "../schedule/schedule-service.js";
import { fail, ok, type Result } from "../shared/result.js";
import type { Store } from "../store/store.js";
import { simulatePage, type QuietHours } from "./simulate-page.js";
import type { Simulation } from "./simulation.js";

export interface SimulateServiceDeps {
  config: Config;
  store: Store;
  schedules: Pick<ScheduleService, "whoIsOnCall" | "isLoaded">;
  /** Whether Twilio is configured: without it the pager leaves SMS and call rungs out. */
  phoneEnabled: boolean;
  /** Replaces the quiet-hours rule built from the stored settings (tests). */
  quietHours?: QuietHours;
  /** A person's zone for their quiet hours (the server's PersonZones); default: calpage.yaml's, else the top-level timezone. */
  zoneOf?: (email: string) => string;
}

export interface SimulateOptions {
  horizonMs?: number;
  maxEvents?: number;
}

/** What to simulate: a payload as the integration would receive it, or groups already made (`/oncall simulate`). */
export type SimulateInput = { body: unknown } | { groups: IncomingGroup[] };

/**
 * The shell around {@link simulatePage}: reads, once and without writing, what the server would
 * read while paging — the stored schedules and overrides (through the schedule service), people's
 * Slack-made settings, round-robin counters, maintenance and the texts and calls already sent to
 * each number — then runs the pure simulation. Refusals name the problem: an unknown integration,
 * or each bad field of the payload.
 */
export function createSimulateService(deps: SimulateServiceDeps) {
  const { config, store, schedules } = deps;
  const names = new Map(config.users.map((u) => [u.email, u.name]));

  return {
    async simulate(integrationName: string, input: SimulateInput, at: number, opts: SimulateOptions = {}): Promise<Result<Simulation>> {
      const integration = config.integrations.find((i) => i.name === integrationName);
      if (!integration) {
        return fail(`no integration called "${integrationName}" (integrations: ${config.integrations.map((i) => i.name).join(", ") || "none"})`);
      }
      let groups: IncomingGroup[];
      if ("body" in input) {
        const parsed = parsePayload(integration, input.body, () => "simulated-dedup-key");
        if (!parsed.ok) return fail(...parsed.errors.slice(0, 20).map((e) => `${e.field}: ${e.message}`));
        groups = parsed.value.groups;
      } else groups = input.groups;

      const contacts = new Map<string, EffectiveContact>();
      for (const u of config.users) contacts.set(u.email, await effectiveContact(store.read, config, u.email));
      const fallback: EffectiveContact = { phone: null, rules: config.notificationRules, smsOptOut: false, quiet: null };
      const zoneOf = deps.zoneOf ?? ((email: string) => configuredZone(config, email)?.zone ?? config.timezone);
      // The pager's own rule: a normal page's SMS and call rungs are skipped in the person's quiet hours.
      const quietHours: QuietHours = (email, _channel, at, important) => {
        if (important) return null;
        const q = quietHoursAt(contacts.get(email)?.quiet ?? null, zoneOf(email), at);
        return q ? `${quietHoldReason(q)}.` : null;
      };

      const counters = new Map<string, number>();
      for (const chain of config.escalationChains) {
        for (const [i, step] of chain.steps.entries()) {
          if (step.type !== "notify_round_robin") continue;
          const name = `round_robin:${chain.name}:${i}`;
          counters.set(name, await store.read.counters.peek(name));
        }
      }

      const window = config.paging.windowSeconds * 1000;
      const sent = new Map<string, number[]>();
      for (const c of contacts.values()) {
        if (!c.phone) continue;
        for (const channel of ["sms", "call"] as const) {
          const times = await store.read.pages.sentToPhoneSince(c.phone, channel, at - window);
          sent.set(`${channel}:${c.phone}`, times.filter((t) => t <= at));
        }
      }

      const maintenance = await store.read.maintenance.get(integration.name);
      const open = new Map<string, number>();
      for (const g of groups) {
        const found = await store.read.groups.findOpen(integration.name, g.groupingKey);
        if (found) open.set(g.groupingKey, found.number);
      }
      return ok(
        simulatePage(
          { integration, groups, chains: config.escalationChains, at, horizonMs: opts.horizonMs, maxEvents: opts.maxEvents },
          {
            whoIsOnCall: (schedule, t) => (schedules.isLoaded(schedule) ? schedules.whoIsOnCall(schedule, new Date(t)) : null),
            contactOf: (email) => contacts.get(email) ?? fallback,
            nameOf: (email) => names.get(email) ?? email,
            phoneEnabled: deps.phoneEnabled,
            paging: config.paging,
            roundRobinNext: (name) => (counters.get(name) ?? 0) + 1,
            sentBefore: (phone, channel) => sent.get(`${channel}:${phone}`) ?? [],
            maintenance: maintenance && maintenance.startedAt <= at ? { until: maintenance.until, startedBy: maintenance.startedBy } : null,
            quietHours: deps.quietHours ?? quietHours,
            openGroup: (key) => open.get(key) ?? null,
          },
        ),
      );
    },
  };
}

export type SimulateService = ReturnType<typeof createSimulateService>;

/** Whether the config's environment has Twilio credentials (what the server's pager checks). */
export function twilioConfigured(config: Config): boolean {
  const tw = config.env.twilio;
  return Boolean(tw.accountSid && tw.authToken && tw.fromNumber);
}
