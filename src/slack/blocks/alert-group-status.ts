import type { AlertGroupState, AlertGroupView } from "./alert-group-view.js";
import { formatDateTime, formatTimeNear } from "./format-time.js";
import { actorMrkdwn, escapeMrkdwnInline, groupCountText } from "./mrkdwn-parts.js";

/** State cue used in headers and notification text. */
export const STATE_EMOJI: Record<AlertGroupState, string> = {
  firing: "🔴",
  acknowledged: "🟡",
  silenced: "🔕",
  resolved: "✅",
};

/** Capitalised state word for mrkdwn summaries. */
export const STATE_LABEL: Record<AlertGroupState, string> = {
  firing: "Firing",
  acknowledged: "Acknowledged",
  silenced: "Silenced",
  resolved: "Resolved",
};

/**
 * Who did what and when, as short mrkdwn facts: "Acknowledged by <@U1> at 14:03 CET",
 * "Resolved by Alertmanager at …", "Silenced by <@U1> until …" / "… forever".
 * Times sit next to the group's start, so they carry a date only when on another day.
 * An acknowledgement is shown in every state but firing, where it would be stale.
 */
export function actorFacts(view: AlertGroupView, timezone: string): string[] {
  const at = (d: Date): string => formatTimeNear(d, view.firstAlertAt, timezone);
  const facts: string[] = [];
  if (view.state !== "firing" && (view.acknowledgedBy !== null || view.state === "acknowledged")) {
    facts.push(fact("Acknowledged", view.acknowledgedBy, view.acknowledgedAt ? `at ${at(view.acknowledgedAt)}` : null));
  }
  if (view.state === "silenced") {
    facts.push(fact("Silenced", view.silencedBy, view.silencedUntil ? `until ${at(view.silencedUntil)}` : "forever"));
  }
  if (view.state === "resolved") {
    facts.push(fact("Resolved", view.resolvedBy, view.resolvedAt ? `at ${at(view.resolvedAt)}` : null));
  }
  return facts;
}

function fact(verb: string, by: string | null, when: string | null): string {
  return [verb, by !== null && by.trim() !== "" ? `by ${actorMrkdwn(by)}` : null, when].filter((p) => p !== null).join(" ");
}

/** "Started Tue 4 Mar, 14:03 CET" plus the last alert's time when there were several. */
export function timingFacts(view: AlertGroupView, timezone: string): string[] {
  const facts = [`Started ${formatDateTime(view.firstAlertAt, timezone)}`];
  if (view.alertCount > 1 && view.lastAlertAt.getTime() !== view.firstAlertAt.getTime()) {
    facts.push(`last alert ${formatTimeNear(view.lastAlertAt, view.firstAlertAt, timezone)}`);
  }
  return facts;
}

/** `*Firing* · severity *critical* · 3 firing, 2 resolved · via *prod-am*` */
export function summaryLine(view: AlertGroupView): string {
  const parts = [`*${STATE_LABEL[view.state]}*`];
  if (view.severity !== null && view.severity.trim() !== "") parts.push(`severity *${escapeMrkdwnInline(view.severity, 50)}*`);
  parts.push(groupCountText(view));
  if (view.integrationName.trim() !== "") parts.push(`via *${escapeMrkdwnInline(view.integrationName, 100)}*`);
  return parts.join(" · ");
}
