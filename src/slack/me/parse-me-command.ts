import { parseLadderName, type Ladder } from "../../paging/settings/user-settings-service.js";
import { formatDuration, parseDuration } from "../../shared/duration.js";

/** What someone asked for with `/oncall me …`. Pure. */
export type MeCommand =
  | { kind: "show" }
  | { kind: "help" }
  | { kind: "phone"; number: string }
  | { kind: "phone_remove" }
  | { kind: "verify"; code: string }
  | { kind: "rules"; ladder: Ladder; text: string }
  | { kind: "rules_reset"; ladder: Ladder | null }
  | { kind: "quiet"; text: string }
  /** Seconds before each shift, longest first; [] = off. */
  | { kind: "reminders"; seconds: number[] }
  | { kind: "reminders_reset" }
  | { kind: "error"; message: string };

export const ME_USAGE = "`/oncall me` — your phone number, notification rules and quiet hours (`/oncall me help` to change them)";

export const ME_HELP = [
  "*Your phone and notification rules*",
  "`/oncall me` — show them",
  "`/oncall me phone +4915112345678` — use a new number; calpage texts it a code to check it",
  "`/oncall me verify <code>` — type back the code from the SMS",
  "`/oncall me phone remove` — go back to the number in calpage.yaml",
  "`/oncall me rules default slack_dm, wait 2m, sms, wait 3m, call` — the ladder for normal pages",
  "`/oncall me rules important call until answered every 2m x5` — the ladder for important pages",
  "`/oncall me rules reset` (or `rules default reset`) — back to calpage.yaml's ladders",
  "`/oncall me quiet 22:00-07:00` — quiet hours in your time zone: normal pages reach you by Slack DM only (no SMS or call), important pages ring as always · `/oncall me quiet off`",
  "`/oncall me reminders 1d 1h` — DM me this long before each of my shifts (`reminders off`: never; `reminders reset`: each schedule's)",
  "Steps: `slack_dm`, `sms`, `call`, `wait <duration>`, `call until answered [every 2m] [x5]`. The Home tab of calpage has the same, with forms.",
].join("\n");

const REMOVE_WORDS = new Set(["remove", "delete", "clear", "reset", "none"]);
/** Shift reminders: from a minute to 14 days before, at most five. */
export const REMINDER_BOUNDS = { min: 60, max: 14 * 86_400, count: 5 };
const REMINDERS_USAGE = "Usage: `/oncall me reminders 1d 1h` (durations from 1m to 14d, up to five), `/oncall me reminders off`, or `/oncall me reminders reset` for each schedule's own.";

function parseReminders(rest: string[]): MeCommand {
  const words = rest.flatMap((w) => w.split(",")).filter((w) => w.trim() !== "");
  if (words.length === 0) return { kind: "error", message: REMINDERS_USAGE };
  if (words.length === 1 && ["off", "none", "never", "no"].includes(words[0]!.toLowerCase())) return { kind: "reminders", seconds: [] };
  if (words.length === 1 && ["reset", "default"].includes(words[0]!.toLowerCase())) return { kind: "reminders_reset" };
  const seconds: number[] = [];
  for (const w of words) {
    const s = parseDuration(w);
    if (s === null) return { kind: "error", message: `"${w}" is not a duration like 1h or 1d. ${REMINDERS_USAGE}` };
    if (s < REMINDER_BOUNDS.min || s > REMINDER_BOUNDS.max) return { kind: "error", message: `A reminder must be from 1m to 14d before the shift; ${formatDuration(s)} is not. ${REMINDERS_USAGE}` };
    if (!seconds.includes(s)) seconds.push(s);
  }
  if (seconds.length > REMINDER_BOUNDS.count) return { kind: "error", message: `At most ${REMINDER_BOUNDS.count} reminders. ${REMINDERS_USAGE}` };
  return { kind: "reminders", seconds: seconds.sort((a, b) => b - a) };
}

/** How to set quiet hours: the answer to `/oncall me quiet` without them, and after a bad one. */
export const QUIET_USAGE = "Usage: `/oncall me quiet 22:00-07:00` (local time in your time zone), or `/oncall me quiet off`.";

/** Parses the words after `/oncall me` (Slack sends `&`, `<`, `>` typed by people as entities). */
export function parseMeCommand(words: readonly string[]): MeCommand {
  const args = words.map((w) => w.replace(/&gt;/g, ">").replace(/&lt;/g, "<").replace(/&amp;/g, "&"));
  const [sub, ...rest] = args;
  const restText = rest.join(" ").trim();
  switch (sub?.toLowerCase()) {
    case undefined:
    case "show":
    case "settings":
      return { kind: "show" };
    case "help":
      return { kind: "help" };
    case "phone":
    case "number":
      if (restText === "") return { kind: "error", message: "Usage: `/oncall me phone +4915112345678`, or `/oncall me phone remove`." };
      if (rest.length === 1 && REMOVE_WORDS.has(restText.toLowerCase())) return { kind: "phone_remove" };
      return { kind: "phone", number: restText };
    case "verify":
    case "code":
      if (restText === "") return { kind: "error", message: "Usage: `/oncall me verify 123456` with the code from the SMS." };
      return { kind: "verify", code: restText };
    case "rules":
    case "rule":
    case "ladder": {
      const [which, ...ladder] = rest;
      if (which?.toLowerCase() === "reset" && ladder.length === 0) return { kind: "rules_reset", ladder: null };
      const name = parseLadderName(which);
      const text = ladder.join(" ").trim();
      if (name === null || text === "") {
        return { kind: "error", message: "Usage: `/oncall me rules default slack_dm, wait 2m, sms` · `/oncall me rules important call` · `/oncall me rules reset`." };
      }
      if (text.toLowerCase() === "reset") return { kind: "rules_reset", ladder: name };
      return { kind: "rules", ladder: name, text };
    }
    case "quiet":
    case "quiet-hours":
      if (restText === "") return { kind: "error", message: QUIET_USAGE };
      return { kind: "quiet", text: restText };
    case "reminders":
    case "reminder":
      return parseReminders(rest);
    default:
      return { kind: "error", message: `Unknown \`/oncall me\` command "${sub}".\n${ME_HELP}` };
  }
}
