import type { App } from "@slack/bolt";
import type { AccessService } from "../../access/access-service.js";
import { formatAuditTable } from "../../access/format-audit.js";
import { createGroupVisibility } from "../../access/group-visibility.js";
import type { GuardedGroupActions } from "../../access/guarded-group-actions.js";
import type { Principal } from "../../access/principal.js";
import { alertCountsText } from "../../alerts/alert-counts-text.js";
import type { ResponderTarget } from "../../alerts/add-responders.js";
import type { DirectPageService } from "../../alerts/direct-page-service.js";
import type { GroupAction } from "../../alerts/group-actions.js";
import type { MaintenanceService } from "../../alerts/maintenance-service.js";
import type { Feature } from "../../app/feature.js";
import type { Config } from "../../config/config-types.js";
import type { ScheduleService } from "../../schedule/schedule-service.js";
import { formatDuration } from "../../shared/duration.js";
import type { AlertGroupRecord } from "../../store/repositories/alert-group-record.js";
import type { Store } from "../../store/store.js";
import { STATE_EMOJI } from "../blocks/alert-group-status.js";
import { escapeMrkdwn } from "../blocks/escape-mrkdwn.js";
import { ONCALL_HELP, parseOncallCommand, type GroupVerb } from "../commands/parse-oncall-command.js";
import type { SlackApi } from "../slack-api.js";
import type { SlackPrincipals } from "../slack-principals.js";
import { answerWithin } from "./answer-within.js";

export interface CommandDeps {
  config: Config;
  store: Store;
  schedules: ScheduleService;
  guarded: GuardedGroupActions;
  access: AccessService;
  principals: SlackPrincipals;
  slack: SlackApi;
  maintenance: MaintenanceService;
  page: DirectPageService;
  /** Subcommands contributed by features (e.g. schedules: shifts, explain, cover, override). */
  featureCommands?: Feature["commands"];
  now?: () => number;
}

const ACTIONS: Record<GroupVerb, GroupAction> = {
  ack: "acknowledge",
  resolve: "resolve",
  unack: "unacknowledge",
  unresolve: "unresolve",
  unsilence: "unsilence",
  escalate: "escalate",
};
/** Past tense for the answer to a command on several groups. */
const DONE: Record<GroupVerb, string> = {
  ack: "Acknowledged",
  resolve: "Resolved",
  unack: "Unacknowledged",
  unresolve: "Reopened",
  unsilence: "Unsilenced",
  escalate: "Escalated",
};
const MAX_LISTED = 30;
/** Groups one `/oncall ack|resolve mine` acts on (newest first). */
const MAX_MINE = 200;
const AUDIT_LINES = 25;

