import type { Shift } from "../../schedule/schedule-types.js";
import type { AlertGroupRecord } from "../../store/repositories/alert-group-record.js";
import type { LogEntry } from "../../store/repositories/log-repository.js";
import type { PageRecord } from "../../store/repositories/pages-repository.js";
import { maskPhoneNumbers } from "../../shared/redact.js";

/** JSON shapes of the API's answers (openapi.json's schemas describe exactly these). Times are ISO 8601 UTC. */

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

export interface PersonView {
  email: string;
  name: string;
}

export function personView(email: string, names: ReadonlyMap<string, string>): PersonView {
  return { email, name: names.get(email) ?? email };
}

export function shiftView(s: Shift, names: ReadonlyMap<string, string>) {
  return {
    start: s.start.toISOString(),
    end: s.end.toISOString(),
    users: s.users.map((e) => personView(e, names)),
    reasons: s.reasons.map((r) => ({ email: r.userEmail, source: r.source, level: r.level, summary: r.summary })),
  };
}

export function groupView(g: AlertGroupRecord) {
  return {
    number: g.number,
    title: g.title,
    state: g.state,
    integration: g.integration,
    severity: g.severity,
    message: g.message === null ? null : maskPhoneNumbers(g.message),
    labels: g.labels,
    links: g.links,
    alertCount: g.alertCount,
    firingCount: g.firingCount,
    truncatedAlerts: g.truncatedAlerts,
    channel: g.channel,
    chain: g.chain,
    createdAt: iso(g.createdAt),
    firstAlertAt: iso(g.firstAlertAt),
    lastAlertAt: iso(g.lastAlertAt),
    acknowledgedBy: g.acknowledgedBy,
    acknowledgedAt: isoOrNull(g.acknowledgedAt),
    resolvedBy: g.resolvedBy,
    resolvedAt: isoOrNull(g.resolvedAt),
    silencedBy: g.silencedBy,
    /** null while silenced: until unsilenced. */
    silencedUntil: isoOrNull(g.silencedUntil),
  };
}

/** The group's history as `calpage log` prints it: log lines, then its pages (phone numbers masked). */
export function groupLogView(g: AlertGroupRecord, entries: readonly LogEntry[], pages: readonly PageRecord[]) {
  return {
    number: g.number,
    entries: entries.map((e) => ({ at: iso(e.at), kind: e.kind, text: maskPhoneNumbers(e.text) })),
    pages: pages.map((p) => ({
      channel: p.channel,
      user: p.userEmail,
      important: p.important,
      state: p.state,
      error: p.error === null ? null : maskPhoneNumbers(p.error),
      createdAt: iso(p.createdAt),
      sentAt: isoOrNull(p.sentAt),
    })),
  };
}
