import { alertCountsPhrase } from "../../alerts/alert-counts-text.js";
import { smsLength, toGsmWhereSafe, truncateSms } from "./gsm.js";

/**
 * PURE: what people text back to a page, and what calpage texts them.
 *
 * Group numbers are the short per-alert-group numbers shown in Slack (`#42`). Every text here is
 * GSM-7 (no em dashes or curly quotes) so it costs one segment where the content allows.
 */

export type SmsAction = "ack" | "resolve" | "escalate";

/** The meaning of one inbound SMS. */
export type SmsReply =
  /** Act on group `number`; `explicit` is false when a bare `a`/`r`/`e` picked the newest page. */
  | { type: "action"; action: SmsAction; number: number; explicit: boolean }
  /** A bare `a`/`r`/`e` but nothing was paged to this number. */
  | { type: "no_recent_page"; action: SmsAction }
  /** Carrier opt-out keyword: stop paging this number by SMS. */
  | { type: "stop"; keyword: string }
  /** Carrier opt-in keyword: SMS pages may go to this number again. */
  | { type: "start"; keyword: string }
  | { type: "help" }
  | { type: "unknown"; text: string };

/**
 * Twilio's default opt-out keywords (matched when they are the whole message). Twilio itself
 * blocks further messages to a number that sent one until it sends an opt-in keyword, so calpage
 * must record the opt-out instead of failing on every later page (error 21610).
 */
export const STOP_KEYWORDS: readonly string[] = ["stop", "stopall", "unsubscribe", "cancel", "end", "quit", "optout", "revoke"];
export const START_KEYWORDS: readonly string[] = ["start", "yes", "unstop"];
export const HELP_KEYWORDS: readonly string[] = ["help", "info"];

const ACTION_WORDS: Record<string, SmsAction> = {
  a: "ack",
  ack: "ack",
  acked: "ack",
  acknowledge: "ack",
  r: "resolve",
  res: "resolve",
  resolve: "resolve",
  resolved: "resolve",
  e: "escalate",
  esc: "escalate",
  escalate: "escalate",
};

/**
 * Parses an inbound SMS body. Case does not matter, spaces are tolerated, and a leading `#` on
 * the number and trailing punctuation are ignored: `42a`, `42 A`, `#42a`, `ack 42`, `42 ack`,
 * `resolve 42`, `esc42`. A bare `a` / `r` / `e` (or `ack` …) acts on `newestNumber`, the group most
 * recently paged to this phone number (the caller looks it up), or is `no_recent_page` when null.
 */
export function parseSmsReply(body: string, newestNumber: number | null): SmsReply {
  const text = body
    .normalize("NFKC")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim()
    .replace(/[\s.!?,;:]+$/, "");
  const word = text.replace(/\s/g, "");

  if (STOP_KEYWORDS.includes(word)) return { type: "stop", keyword: word.toUpperCase() };
  if (START_KEYWORDS.includes(word)) return { type: "start", keyword: word.toUpperCase() };
  if (HELP_KEYWORDS.includes(word)) return { type: "help" };

  const bare = ACTION_WORDS[word];
  if (bare !== undefined) {
    return newestNumber === null ? { type: "no_recent_page", action: bare } : { type: "action", action: bare, number: newestNumber, explicit: false };
  }

  const numberFirst = /^#?(\d{1,9}) ?([a-z]+)$/.exec(text);
  const wordFirst = /^([a-z]+) ?#?(\d{1,9})$/.exec(text);
  const digits = numberFirst?.[1] ?? wordFirst?.[2];
  const actionWord = numberFirst?.[2] ?? wordFirst?.[1];
  const action = actionWord !== undefined ? ACTION_WORDS[actionWord] : undefined;
  if (digits !== undefined && action !== undefined) return { type: "action", action, number: Number(digits), explicit: true };

  return { type: "unknown", text: body.trim() };
}

/** What became of a reply, as the shell determined it; {@link smsReplyText} words it. */
export type SmsReplyOutcome =
  | { type: "done"; action: SmsAction; number: number; title: string }
  /** Nothing to do: the group is already in (or past) the asked-for state. */
  | { type: "already"; action: SmsAction; number: number; state: "acknowledged" | "resolved" | "silenced" }
  /** No open group with this number was paged to this phone (typo, stale or someone else's code). */
  | { type: "unknown_group"; number: number }
  | { type: "no_recent_page"; action: SmsAction }
  | { type: "failed"; action: SmsAction; number: number }
  | { type: "stopped" }
  | { type: "started" }
  | { type: "help" }
  | { type: "unknown"; text: string };

