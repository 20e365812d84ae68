import type { ScheduleUser } from "./schedule-types.js";

/** What {@link matchUsers} read from one event. */
export interface UserMatch {
  /** From a leading `[L0]`..`[L9]`; 0 when absent. */
  level: number;
  /** Matched users' emails, lower-case, sorted, unique. */
  emails: string[];
  /** Names in the summary that match no user, as written. */
  unmatched: string[];
}

const LEVEL = /^\s*\[\s*L\s*(\d)\s*\]\s*/i;
/** A label ending in `on call` (`Weekend on-call -`, `Oncall for`, `On call shift –`) and a separator. */
const LABEL_WITH_SEPARATOR = /^(?:[^:]*?\s)?on[\s-]?call\b(?:\s+(?:shift|rotation|rota)\b)?\s*(?:[-–—]|\bfor\b)\s*/i;
/** `On call Alice`. */
const LEADING_ON_CALL = /^\s*on[\s-]?call\b(?:\s+(?:shift|rotation|rota)\b)?\s*/i;
/** `Alice on call`, `Bob - on-call`, `Carol (oncall)`. */
const TRAILING_ON_CALL = /\s*[-–—]?\s*\(?\s*\bon[\s-]?call\s*\)?\s*$/i;
const SEPARATORS = /\s*(?:,|\/|&|;|\band\b)\s*/i;

/** Lower-case, diacritics stripped, spaces collapsed: how names are compared. */
function norm(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim();
}

/** Drops quotes, `mailto:`, a leading `@`, angle-bracketed emails' surroundings and trailing `(notes)`. */
function cleanName(text: string): string {
  let t = text.trim();
  const angle = /<([^<>@\s]+@[^<>\s]+)>/.exec(t);
  if (angle) t = angle[1]!;
  return t
    .replace(/\s*\([^)]*\)\s*$/, "")
    .replace(/^["'“”‘’]+|["'“”‘’]+$/g, "")
    .replace(/^mailto:/i, "")
    .replace(/^@/, "")
    .trim();
}

const indexCache = new WeakMap<ScheduleUser[], Map<string, Set<string>>>();

/** Normalised identifier -> emails. Cached per users array (finalSchedule matches thousands of occurrences). */
function buildIndex(users: ScheduleUser[]): Map<string, Set<string>> {
  const cached = indexCache.get(users);
  if (cached) return cached;
  const index = new Map<string, Set<string>>();
  const add = (key: string, email: string) => {
    const k = norm(key);
    if (k === "") return;
    let set = index.get(k);
    if (!set) index.set(k, (set = new Set()));
    set.add(email);
  };
  const localParts = new Map<string, string[]>();
  for (const u of users) {
    const email = u.email.trim().toLowerCase();
    add(email, email);
    add(u.name, email);
    for (const a of u.aliases) add(a.replace(/^@/, ""), email);
    if (u.slackHandle) add(u.slackHandle.replace(/^@/, ""), email);
    const local = email.split("@")[0] ?? "";
    localParts.set(local, [...(localParts.get(local) ?? []), email]);
  }
  // `alice` for alice@example.com, unless two users share that local part.
  for (const [local, emails] of localParts) if (emails.length === 1 && !index.has(norm(local))) add(local, emails[0]!);
  indexCache.set(users, index);
  return index;
}

/**
 * Reads who an event puts on call.
 *
 * Rules: an optional leading `[L0]`..`[L9]` sets the level (default 0). Then a label is dropped:
 * everything up to the first `:` (`Primary on-call: Alice`, `Ops rota: Bob`) — names never contain
 * colons — or else a label ending in "on call" plus `-`/`–`/`—`/`for` (`Weekend on-call - Bob`,
 * `Oncall for Bob`), or else a bare leading `On call`; a trailing `on call` / `- on-call` /
 * `(oncall)` is dropped too. "on call" may be spelt `on call`, `on-call` or `oncall`. The rest is first tried as
 * one name (`Smith, John`), then split on `,` `/` `&` `;` and the word `and`. Each name is matched,
 * ignoring case, accents and a leading `@`, against users' email, name, aliases and Slack handle
 * (and the email's local part when only one user has it); a trailing `(note)` is ignored.
 * ATTENDEE emails of users are added. A summary with nothing left after the label (`On call`)
 * yields no unmatched names.
 * An ambiguous name (two users share it) matches both, so nobody is silently left out.
 */
export function matchUsers(summary: string, attendees: string[], users: ScheduleUser[]): UserMatch {
  let text = summary;
  let level = 0;
  const lm = LEVEL.exec(text);
  if (lm) {
    level = Number(lm[1]);
    text = text.slice(lm[0].length);
  }
  const colon = text.indexOf(":");
  if (colon >= 0) text = text.slice(colon + 1);
  else if (LABEL_WITH_SEPARATOR.test(text)) text = text.replace(LABEL_WITH_SEPARATOR, "");
  else text = text.replace(LEADING_ON_CALL, "");
  text = text.replace(TRAILING_ON_CALL, "").trim();

  const index = buildIndex(users);
  const emails = new Set<string>();
  const unmatched: string[] = [];
  const whole = cleanName(text);
  const wholeHit = whole === "" ? undefined : index.get(norm(whole));
  if (wholeHit) {
    for (const e of wholeHit) emails.add(e);
  } else if (whole !== "") {
    for (const part of text.split(SEPARATORS)) {
      const name = cleanName(part);
      if (name === "" || /^on[\s-]?call$/i.test(name)) continue;
      const hit = index.get(norm(name));
      if (hit) for (const e of hit) emails.add(e);
      else unmatched.push(name);
    }
  }

  const userEmails = new Set(users.map((u) => u.email.trim().toLowerCase()));
  for (const a of attendees) {
    const e = a.trim().toLowerCase().replace(/^mailto:/, "");
    if (userEmails.has(e)) emails.add(e);
  }
  return { level, emails: [...emails].sort(), unmatched };
}
