import type { Config } from "../config/config-types.js";
import type { Shift } from "../schedule/schedule-types.js";
import type { Store } from "../store/store.js";
import { ackActorEmail, unknownSlackIds } from "./ack-actor.js";
import { fairnessReport, type FairnessReport } from "./fairness-report.js";

/** What the report reads: the store, the final schedules, and (where Slack is at hand) who a Slack id is. */
export interface FairnessSources {
  config: Config;
  store: Store;
  schedules: {
    isLoaded(name: string): boolean;
    shiftsAsync(name: string, from: Date, to: Date): Promise<Shift[]>;
  };
  /** Emails of Slack members calpage.yaml does not name by `slack_id`; absent where there is no Slack (the CLI). */
  slackEmails?: (ids: string[]) => Promise<Map<string, string>>;
}

export interface FairnessRequest {
  from: Date;
  to: Date;
  /** One schedule, or null for every schedule (each person's on-call time merged across them). */
  schedule: string | null;
}

/** The zone a report's months and dates are in: the schedule's, else the config's. */
export function reportZone(config: Config, schedule: string | null): string {
  return config.schedules.find((s) => s.name === schedule)?.timezone ?? config.timezone;
}

/**
 * Gathers the final schedule, pages and acknowledgements of [from, to) and builds the report.
 * `unloaded`: schedules with no copy of their feed (their shifts are missing from the report).
 * People's zones are their `timezone` in calpage.yaml, else the config's `timezone`.
 */
export async function loadFairnessReport(src: FairnessSources, req: FairnessRequest): Promise<{ report: FairnessReport; unloaded: string[] }> {
  const { config, store } = src;
  const names = req.schedule === null ? config.schedules.map((s) => s.name) : [req.schedule];
  const unloaded = names.filter((n) => !src.schedules.isLoaded(n));
  const shifts: Shift[] = [];
  for (const n of names) if (!unloaded.includes(n)) shifts.push(...(await src.schedules.shiftsAsync(n, req.from, req.to)));
  const from = req.from.getTime();
  const to = req.to.getTime();
  // One schedule's report is about its rota: pages and acknowledgements of anyone else stay out.
  const rota = new Set(shifts.filter((s) => s.end.getTime() > from && s.start.getTime() < to).flatMap((s) => s.users));
  const pages = (await store.read.pages.listForReport(from, to)).filter((p) => req.schedule === null || rota.has(p.userEmail));
  const pagedGroups = new Set(pages.map((p) => p.groupId));
  // An acknowledger who is no calpage user stays in when the group paged the rota.
  const ours = (a: { email: string | null; groupId: string }) => req.schedule === null || (a.email === null ? pagedGroups.has(a.groupId) : rota.has(a.email));
  const acked = await store.read.groups.listAcknowledgedBetween(from, to);
  const lookUp = unknownSlackIds(
    acked.map((a) => a.acknowledgedBy),
    config.users,
  );
  const slackIds = lookUp.length > 0 && src.slackEmails ? await src.slackEmails(lookUp) : new Map<string, string>();
  const report = fairnessReport({
    from,
    to,
    zone: reportZone(config, req.schedule),
    schedules: names,
    people: config.users.map((u) => ({ email: u.email, name: u.name, zone: u.timezone ?? config.timezone })),
    defaultZone: config.timezone,
    shifts: shifts.map((s) => ({ start: s.start.getTime(), end: s.end.getTime(), users: s.users })),
    pages,
    acks: acked
      .map((a) => ({ groupId: a.id, actor: a.acknowledgedBy, email: ackActorEmail(a.acknowledgedBy, config.users, slackIds), at: a.acknowledgedAt }))
      .filter(ours),
  });
  return { report, unloaded };
}