/** `/oncall …`: parse, check who may, call one service, answer privately (ephemeral) to whoever asked. */
export function registerCommands(app: App, deps: CommandDeps): void {
  const { config, store, schedules, access, principals } = deps;
  const now = deps.now ?? Date.now;
  const users = new Map(config.users.map((u) => [u.email, u]));
  const visibility = createGroupVisibility(access, deps.slack);

  const extra = deps.featureCommands ?? {};
  const help = [ONCALL_HELP, ...Object.values(extra).map((c) => c.usage)].join("\n");

  app.command("/oncall", async ({ command, ack, respond, client }) => {
    const [first = "", ...rest] = command.text.trim().split(/\s+/).filter(Boolean);
    const feature = Object.hasOwn(extra, first.toLowerCase()) ? extra[first.toLowerCase()] : undefined;
    let asker: Promise<Principal> | null = null;
    const who = () => (asker ??= principals.forSlackUser(command.user_id));
    if (feature) {
      await ack();
      return feature.run(rest, {
        userId: command.user_id,
        channelId: command.channel_id,
        triggerId: command.trigger_id,
        client,
        who,
        respond: async (text) => {
          await client.chat.postEphemeral({ channel: command.channel_id, user: command.user_id, text });
        },
      });
    }
    await answerWithin(ack, respond, () => answer(command.text, command.channel_id, who));
  });

  async function answer(text: string, channelId: string, who: () => Promise<Principal>): Promise<string> {
    const cmd = parseOncallCommand(text);
    switch (cmd.kind) {
      case "help":
        return help;
      case "error":
        return cmd.message;
      case "unknown":
        return `Unknown command "${escapeMrkdwn(cmd.sub)}".\n${help}`;
      case "who": {
        if (cmd.schedule && !schedules.has(cmd.schedule)) {
          const known = config.schedules.map((s) => s.name).join(", ") || "none";
          return `There is no schedule called "${escapeMrkdwn(cmd.schedule)}". Schedules: ${known}.`;
        }
        const list = cmd.schedule ? config.schedules.filter((s) => s.name === cmd.schedule) : config.schedules;
        const at = new Date(now());
        const lines = list.map((s) => {
          const on = schedules.whoIsOnCall(s.name, at).map((e) => {
            const u = users.get(e);
            return u?.slackId ? `<@${u.slackId}>` : escapeMrkdwn(u?.name ?? e);
          });
          return `*${escapeMrkdwn(s.name)}*: ${on.length ? on.join(", ") : "_nobody is on call_"}`;
        });
        return lines.join("\n") || "No schedules are configured.";
      }
      case "alerts":
        return listAlerts(await who());
      case "silence": {
        const g = await store.read.groups.getByNumber(cmd.number);
        if (!g) return `There is no alert group #${cmd.number}.`;
        const result = await deps.guarded(await who(), "slack_command", g.id, "silence", now(), { seconds: cmd.seconds });
        return result.ok ? `#${g.number} is now ${result.group.state}.` : result.message;
      }
      case "ack":
      case "resolve":
      case "unack":
      case "unresolve":
      case "unsilence":
      case "escalate":
        return "mine" in cmd ? actOnMine(cmd.kind, await who()) : actOnNumbers(cmd.kind, cmd.numbers, await who());
      case "add_responder":
        return addResponder(cmd.number, cmd.targets, await who());
      case "maintenance":
      case "maintenance_off": {
        const p = await who();
        const seconds = cmd.kind === "maintenance" ? (cmd.seconds ?? 0) : null;
        const action = seconds === null ? "maintenance off" : `maintenance ${formatDuration(seconds)}`;
        const d = access.decide(p, { kind: "maintenance", seconds });
        if (!d.allowed) {
          await access.audit(p, "slack_command", action, cmd.integration, "refused", d.message, now());
          return d.message;
        }
        const r = seconds === null ? await deps.maintenance.stop(cmd.integration, p.actor, now()) : await deps.maintenance.start(cmd.integration, seconds, p.actor, now());
        await access.audit(p, "slack_command", action, cmd.integration, r.ok ? "done" : "failed", r.ok ? null : r.message, now());
        return r.message;
      }
      case "page": {
        const p = await who();
        const action = cmd.important ? "page important" : "page";
        let target: { email: string } | { schedule: string };
        let targetText: string;
        if ("userId" in cmd.target) {
          const email = await emailOf(cmd.target.userId);
          if (!email) return `<@${cmd.target.userId}> is not a calpage user: add their Slack email to calpage.yaml.`;
          target = { email };
          targetText = email;
        } else {
          target = cmd.target;
          targetText = `schedule ${cmd.target.schedule}`;
        }
        const d = access.decide(p, { kind: "page", important: cmd.important });
        if (!d.allowed) {
          await access.audit(p, "slack_command", action, targetText, "refused", d.message, now());
          return d.message;
        }
        const r = await deps.page({ target, message: cmd.message, important: cmd.important, requestedBy: p.actor, channel: channelId }, now());
        await access.audit(p, "slack_command", action, r.ok ? `${targetText} (#${r.group.number})` : targetText, r.ok ? "done" : "failed", r.ok ? null : r.message, now());
        return r.ok ? `Opened #${r.group.number} and paging.${r.warning ? ` :warning: ${escapeMrkdwn(r.warning)}` : ""}` : r.message;
      }
      case "audit": {
        const p = await who();
        const d = access.decide(p, { kind: "audit" });
        if (!d.allowed) return d.message;
        const since = now() - cmd.sinceSeconds * 1000;
        const entries = await store.read.audit.list({ since, ...(cmd.userId ? { actor: cmd.userId } : {}), limit: AUDIT_LINES });
        if (entries.length === 0) return `Nothing in the audit trail for the last ${formatDuration(cmd.sinceSeconds)}${cmd.userId ? ` from <@${cmd.userId}>` : ""}.`;
        const head = `Last ${entries.length} audit entr${entries.length === 1 ? "y" : "ies"} (newest last; \`calpage audit\` shows all):`;
        return `${head}\n\`\`\`\n${escapeMrkdwn(formatAuditTable(entries)).replace(/`/g, "'")}\n\`\`\``;
      }
    }
  }

  /**
   * `/oncall add <n> <@user|schedule> …`: mentions become calpage users and schedule names are
   * checked first (an unknown one lists the schedules), then the guarded `add_responder` pages them.
   */
  async function addResponder(number: number, words: ({ userId: string } | { schedule: string })[], p: Principal): Promise<string> {
    const g = await store.read.groups.getByNumber(number);
    if (!g) return `There is no alert group #${number}.`;
    const targets: ResponderTarget[] = [];
    for (const w of words) {
      if ("userId" in w) {
        const email = await emailOf(w.userId);
        if (!email) return `<@${w.userId}> is not a calpage user, so calpage cannot page them: an admin can add their Slack email to \`users\` in calpage.yaml.`;
        targets.push({ email });
      } else if (!schedules.has(w.schedule)) {
        const known = config.schedules.map((s) => s.name).join(", ") || "none";
        return `"${escapeMrkdwn(w.schedule)}" is neither a @mention nor a schedule. Schedules: ${known}.`;
      } else targets.push({ schedule: w.schedule });
    }
    const result = await deps.guarded(p, "slack_command", g.id, "add_responder", now(), { responders: targets });
    return result.ok ? `#${g.number}: added ${escapeMrkdwn(result.note ?? "them")}.` : result.message;
  }

  /**
   * One group: the answer as before (state or refusal); several: one line of what was done and one
   * per group that was not — also when acting on one of them throws, so the groups already done are
   * never hidden behind "Nothing was changed".
   */
  async function actOnNumbers(verb: GroupVerb, numbers: number[], p: Principal): Promise<string> {
    const done: number[] = [];
    const notDone: string[] = [];
    for (const n of numbers) {
      let result: Awaited<ReturnType<GuardedGroupActions>>;
      let g: AlertGroupRecord | null;
      try {
        g = await store.read.groups.getByNumber(n);
        if (!g) {
          notDone.push(`There is no alert group #${n}.`);
          continue;
        }
        result = await deps.guarded(p, "slack_command", g.id, ACTIONS[verb], now());
      } catch (error) {
        if (numbers.length === 1) throw error;
        notDone.push(`#${n}: something went wrong (${error instanceof Error ? error.message : String(error)}); check it (\`/oncall alerts\`) and try again if needed.`);
        continue;
      }
      if (!result.ok) notDone.push(result.message);
      else if (numbers.length === 1) return verb === "escalate" ? `#${g.number}: the next escalation step runs now.` : `#${g.number} is now ${result.group.state}.`;
      else done.push(g.number);
    }
    return [done.length > 0 ? `${DONE[verb]} ${done.map((n) => `#${n}`).join(", ")}.` : "", ...notDone].filter(Boolean).join("\n");
  }

  /** `/oncall ack mine` / `resolve mine`: the asker's open groups — those that paged them (acknowledge: only firing ones). */
  async function actOnMine(verb: "ack" | "resolve", p: Principal): Promise<string> {
    if (p.email === null) return "You are not a calpage user, so no alert group has paged you.";
    const open = await store.read.groups.listOpen(500);
    const mine: number[] = [];
    for (const g of open) {
      // Acknowledge: firing groups, and acknowledged ones where someone asked you to help and your responder ladder still runs.
      if (verb === "ack" && g.state !== "firing" && !(g.state === "acknowledged" && (await respondingTo(g, p.email)))) continue;
      if (await pagedFor(g, p)) mine.push(g.number);
    }
    if (mine.length === 0) return verb === "ack" ? "No firing alert group has paged you. :tada:" : "No open alert group has paged you. :tada:";
    const answer = await actOnNumbers(verb, mine.slice(0, MAX_MINE), p);
    // In a storm "every group that paged you" can be more than one command acts on: never leave the rest unmentioned.
    const left = mine.length - MAX_MINE;
    if (left <= 0) return answer;
    return `${answer}\n${left} more ${verb === "ack" ? "firing" : "open"} group${left === 1 ? "" : "s"} paged you: run \`/oncall ${verb} mine\` again for them.`;
  }

  /** Whether `email` was added as a responder to `g` and their ladder is still paging them. */
  async function respondingTo(g: AlertGroupRecord, email: string): Promise<boolean> {
    const run = await store.read.ladderRuns.get(g.id, email);
    return run?.responder === true && (run.state.status === "active" || run.state.status === "idle");
  }

  /** Open groups the asker may see: admins all; others those of channels they are in, and those they were paged for. */
  async function listAlerts(p: Principal): Promise<string> {
    const open = await store.read.groups.listOpen(500);
    const seen = await visibility.filter(p, open);
    if (!seen.ok) return seen.message;
    const visible = seen.groups;
    if (visible.length === 0) return open.length === 0 ? "No open alert groups. :tada:" : "No open alert groups in the channels you are in. :tada:";
    const lines = visible.slice(0, MAX_LISTED).map((g) => {
      const title = escapeMrkdwn(g.title.length > 120 ? `${g.title.slice(0, 119)}…` : g.title);
      return `${STATE_EMOJI[g.state]} *#${g.number}* ${title} — ${g.state}, ${alertCountsText(g)}`;
    });
    if (visible.length > MAX_LISTED) lines.push(`…and ${visible.length - MAX_LISTED} more`);
    if (!seen.all && visible.length < open.length) lines.push(`_Only groups in channels you are in, or that paged you, are listed._`);
    return lines.join("\n");
  }

  const pagedFor = (g: AlertGroupRecord, p: Principal) => visibility.pagedFor(g, p);

  async function emailOf(userId: string): Promise<string | null> {
    for (const u of users.values()) if (u.slackId === userId) return u.email;
    const p = await principals.forSlackUser(userId);
    return p.email;
  }
}
