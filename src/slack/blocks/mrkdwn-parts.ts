import { escapeMrkdwn } from "./escape-mrkdwn.js";
import { alertCountsText } from "../../alerts/alert-counts-text.js";
import { truncatePlain } from "./truncate.js";

/**
 * Returns the URL ready to sit inside `<url|title>`, or null when it is not an
 * absolute http(s) URL. Characters that would end the link token early are
 * percent-encoded; `&` stays as is, Slack reads it fine inside a link.
 */
export function safeUrl(url: string): string | null {
  const trimmed = url.trim();
  if (!URL.canParse(trimmed)) return null;
  const { protocol } = new URL(trimmed);
  if (protocol !== "http:" && protocol !== "https:") return null;
  return trimmed.replace(/[<>|"\s]/g, (c) => encodeURIComponent(c));
}

/** `<url|title>` with the title escaped; just the escaped title when the URL is unusable. */
export function mrkdwnLink(url: string, title: string, maxTitle = 150): string {
  const text = escapeMrkdwn(truncatePlain(oneLine(title) || url, maxTitle));
  const href = safeUrl(url);
  return href ? `<${href}|${text}>` : text;
}

// Slack user ids: U or W, then upper-case letters and digits with at least one digit
// (so plain names such as "UPS" or "WEB" stay names).
const USER_ID = /^[UW](?=[A-Z0-9]*\d)[A-Z0-9]+$/;
const MENTION = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/;

/** A Slack user id (or an existing `<@U…>` mention) as a mention; anything else as escaped text. */
export function actorMrkdwn(actor: string): string {
  const trimmed = actor.trim();
  const mention = MENTION.exec(trimmed);
  if (mention) return `<@${mention[1]}>`;
  if (USER_ID.test(trimmed)) return `<@${trimmed}>`;
  return escapeMrkdwn(truncatePlain(oneLine(trimmed) || "someone", 80));
}

/** `key=value` as a code span; backticks and line breaks would end the span early. */
export function labelSpan(key: string, value: string, max = 150): string {
  const raw = truncatePlain(oneLine(`${key}=${value}`).replace(/`/g, "ˋ"), max);
  return `\`${escapeMrkdwn(raw)}\``;
}

/** Outside text for one line of mrkdwn: whitespace collapsed, shortened to `max`, escaped. */
export function escapeMrkdwnInline(text: string, max: number): string {
  return escapeMrkdwn(truncatePlain(oneLine(text), max));
}

/** Collapses runs of whitespace (including line breaks) into single spaces. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** `1 alert`, `3 alerts` (see {@link alertCountsText} for what a group holds). */
export function alertCountText(count: number): string {
  return `${count} ${count === 1 ? "alert" : "alerts"}`;
}

/** What the group holds: `3 alerts`, `3 firing, 2 resolved`, `… and 500 more not sent`. */
export function groupCountText(view: { alertCount: number; firingCount: number; truncatedAlerts: number }): string {
  return alertCountsText(view);
}
