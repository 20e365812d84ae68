import { parseDuration } from "../../shared/duration.js";

export type GroupVerb = "ack" | "resolve" | "unack" | "unresolve" | "unsilence" | "escalate";

/** At most this many groups in one command (`/oncall ack 1-50`). */
export const MAX_GROUPS_PER_COMMAND = 50;
/** At most this many people or schedules in one `/oncall add`. */
export const MAX_RESPONDER_WORDS = 10;

/** What someone asked for with `/oncall …`. Pure; the listener turns it into a service call. */
export type OncallCommand =
  | { kind: "help" }
  | { kind: "who"; schedule: string | null }
  | { kind: "alerts" }
  /** Act on several groups at once (`ack 3 4 7`, `ack 12-20`), or on every open group that paged the asker (`ack mine`). */
  | { kind: GroupVerb; numbers: number[] }
  | { kind: "ack" | "resolve"; mine: true }
  | { kind: "silence"; number: number; seconds: number | null }
  /** Add responders to group `number`: Slack users (`<@U…>`) and schedules, each paged with their own ladder. */
  | { kind: "add_responder"; number: number; targets: ({ userId: string } | { schedule: string })[] }
  | { kind: "maintenance"; integration: string; seconds: number | null }
  | { kind: "maintenance_off"; integration: string }
  | { kind: "page"; target: { userId: string } | { schedule: string }; message: string; important: boolean }
  /** The audit trail (admins): entries of the last `sinceSeconds` (default 7 days), optionally of one Slack member. */
  | { kind: "audit"; sinceSeconds: number; userId: string | null }
  /** A subcommand calpage does not know; the listener answers with the whole help, features' commands included. */
  | { kind: "unknown"; sub: string }
  | { kind: "error"; message: string };

export const ONCALL_HELP = [
  "*calpage* — on-call from your calendar",
  "`/oncall who [schedule]` — who is on call now",
  "`/oncall alerts` — open alert groups",
  "`/oncall ack <n>` · `/oncall resolve <n>` · `/oncall unack <n>` · `/oncall unresolve <n>` — act on group #n (several: `ack 3 4 7`, `ack 12-20`)",
  "`/oncall ack mine` · `/oncall resolve mine` — every open group that paged you",
  "`/oncall escalate <n>` — run the chain's next step now",
  "`/oncall silence <n> <duration|forever>` (e.g. `30m`, `2h`, `3d`) · `/oncall unsilence <n>`",
  "`/oncall add <n> <@user|schedule> [more]` — page more people into group #n (also when it is acknowledged)",
  "`/oncall page <@user|schedule> <message> [important]` — page someone directly",
  "`/oncall maintenance <integration> <duration|off>` — store alerts without escalating",
  "`/oncall audit [7d] [@user]` — who did what (admins)",
  "`/oncall help` — this help",
].join("\n");

const groupNumber = (s: string | undefined) => {
  const m = /^#?(\d{1,9})$/.exec(s ?? "");
  return m ? Number(m[1]) : null;
};

/**
 * Group numbers from `3 4 7`, `#3,#4`, `12-20`: in the order given, each once.
 * Returns why not when a word is not a number or range, or there are none or too many.
 */
function groupNumbers(args: string[]): number[] | string {
  const words = args.flatMap((a) => a.split(",")).filter(Boolean);
  if (words.length === 0) return "Which group?";
  const out = new Set<number>();
  for (const w of words) {
    const range = /^#?(\d{1,9})-#?(\d{1,9})$/.exec(w);
    if (range) {
      const [from, to] = [Number(range[1]), Number(range[2])];
      if (to < from) return `"${w}" is not a range: the second number must be the larger.`;
      if (to - from + 1 > MAX_GROUPS_PER_COMMAND) return `At most ${MAX_GROUPS_PER_COMMAND} groups in one command; "${w}" names ${to - from + 1}.`;
      for (let n = from; n <= to; n++) out.add(n);
    } else {
      const n = groupNumber(w);
      if (n === null) return `"${w}" is not a group number.`;
      out.add(n);
    }
    if (out.size > MAX_GROUPS_PER_COMMAND) return `At most ${MAX_GROUPS_PER_COMMAND} groups in one command.`;
  }
  return [...out];
}

