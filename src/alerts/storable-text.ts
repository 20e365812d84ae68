import type { IncomingAlert, IncomingGroup } from "./incoming-group.js";
import { emptyRecord, isUnsafeKey } from "./payload-fields.js";

/** What stands in for a character calpage cannot store or show. */
export const REPLACEMENT_CHARACTER = "\uFFFD";

/**
 * Text as every store and Slack can keep it. JSON allows two things they cannot: a lone UTF-16
 * surrogate (`"\ud800"`: not a character, so not valid UTF-8; Postgres' jsonb refuses the escape)
 * and NUL (`"\u0000"`: Postgres refuses it in text). Both become U+FFFD "�", one for one, so the
 * rest of the text, its length and its truncation stay as they were — on every backend alike.
 */
export function storableText(text: string): string {
  const wellFormed = text.isWellFormed() ? text : text.toWellFormed();
  return wellFormed.includes("\0") ? wellFormed.replaceAll("\0", REPLACEMENT_CHARACTER) : wellFormed;
}

function storableRecord(record: Readonly<Record<string, string>>): Record<string, string> {
  const out = emptyRecord();
  for (const key of Object.keys(record)) {
    const value = record[key];
    const clean = storableText(key);
    if (typeof value === "string" && !isUnsafeKey(clean)) out[clean] = storableText(value);
  }
  return out;
}

const storableOrNull = (text: string | null): string | null => (text === null ? null : storableText(text));

function storableAlert(alert: IncomingAlert): IncomingAlert {
  return {
    ...alert,
    labels: storableRecord(alert.labels),
    annotations: storableRecord(alert.annotations),
    generatorUrl: storableOrNull(alert.generatorUrl),
    fingerprint: storableOrNull(alert.fingerprint),
  };
}

/**
 * A parsed group with every string (keys included) passed through {@link storableText}. The
 * parsers of all integrations (Alertmanager, Grafana, webhook) return their groups through this.
 */
export function storableGroup(group: IncomingGroup): IncomingGroup {
  return {
    ...group,
    groupingKey: storableText(group.groupingKey),
    title: storableText(group.title),
    message: storableOrNull(group.message),
    severity: storableOrNull(group.severity),
    labels: storableRecord(group.labels),
    links: group.links.map((link) => ({ title: storableText(link.title), url: storableText(link.url) })),
    alerts: group.alerts.map(storableAlert),
  };
}
