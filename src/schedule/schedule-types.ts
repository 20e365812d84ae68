/**
 * Shared vocabulary of the pure schedule core: iCal text -> {@link CalendarEvent}s ->
 * {@link Occurrence}s -> {@link Shift}s. Every instant is an absolute `Date`; wall-clock
 * meaning is carried by the IANA zone name next to it, never by the host's zone.
 */

/** A person who can be on call, and every way a calendar may name them. */
export interface ScheduleUser {
  email: string;
  name: string;
  aliases: string[];
  slackHandle: string | null;
}

/** One VEVENT master or standalone event, normalised. */
export interface CalendarEvent {
  uid: string;
  summary: string;
  /** Lower-case emails of ATTENDEEs who have not declined. */
  attendees: string[];
  /** Start of the first occurrence (absolute instant). */
  start: Date;
  /** End of the first occurrence (absolute instant). */
  end: Date;
  /** Written as DATE values: midnight-to-midnight in {@link CalendarEvent.zone}. */
  allDay: boolean;
  /**
   * Zone the wall-clock times are in: an IANA name (`Europe/Berlin`, `UTC`), or, for an
   * Exchange VTIMEZONE that matches no IANA zone, a key into {@link ParsedCalendar.customZones}.
   */
  zone: string;
  /**
   * The RRULE values (without the `RRULE:` name); empty for a single event. Several rules
   * (RFC 5545 allows one, calendar apps read more) generate the union of their occurrences.
   */
  rrules: string[];
  /** Excluded occurrence starts (for all-day series: midnight in `zone` of the excluded day). */
  exdates: Date[];
  /** Extra occurrence starts. */
  rdates: Date[];
  /**
   * RECURRENCE-ID instances keyed by the ISO string (`toISOString()`) of the original
   * occurrence start they replace; `"cancelled"` when that instance is cancelled.
   */
  overrides: Map<string, CalendarEvent | "cancelled">;
  /**
   * `RECURRENCE-ID;RANGE=THISANDFUTURE` instances, sorted by `from`: each changes the occurrence
   * starting at `from` and every later one (not replaced by an instance of their own) — moved by
   * the same wall-clock shift, with the instance's length, title and attendees, or cancelled.
   */
  futureOverrides?: FutureOverride[];
  /** `STATUS:CANCELLED`: the event (every occurrence) is off. */
  cancelled: boolean;
}

/** One `RANGE=THISANDFUTURE` instance of a series (see {@link CalendarEvent.futureOverrides}). */
export interface FutureOverride {
  /** Original start of the first occurrence it changes (its RECURRENCE-ID). */
  from: Date;
  /** The instance as written (its start and end give the shift and the length), or `"cancelled"`. */
  event: CalendarEvent | "cancelled";
}

/**
 * The rules of a VTIMEZONE that matches no IANA zone (Exchange "Customized Time Zone"), in a
 * JSON-safe form so a parsed calendar can be cached or shipped as it is.
 */
export interface CustomZoneDefinition {
  tzid: string;
  observances: CustomZoneObservance[];
}

/** One STANDARD or DAYLIGHT block of a VTIMEZONE. */
export interface CustomZoneObservance {
  kind: "STANDARD" | "DAYLIGHT";
  /** Local wall time of the first onset, `YYYYMMDDTHHMMSS`. */
  start: string;
  /** Minutes east of UTC before / after the onset. */
  offsetFrom: number;
  offsetTo: number;
  rrule: string | null;
  /** Local wall times of extra onsets, `YYYYMMDDTHHMMSS`. */
  rdates: string[];
}

/** Result of {@link parseCalendar}: never throws, problems are data. */
export interface ParsedCalendar {
  events: CalendarEvent[];
  problems: ScheduleProblem[];
  /** The IANA zone named by X-WR-TIMEZONE, or null when absent or not resolvable. */
  calendarZone: string | null;
  /** Zones defined only by the file's VTIMEZONE blocks, keyed by the name used in `CalendarEvent.zone`. */
  customZones?: Record<string, CustomZoneDefinition>;
}

/** Something a schedule owner should fix; reported, never thrown. */
export interface ScheduleProblem {
  kind: "bad_event" | "unknown_zone" | "unmatched_name" | "orphan_override" | "expansion_capped" | "unparseable";
  message: string;
  uid?: string;
}

/** One concrete occurrence of an event. */
export interface Occurrence {
  uid: string;
  summary: string;
  attendees: string[];
  start: Date;
  end: Date;
  source: "primary" | "overrides";
}

/** An override made in Slack (cover request accepted, or `/oncall override`). */
export interface SlackOverride {
  id: string;
  userEmail: string;
  start: Date;
  end: Date;
  /** Email of the person being covered; null/absent means `userEmail` takes over alone. */
  replacing?: string | null;
}

/** One resolved interval of the final schedule. */
export interface Shift {
  start: Date;
  end: Date;
  /** Emails, lower-case, sorted. */
  users: string[];
  reasons: ShiftReason[];
}

/** Why one person is on call in a shift (what `/oncall explain` shows). */
export interface ShiftReason {
  userEmail: string;
  source: "primary" | "overrides" | "slack";
  level: number;
  /** Event UID, or the Slack override id. */
  uid: string;
  summary: string;
}
