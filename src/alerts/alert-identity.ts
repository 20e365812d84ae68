import { createHash } from "node:crypto";
import type { IncomingAlert } from "./incoming-group.js";

/**
 * Which alert of a group this is, so a re-sent alert updates its row instead of
 * adding one: the source's fingerprint (Alertmanager and Grafana send one; the
 * webhook parser puts the group's key there, its one alert), else — for
 * hand-written payloads — a hash of the label set, which is what Alertmanager's
 * fingerprint is made of.
 */
export function alertIdentity(alert: Pick<IncomingAlert, "fingerprint" | "labels">): string {
  if (alert.fingerprint !== null && alert.fingerprint !== "") return alert.fingerprint;
  const entries = Object.keys(alert.labels)
    .sort()
    .map((name) => [name, alert.labels[name]]);
  return "labels:" + createHash("sha256").update(JSON.stringify(entries)).digest("hex");
}

/** The payload's alerts, one per identity; when an alert is listed twice the later entry wins. */
export function distinctAlerts(alerts: readonly IncomingAlert[]): Map<string, IncomingAlert> {
  const byKey = new Map<string, IncomingAlert>();
  for (const alert of alerts) {
    const key = alertIdentity(alert);
    byKey.delete(key);
    byKey.set(key, alert);
  }
  return byKey;
}