/** The reply forms, with an example number other than `avoid` (the one that just did not work). */
function forms(avoid: number | null = null): string {
  const n = avoid === 42 ? 17 : 42;
  return `Use the number from the page: ${n}a acks #${n}, ${n}r resolves, ${n}e escalates. HELP for more.`;
}
const DONE_VERB: Record<SmsAction, string> = { ack: "acknowledged", resolve: "resolved", escalate: "escalated" };
const DO_VERB: Record<SmsAction, string> = { ack: "acknowledge", resolve: "resolve", escalate: "escalate" };

/**
 * The answer to an inbound SMS, or null when calpage should not answer: after an opt-out
 * keyword Twilio sends its own confirmation and blocks anything else to that number.
 */
export function smsReplyText(outcome: SmsReplyOutcome): string | null {
  switch (outcome.type) {
    case "done": {
      const n = outcome.number;
      const after = outcome.action === "ack" ? ` Reply ${n}r to resolve.` : "";
      const lead = outcome.action === "escalate" ? `calpage #${n} escalated to the next step: ` : `calpage #${n} ${DONE_VERB[outcome.action]}: `;
      return fitTitle(lead, cleanTitle(outcome.title), `.${after}`);
    }
    case "already":
      return `calpage #${outcome.number} is already ${outcome.state}, nothing to ${DO_VERB[outcome.action]}.`;
    case "unknown_group":
      return `calpage has no open alert #${outcome.number} paged to this number. ${forms(outcome.number)}`;
    case "no_recent_page":
      return `calpage has not paged this number recently. ${forms()}`;
    case "failed":
      return `calpage could not ${DO_VERB[outcome.action]} #${outcome.number} just now. Please try again or use Slack.`;
    case "stopped":
      return null;
    case "started":
      return "calpage: SMS pages to this number are on again. Reply HELP for the commands.";
    case "help":
      return "calpage: reply 42a to ack alert #42, 42r to resolve, 42e to escalate. A, R or E alone act on the newest page. STOP ends SMS pages.";
    case "unknown": {
      const quoted = truncateSms(toGsmWhereSafe(outcome.text.replace(/\s+/g, " ").trim()), 24, "gsm7");
      return `calpage did not understand "${quoted}". ${forms()}`;
    }
  }
}

/** What one SMS page says. */
export interface PageSmsInput {
  /** The group's short number (`#42`). */
  number: number;
  title: string;
  /** e.g. `critical`; null = not shown. */
  severity: string | null;
  /** Alerts in the group; shown when more than one. */
  alertCount: number;
  /** Of those, still firing (default: all); resolved ones are counted apart. */
  firingCount?: number;
  /** Alerts the source left out of its payload; shown as "and N more not sent". */
  truncatedAlerts?: number;
  /** Paged by an important escalation step / the important ladder. */
  important: boolean;
}

/** Budget for a message that has to go as UCS-2 anyway: two segments of 67. */
const UCS2_BUDGET = 134;

/**
 * One SMS page, e.g. `calpage #42 CRITICAL: HighLatency (cluster=prod) - 3 alerts. Reply 42a to
 * ack, 42r to resolve, 42e to escalate.` The title is made GSM-7 where it has look-alikes and cut
 * so the whole text fits one 160-septet segment; a title that needs UCS-2 is kept to two segments.
 */
export function pageSmsText({ number, title, severity, alertCount, firingCount, truncatedAlerts, important }: PageSmsInput): string {
  const sev = severity ? truncateSms(toGsmWhereSafe(severity.trim()).toUpperCase(), 12, "gsm7") : "";
  const head = `calpage #${number}${important ? " IMPORTANT" : ""}${sev ? ` ${sev}` : ""}: `;
  const phrase = alertCountsPhrase({ alertCount, firingCount: firingCount ?? alertCount, truncatedAlerts: truncatedAlerts ?? 0 });
  const count = phrase === null ? "" : ` - ${phrase}`;
  // Even with a 9-digit number, a 12-letter severity and a huge count this leaves the title 20+ characters.
  const tail = `${count}. Reply ${number}a to ack, ${number}r to resolve, ${number}e to escalate.`;
  return fitTitle(head, cleanTitle(title), tail);
}