/** Parses the text after `/oncall`. Slack sends user mentions as `<@U123|name>`. */
export function parseOncallCommand(text: string): OncallCommand {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const [sub = "help", ...args] = words;
  const verb = sub.toLowerCase();
  switch (verb) {
    case "help":
      return { kind: "help" };
    case "who":
      return { kind: "who", schedule: args[0] ?? null };
    case "alerts":
    case "list":
      return { kind: "alerts" };
    case "ack":
    case "acknowledge":
    case "resolve":
    case "unack":
    case "unacknowledge":
    case "unresolve":
    case "unsilence":
    case "escalate": {
      const kind = verb === "acknowledge" ? "ack" : verb === "unacknowledge" ? "unack" : (verb as GroupVerb);
      if ((kind === "ack" || kind === "resolve") && args.length === 1 && args[0]!.toLowerCase() === "mine") return { kind, mine: true };
      const numbers = groupNumbers(args);
      if (typeof numbers === "string") {
        const mine = kind === "ack" || kind === "resolve" ? ` or \`/oncall ${verb} mine\`` : "";
        return { kind: "error", message: `${numbers} Usage: \`/oncall ${verb} <group number> [more numbers or a range like 12-20]\`${mine}, e.g. \`/oncall ${verb} 42\`.` };
      }
      return { kind, numbers };
    }
    case "silence": {
      const usage = "Usage: `/oncall silence <group number> <duration|forever>`, e.g. `/oncall silence 42 2h`.";
      const n = groupNumber(args[0]);
      if (n === null) return { kind: "error", message: `${args[0] ? `"${args[0]}" is not a group number.` : "Which group?"} ${usage}` };
      const d = args[1]?.toLowerCase();
      if (!d) return { kind: "error", message: `For how long should #${n} be silenced? ${usage}` };
      if (args.length > 2) return { kind: "error", message: `"${args.slice(2).join(" ")}" is not understood: a silence takes a group number and one duration. ${usage}` };
      if (d === "forever") return { kind: "silence", number: n, seconds: null };
      const seconds = parseDuration(d);
      if (seconds === null || seconds <= 0) return { kind: "error", message: `"${args[1]}" is not a duration; use e.g. 30m, 2h, 3d or forever. ${usage}` };
      return { kind: "silence", number: n, seconds };
    }
    case "add": {
      const usage = "Usage: `/oncall add <group number> <@user|schedule> [more @users or schedules]`, e.g. `/oncall add 42 @bob db-primary`.";
      const n = groupNumber(args[0]);
      if (n === null) return { kind: "error", message: `${args[0] ? `"${args[0]}" is not a group number. ` : "Which group? "}${usage}` };
      const words = args.slice(1).flatMap((a) => a.split(",")).filter(Boolean);
      if (words.length === 0) return { kind: "error", message: `Whom should calpage add to #${n}? ${usage}` };
      if (words.length > MAX_RESPONDER_WORDS) return { kind: "error", message: `At most ${MAX_RESPONDER_WORDS} people or schedules in one command.` };
      const targets = words.map((w) => {
        const m = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(w);
        return m ? { userId: m[1]! } : { schedule: w.replace(/^#/, "") };
      });
      return { kind: "add_responder", number: n, targets };
    }
    case "maintenance": {
      const integration = args[0];
      const d = args[1]?.toLowerCase();
      if (!integration || !d) return { kind: "error", message: "Usage: `/oncall maintenance <integration> <duration|off>`, e.g. `/oncall maintenance prod-alertmanager 2h`." };
      if (d === "off" || d === "stop" || d === "end") return { kind: "maintenance_off", integration };
      const seconds = parseDuration(d);
      if (seconds === null || seconds <= 0) return { kind: "error", message: `"${args[1]}" is not a duration; use e.g. 30m, 2h or off.` };
      return { kind: "maintenance", integration, seconds };
    }
    case "page": {
      const who = args[0];
      let rest = args.slice(1);
      const important = rest.length > 0 && rest[rest.length - 1]!.toLowerCase() === "important";
      if (important) rest = rest.slice(0, -1);
      const message = rest.join(" ").trim();
      const usage = "Usage: `/oncall page <@user|schedule> <message> [important]`, e.g. `/oncall page @bob the VPN is down important`.";
      if (!who) return { kind: "error", message: `Whom should calpage page? ${usage}` };
      if (!message) return { kind: "error", message: `What should the page say? Write a message after ${who}. ${usage}` };
      const mention = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(who);
      if (mention) return { kind: "page", target: { userId: mention[1]! }, message, important };
      return { kind: "page", target: { schedule: who.replace(/^#/, "") }, message, important };
    }
    case "audit": {
      let sinceSeconds = 7 * 86_400;
      let userId: string | null = null;
      for (const a of args) {
        const mention = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(a);
        const d = parseDuration(a.toLowerCase());
        if (mention) userId = mention[1]!;
        else if (d !== null && d > 0) sinceSeconds = d;
        else return { kind: "error", message: `"${a}" is neither a duration like 24h or 30d nor a @mention. Usage: \`/oncall audit [7d] [@user]\`.` };
      }
      return { kind: "audit", sinceSeconds, userId };
    }
    default:
      return { kind: "unknown", sub };
  }
}
