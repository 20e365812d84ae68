/**
 * PURE: the TwiML for a paging call and for the key the callee pressed.
 *
 * The call says what is wrong, then offers keys 4 / 5 / 6 (not 1 / 2 / 3, which an answering
 * machine or a pocket is more likely to hit) and star to repeat. If nothing is pressed the
 * prompt is played once more and the call ends: the no-input path never goes back to calpage,
 * so a voicemail box cannot keep a call looping.
 */
import { alertCountsPhrase } from "../../alerts/alert-counts-text.js";

export type VoiceAction = "ack" | "escalate" | "resolve" | "repeat" | "invalid";

const DIGITS: Record<string, VoiceAction> = { "4": "ack", "5": "escalate", "6": "resolve", "*": "repeat" };

/** The meaning of the `Digits` Twilio posts to the Gather action. Empty means no key (see `no_input`). */
export function voiceDigit(digits: string): VoiceAction {
  return DIGITS[digits.trim()] ?? "invalid";
}

/** What a paging call is about. */
export interface PageCallInput {
  /** The group's short number (`#42`). */
  number: number;
  title: string;
  /** Absolute URL Twilio POSTs the pressed key to (the Gather `action`). */
  gatherUrl: string;
  /** e.g. `critical`; spoken when given. */
  severity?: string | null;
  /** Alerts in the group; spoken when more than one. */
  alertCount?: number;
  /** Of those, still firing (default: all). */
  firingCount?: number;
  /** Alerts the source left out of its payload. */
  truncatedAlerts?: number;
  /** The integration's `voice` template, rendered: said after "Alert 42." instead of the severity, title and count. */
  spoken?: string;
}

/** How many seconds Gather waits for a key. */
const GATHER_TIMEOUT_SECONDS = 8;
/** Spoken titles are cut here: a long Say is hard to follow and delays the keys. */
const MAX_SPOKEN_TITLE = 200;
const PROMPT = "Press 4 to acknowledge, 5 to escalate, 6 to resolve, or star to repeat.";

/** The TwiML played when the callee answers: the alert, then the keys. */
export function pageCallTwiml(call: PageCallInput): string {
  return response([say(spokenIntro(call)), ...prompts(call)]);
}

/** What a call says before the keys: `This is calpage. Alert 42, critical: HighLatency. 3 alerts.` */
export function spokenIntro(call: PageCallInput): string {
  return `This is calpage. ${describe(call)}`;
}

/**
 * Twilio's `AnsweredBy` (answering-machine detection) says a machine picked up: voicemail, an
 * answering machine or a fax. `human`, `unknown` and no value (detection off) get the menu.
 */
export function answeredByMachine(answeredBy: string): boolean {
  const v = answeredBy.trim().toLowerCase();
  return v.startsWith("machine_") || v === "fax";
}

/**
 * The TwiML for an answered paging call: the alert and the menu; to a machine, only a short
 * message to find on the voicemail, then calpage hangs up (a machine cannot press a key, so the
 * call does not count as answered and `call_until_answered` calls again).
 */
export function answerTwiml(call: PageCallInput, answeredBy: string): string {
  if (!answeredByMachine(answeredBy)) return pageCallTwiml(call);
  return response([say(`This is calpage. ${describe(call)} Please check Slack to acknowledge it. Goodbye.`), "<Hangup/>"]);
}

/** What became of the key press, as the shell determined it; {@link gatherResultTwiml} speaks it. */
export type GatherOutcome =
  /** The action was applied. */
  | { type: "done"; action: "ack" | "escalate" | "resolve"; number: number }
  /** Nothing to do: someone or something got there first. */
  | { type: "already"; number: number; state: "acknowledged" | "resolved" | "silenced" }
  /** Star: say it all again. */
  | { type: "repeat"; call: PageCallInput }
  /** A key that means nothing. */
  | { type: "invalid"; call: PageCallInput }
  /** The action URL was posted without digits (e.g. only `#` was pressed). */
  | { type: "no_input"; call: PageCallInput }
  /** The group no longer exists or the request could not be matched to a page. */
  | { type: "unknown" }
  | { type: "failed"; number: number };

const DONE: Record<"ack" | "escalate" | "resolve", string> = { ack: "acknowledged", escalate: "escalated", resolve: "resolved" };

/** The TwiML answering a Gather action. Every branch either ends the call or re-offers the keys. */
export function gatherResultTwiml(outcome: GatherOutcome): string {
  switch (outcome.type) {
    case "done":
      return response([say(`Alert ${outcome.number} ${DONE[outcome.action]}. Goodbye.`), "<Hangup/>"]);
    case "already":
      return response([say(`Alert ${outcome.number} is already ${outcome.state}. Goodbye.`), "<Hangup/>"]);
    case "repeat":
      return pageCallTwiml(outcome.call);
    case "invalid":
      return response([say("Sorry, that key is not an option."), ...prompts(outcome.call)]);
    case "no_input":
      return response([say("No key was pressed."), ...prompts(outcome.call)]);
    case "unknown":
      return response([say("Sorry, this alert could not be found. Please check Slack. Goodbye."), "<Hangup/>"]);
    case "failed":
      return response([say(`Sorry, alert ${outcome.number} could not be updated. Please use Slack. Goodbye.`), "<Hangup/>"]);
  }
}

/** An empty answer: says nothing and ends the call (for callbacks that need a TwiML reply). */
export function hangupTwiml(): string {
  return response(["<Hangup/>"]);
}

/** The keys offered twice; without any input the call says goodbye and hangs up. */
function prompts(call: PageCallInput): string[] {
  const gather = `<Gather input="dtmf" numDigits="1" timeout="${GATHER_TIMEOUT_SECONDS}" action="${escapeXml(call.gatherUrl)}" method="POST">${say(PROMPT)}</Gather>`;
  return [gather, gather, say("No key was pressed. Goodbye."), "<Hangup/>"];
}

function describe(call: PageCallInput): string {
  if (call.spoken !== undefined && call.spoken.trim() !== "") return `Alert ${call.number}. ${call.spoken.trim()}`;
  const title = call.title.replace(/\s+/g, " ").trim() || "no title";
  const spoken = title.length > MAX_SPOKEN_TITLE ? `${title.slice(0, MAX_SPOKEN_TITLE).trimEnd()}, and so on` : title;
  const severity = call.severity ? `, ${call.severity.trim()}` : "";
  const alertCount = call.alertCount ?? 1;
  const phrase = alertCountsPhrase({ alertCount, firingCount: call.firingCount ?? alertCount, truncatedAlerts: call.truncatedAlerts ?? 0 });
  const count = phrase === null ? "" : ` ${phrase}.`;
  return `Alert ${call.number}${severity}: ${spoken.replace(/[.\s]+$/, "")}.${count}`;
}

function say(text: string): string {
  return `<Say>${escapeXml(text)}</Say>`;
}

function response(verbs: string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Response>${verbs.join("")}</Response>`;
}

/** Escapes text for XML content and attribute values; drops characters XML 1.0 cannot carry. */
export function escapeXml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}
