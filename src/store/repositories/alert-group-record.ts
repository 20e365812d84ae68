import type { AlertLink } from "../../alerts/incoming-group.js";
import type { EscalationStep } from "../../config/config-types.js";
import type { EscalationState } from "../../escalation/escalation-state.js";

export type AlertGroupState = "firing" | "acknowledged" | "silenced" | "resolved";

/** One alert group as stored. Times are epoch milliseconds. */
export interface AlertGroupRecord {
  id: string;
  number: number;
  integration: string;
  groupingKey: string;
  state: AlertGroupState;
  title: string;
  message: string | null;
  severity: string | null;
  labels: Record<string, string>;
  links: AlertLink[];
  silenceUrl: string | null;
  /** Chain name and the steps as they were when the group opened: later config edits do not change it. */
  chain: string | null;
  chainSteps: EscalationStep[];
  channel: string | null;
  /** Distinct alerts in the group (one per identity, however often re-sent), firing or resolved. */
  alertCount: number;
  /** Of `alertCount`, the alerts whose source says they still fire. */
  firingCount: number;
  /** Alerts the source left out of its latest delivery (Alertmanager `truncatedAlerts`, plus any over calpage's cap). */
  truncatedAlerts: number;
  firstAlertAt: number;
  lastAlertAt: number;
  acknowledgedBy: string | null;
  acknowledgedAt: number | null;
  resolvedBy: string | null;
  resolvedAt: number | null;
  silencedBy: string | null;
  silencedUntil: number | null;
  slackChannelId: string | null;
  slackTs: string | null;
  escalation: EscalationState;
  createdAt: number;
  updatedAt: number;
}

export const GROUP_JSON_FIELDS = ["labels", "links", "chainSteps", "escalation"] as const;