/**
 * An SMS page whose text comes from the integration's `sms` template, framed like the default
 * page so replies work the same: `calpage #42 IMPORTANT: <text>. Reply 42a to ack, 42r to
 * resolve, 42e to escalate.`, the text cut so the whole fits one SMS (see {@link pageSmsText}).
 */
export function templatedSmsText({ number, text, important }: { number: number; text: string; important: boolean }): string {
  const head = `calpage #${number}${important ? " IMPORTANT" : ""}: `;
  return fitTitle(head, cleanTitle(text), `. Reply ${number}a to ack, ${number}r to resolve, ${number}e to escalate.`);
}

/**
 * The one message sent when a number's SMS limit held pages back: `count` pages were not sent
 * one by one; `newestNumbers` are their group numbers, newest first, listed as far as they fit.
 */
export function bundleSmsText(count: number, newestNumbers: readonly number[]): string {
  const numbers = [...new Set(newestNumbers)];
  const head = `calpage: ${count} more alert${count === 1 ? "" : "s"} while the SMS limit was reached`;
  const newest = numbers[0];
  if (newest === undefined) return `${head}. See Slack for details.`;
  const tail = `. Reply ${newest}a to ack #${newest}, or use Slack.`;
  let listed = "";
  for (let i = 0; i < numbers.length; i++) {
    const shown = numbers.slice(0, i + 1).map((n) => `#${n}`).join(", ");
    const rest = numbers.length - (i + 1);
    const candidate = `: ${shown}${rest > 0 ? ` +${rest} more` : ""}`;
    if (smsLength(head + candidate + tail).length > 160 && i > 0) break;
    listed = candidate;
  }
  return head + listed + tail;
}

/** What {@link heldBackSmsText} tells the person about. */
export interface HeldBackSmsInput {
  /** The group's short number (`#42`). */
  number: number;
  title: string;
  /** The kind of page the per-number limit held back. */
  channel: "sms" | "call";
  /** Sends of that kind to this number in the window now. */
  inWindow: number;
  /** The limit's window, e.g. `15m`. */
  window: string;
}

/**
 * The one text a person gets when the per-number limit held back an important call or SMS to
 * them (at most one per window, sent even when the SMS limit is reached), so a held-back page is
 * never silent: `calpage #12 IMPORTANT: DB down. A call to you was held back (3 calls to this
 * number in 15m). Reply 12a to ack, or see Slack.`
 */
export function heldBackSmsText({ number, title, channel, inWindow, window }: HeldBackSmsInput): string {
  const what = channel === "call" ? `A call to you was held back (${inWindow} call${inWindow === 1 ? "" : "s"}` : `A text to you was held back (${inWindow} text${inWindow === 1 ? "" : "s"}`;
  return fitTitle(`calpage #${number} IMPORTANT: `, cleanTitle(title), `. ${what} to this number in ${window}). Reply ${number}a to ack, or see Slack.`);
}

function cleanTitle(title: string): string {
  return toGsmWhereSafe(title.replace(/\s+/g, " ").trim()).replace(/[.\s]+$/, "") || "(no title)";
}

/** One GSM-7 segment, or two UCS-2 segments when the text cannot be GSM-7. */
function budgetFor(text: string): number {
  return smsLength(text).encoding === "gsm7" ? 160 : UCS2_BUDGET;
}

/** `lead + title + tail`, the title cut so the whole fits {@link budgetFor} its encoding. */
function fitTitle(lead: string, title: string, tail: string): string {
  const full = lead + title + tail;
  const { encoding, length } = smsLength(full);
  const budget = budgetFor(full);
  if (length <= budget) return full;
  const room = budget - smsLength(lead + tail).length;
  const cut = truncateSms(title, Math.max(room, 8), encoding);
  // "title..." then ". Reply" would read "title....".
  return lead + cut + (cut.endsWith("...") && tail.startsWith(".") ? tail.slice(1) : tail);
}
