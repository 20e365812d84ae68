import type { GroupEventSink } from "../alerts/group-events.js";
import type { AckTimeout, UserConfig } from "../config/config-types.js";
import type { Tx } from "../store/store.js";

/** What the escalation shell needs from the schedule module. */
export interface OnCallLookup {
  /** Emails of everyone on call in the schedule's final schedule at `at`; [] when nobody is, or the schedule is unknown. */
  whoIsOnCall(schedule: string, at: Date): string[];
  /** Whether calpage has ever read the schedule's feed (false: "nobody" above means "unknown"). Left out = always known. */
  isLoaded?(schedule: string): boolean;
}

/**
 * Notifies people about a group inside the caller's transaction — by default each
 * person's own ladder (Slack DM, SMS, call…). `key` identifies the escalation pass
 * and step, so a replay notifies nobody twice. `opts.responder`: a responder request
 * ("add responder"), whose pages also go out while the group is acknowledged.
 */
export interface Pager {
  page(tx: Tx, groupId: string, emails: readonly string[], important: boolean, key: string, now: number, opts?: { responder?: boolean }): Promise<void>;
  /**
   * The person acknowledged while a responder request of theirs is open: it is answered (its
   * ladder stops, and it is no longer a responder request). False when they have none.
   */
  acceptResponder?(tx: Tx, groupId: string, email: string, now: number): Promise<boolean>;
}

export interface EscalationDeps {
  oncall: OnCallLookup;
  users: ReadonlyMap<string, UserConfig>;
  pager: Pager;
  /** The chain's `ack_timeout`, if it has one (chains are looked up by name: a reload may change them). */
  ackTimeoutOf?: (chain: string | null) => AckTimeout | null;
  /** Told of every group state change (opened, acknowledged, escalated…): outgoing webhooks. Left out = nobody is told. */
  events?: GroupEventSink;
}
