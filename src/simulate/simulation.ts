/**
 * What `calpage simulate` and `/oncall simulate` show: for each alert group a payload would
 * open, the route and chain chosen, then every escalation step and every rung of every paged
 * person's ladder with its absolute time, until the chain ends (or a bound is reached).
 * All times are epoch milliseconds.
 */

export type SimulatedEventKind =
  /** What the escalation chain does at a step (waiting, notifying, repeating, holding…). */
  | "step"
  /** One notification that would go out: a Slack DM, an SMS or a call to one person. */
  | "page"
  /** A text or call the per-number limit (or quiet hours) holds back. */
  | "held_back"
  /** The one "N more alerts" SMS that carries held-back texts once the limit allows. */
  | "bundle"
  /** An @here / @channel post in the group's channel. */
  | "mention"
  /** An outgoing webhook delivery (never called by the simulation). */
  | "webhook"
  /** Anything else worth knowing: a ladder waiting, rungs left out, someone already being notified, a user group. */
  | "note";

export interface SimulatedEvent {
  at: number;
  kind: SimulatedEventKind;
  /** 1-based chain step the event belongs to, when it comes from one. */
  step: number | null;
  /** The person concerned (email), for pages, held-back sends and ladder notes. */
  email: string | null;
  /** Their name from calpage.yaml (else the email). */
  name: string | null;
  channel: "slack_dm" | "sms" | "call" | null;
  /** 1-based ladder rung of a page, and the call number of a `call_until_answered` rung. */
  rung: number | null;
  attempt: number | null;
  important: boolean;
  text: string;
}

export type SimulationEndReason =
  /** The chain ran out of steps (or was repeated enough) and every ladder finished. */
  | "chain_end"
  /** A `resolve` step resolved the group. */
  | "resolved"
  /** An `if_alerts` step holds the chain until more alerts arrive (the simulation sends none). */
  | "holding"
  /** The route has no escalation chain: the group is posted, nobody is paged. */
  | "no_chain"
  /** The integration is in maintenance at that time: the group opens but is not escalated. */
  | "maintenance"
  /** The payload resolves or acknowledges a group; it opens nothing. */
  | "not_opened"
  /** The next thing would happen after the simulated time span (default 24 h). */
  | "horizon"
  /** The simulation stopped after its maximum number of events. */
  | "event_limit";

export interface SimulatedGroup {
  title: string;
  groupingKey: string;
  /** Alerts the payload carries for the group. */
  alerts: number;
  route: {
    /** 0-based index into the integration's routes; null = its default route. */
    index: number | null;
    /** `route 2` or `the default route`, as the group's log says. */
    label: string;
    chain: string | null;
    /** The Slack channel the group would be posted in; null when none (or `post_to_slack: false`). */
    channel: string | null;
  };
  events: SimulatedEvent[];
  end: { reason: SimulationEndReason; at: number; text: string };
}

export interface Simulation {
  integration: string;
  integrationType: string;
  /** When the payload arrives. */
  at: number;
  /** The longest simulated span after `at`. */
  horizonMs: number;
  groups: SimulatedGroup[];
  /** What the simulation takes as given (nobody acknowledges, calls are not answered…). */
  assumptions: string[];
}
