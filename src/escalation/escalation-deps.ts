import type { UserConfig } from "../config/config-types.js";

/** What the escalation shell needs from the schedule module. */
export interface OnCallLookup {
  /** Emails of everyone on call in the schedule's final schedule at `at`; [] when nobody is, or the schedule is unknown. */
  whoIsOnCall(schedule: string, at: Date): string[];
}

export interface EscalationDeps {
  oncall: OnCallLookup;
  users: ReadonlyMap<string, UserConfig>;
}
