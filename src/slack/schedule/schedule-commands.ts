import type { AccessService } from "../../access/access-service.js";
import type { CommandContext, Feature } from "../../app/feature.js";
import type { Config, ScheduleConfig } from "../../config/config-types.js";
import type { CoverService } from "../../schedule/cover-service.js";
import type { ScheduleService } from "../../schedule/schedule-service.js";
import type { ShiftReason } from "../../schedule/schedule-types.js";
import type { Store } from "../../store/store.js";
import { escapeMrkdwn } from "../blocks/escape-mrkdwn.js";
import { formatDateTime } from "../blocks/format-time.js";
import { coverModal } from "./cover-blocks.js";
import { parseMoment, parseTimeRange, RANGE_HELP } from "./parse-time-range.js";
import type { SlackPeople } from "./slack-people.js";

const DAY = 86_400_000;
const MAX_SHIFT_DAYS = 31;
const MAX_SHIFT_LINES = 40;

export interface ScheduleCommandDeps {
  config: Config;
  store: Store;
  schedules: ScheduleService;
  cover: CoverService;
  people: SlackPeople;
  access: AccessService;
  now: () => number;
}

type Commands = NonNullable<Feature["commands"]>;

/**
 * The schedule subcommands of `/oncall`: `shifts`, `explain`, `cover`, `override`. Each answers
 * privately; times are shown in the asker's Slack time zone (`users.info`), else the schedule's.
 */
export function scheduleCommands(deps: ScheduleCommandDeps): Commands {
  const { config, schedules, cover, people, access, now } = deps;
  const byName = new Map(config.schedules.map((s) => [s.name, s]));
  const known = () => config.schedules.map((s) => s.name).join(", ") || "none";

  /** A leading schedule name, if the first word is one. */
  function takeSchedule(args: string[]): { schedule: ScheduleConfig | null; rest: string[] } {
    const first = args[0]?.replace(/^#/, "");
    const sc = first !== undefined ? byName.get(first) : undefined;
    return sc ? { schedule: sc, rest: args.slice(1) } : { schedule: null, rest: args };
  }

  async function zoneOf(ctx: CommandContext, fallback: string): Promise<{ email: string | null; tz: string }> {
    const me = await people.identify(ctx.userId);
    return { email: me.email, tz: me.tz ?? fallback };
  }

  const fmt = (ms: number, tz: string, ref: number) => formatDateTime(new Date(ms), tz, new Date(ref));

  return {
    shifts: {
      usage: "`/oncall shifts [schedule] [days]` — upcoming shifts (default 7 days), in your time zone",
      async run(args, ctx) {
        const { schedule, rest } = takeSchedule(args);
        if (rest.length > 1 || (rest[0] !== undefined && !/^\d{1,3}$/.test(rest[0]))) {
          const msg = rest[0] && !/^\d+$/.test(rest[0]) ? `There is no schedule called "${rest[0]}". Schedules: ${known()}.` : "Usage: `/oncall shifts [schedule] [days]`.";
          return ctx.respond(msg);
        }
        const days = Math.min(MAX_SHIFT_DAYS, Math.max(1, Number(rest[0] ?? 7)));
        const list = schedule ? [schedule] : config.schedules;
        if (list.length === 0) return ctx.respond("No schedules are configured.");
        const { email, tz } = await zoneOf(ctx, list[0]!.timezone);
        const t = now();
        const blocks = list.map((s) => {
          const shifts = schedules.shifts(s.name, new Date(t), new Date(t + days * DAY));
          const lines = shifts.slice(0, MAX_SHIFT_LINES).map((sh) => {
            const who = sh.users.map((e) => (e === email ? `*${people.names(e)} (you)*` : people.names(e))).join(", ");
            return `• ${fmt(sh.start.getTime(), tz, t)} → ${fmt(sh.end.getTime(), tz, t)}: ${who}`;
          });
          if (shifts.length > MAX_SHIFT_LINES) lines.push(`…and ${shifts.length - MAX_SHIFT_LINES} more`);
          if (!schedules.isLoaded(s.name)) lines.push("_calpage has no copy of this schedule's feed yet._");
          else if (shifts.length === 0) lines.push("_nobody is on call in this time_");
          return [`*${escapeMrkdwn(s.name)}* — next ${days} day${days === 1 ? "" : "s"}:`, ...lines].join("\n");
        });
        return ctx.respond(`${blocks.join("\n\n")}\n_Times in ${escapeMrkdwn(tz)}._`);
      },
    },

    explain: {
      usage: "`/oncall explain [schedule] [time]` — which calendar event or override puts each person on call",
      async run(args, ctx) {
        const { schedule, rest } = takeSchedule(args);
        const list = schedule ? [schedule] : config.schedules;
        if (list.length === 0) return ctx.respond("No schedules are configured.");
        const { tz } = await zoneOf(ctx, list[0]!.timezone);
        const t = now();
        const when = parseMoment(rest, tz, t);
        if (!when.ok) return ctx.respond(`${when.errors[0]} (Usage: \`/oncall explain [schedule] [time]\`; schedules: ${known()}.)`);
        const at = when.value;
        const parts: string[] = [];
        for (const s of list) parts.push(await explainOne(s, at, tz, t));
        parts.push("_Precedence: overrides made in Slack › the overrides feed › a higher `[L]` level › a lower one; people at the same level are on call together._");
        return ctx.respond(parts.join("\n\n"));
      },
    },

    cover: {
      usage: "`/oncall cover [schedule]` — ask a teammate to take (part of) one of your shifts",
      async run(args, ctx) {
        const { schedule, rest } = takeSchedule(args);
        if (rest.length > 0) return ctx.respond(`There is no schedule called "${rest[0]}". Schedules: ${known()}.`);
        const allowed = access.decide(await ctx.who(), { kind: "cover" });
        if (!allowed.allowed) return ctx.respond(allowed.message);
        const { email, tz } = await zoneOf(ctx, schedule?.timezone ?? config.timezone);
        if (!email) return ctx.respond("You are not a calpage user: add your Slack email to `users` in calpage.yaml.");
        const names = (schedule ? [schedule] : config.schedules).filter((s) => s.channel).map((s) => s.name);
        if (schedule && !schedule.channel) return ctx.respond(`*${escapeMrkdwn(schedule.name)}* has no channel in calpage.yaml, so there is nowhere to post a cover request.`);
        const turns = cover.upcomingTurns(email, names);
        if (turns.length === 0) return ctx.respond(`You have no shifts in the next 30 days${schedule ? ` in *${escapeMrkdwn(schedule.name)}*` : ""}, so there is nothing to hand over.`);
        await ctx.client.views.open({ trigger_id: ctx.triggerId, view: coverModal({ shifts: turns, timezone: tz, now: now(), privateMetadata: JSON.stringify({ channel: ctx.channelId }) }) });
      },
    },

    override: {
      usage: "`/oncall override [schedule] <@user> <range>` — put someone on call, e.g. `now 4h`, `today 18:00-22:00`, `2026-11-22 09:00 2026-11-23 09:00` · `/oncall override cancel <id>`",
      async run(args, ctx) {
        if (args[0]?.toLowerCase() === "cancel") {
          const id = args[1];
          if (!id) return ctx.respond("Usage: `/oncall override cancel <id>` (the id is in the confirmation of `/oncall override`).");
          const p = await ctx.who();
          const existing = await deps.store.read.slackOverrides.get(id);
          if (existing) {
            const d = access.decide(p, { kind: "override_cancel", override: existing });
            if (!d.allowed) {
              await access.audit(p, "slack_command", "override cancel", `override ${id} (${existing.schedule}: ${existing.userEmail})`, "refused", d.message, now());
              return ctx.respond(d.message);
            }
          }
          const r = await cover.cancelOverride(id, ctx.userId);
          await access.audit(p, "slack_command", "override cancel", `override ${id}`, r.ok ? "done" : "failed", r.ok ? null : r.errors[0]!, now());
          return ctx.respond(r.ok ? `Override \`${escapeMrkdwn(id)}\` is cancelled; ${escapeMrkdwn(r.value.schedule)} follows the calendar again for that time.` : r.errors[0]!);
        }
        const picked = takeSchedule(args);
        const rest = picked.rest;
        let schedule = picked.schedule;
        if (!schedule) {
          if (config.schedules.length !== 1) return ctx.respond(`Which schedule? Start with its name: \`/oncall override <schedule> <@user> <range>\`. Schedules: ${known()}.`);
          schedule = config.schedules[0]!;
        }
        const target = rest[0];
        if (!target) return ctx.respond(`Usage: \`/oncall override [schedule] <@user> <range>\` with ${RANGE_HELP}.`);
        const email = await people.resolve(target);
        if (!email) return ctx.respond(`${escapeMrkdwn(target)} is not a calpage user (add them to \`users\` in calpage.yaml).`);
        const { tz } = await zoneOf(ctx, schedule.timezone);
        const t = now();
        const range = parseTimeRange(rest.slice(1), tz, t);
        if (!range.ok) return ctx.respond(range.errors[0]!);
        const p = await ctx.who();
        const { start, end } = range.value;
        const what = `${schedule.name}: ${email} ${new Date(start).toISOString()} – ${new Date(end).toISOString()}`;
        const d = access.decide(p, { kind: "override", target: email, replaced: access.onCallDuring(schedule.name, start, end), schedulePeople: access.schedulePeople(schedule.name, t) });
        if (!d.allowed) {
          await access.audit(p, "slack_command", "override", what, "refused", d.message, t);
          return ctx.respond(d.message);
        }
        const o = await cover.override({ schedule: schedule.name, userEmail: email, start, end, createdBy: ctx.userId });
        await access.audit(p, "slack_command", "override", `${what} (override ${o.id})`, "done", null, t);
        return ctx.respond(
          `:white_check_mark: ${people.names(email)} is on call in *${escapeMrkdwn(schedule.name)}* from ${fmt(o.startAt, tz, t)} to ${fmt(o.endAt, tz, t)} (override \`${o.id}\`; undo with \`/oncall override cancel ${o.id}\`).`,
        );
      },
    },
  };

  async function explainOne(s: ScheduleConfig, at: number, tz: string, t: number): Promise<string> {
    const head = `*${escapeMrkdwn(s.name)}* at ${fmt(at, tz, t)}`;
    if (!schedules.isLoaded(s.name)) return `${head}: calpage has no copy of this schedule's feed yet.${await feedLine(s, tz, t)}`;
    const shift = schedules.shiftAt(s.name, new Date(at));
    if (!shift) return `${head}: _nobody is on call_ — no event in the calendar covers this time.${await feedLine(s, tz, t)}`;
    const lines = [`${head}: ${shift.users.map((e) => people.names(e)).join(", ")}`];
    for (const r of shift.reasons) lines.push(`• ${people.names(r.userEmail)} — ${await reasonText(r)}`);
    lines.push(`This shift: ${fmt(shift.start.getTime(), tz, t)} → ${fmt(shift.end.getTime(), tz, t)}.${await feedLine(s, tz, t)}`);
    return lines.join("\n");
  }

  async function reasonText(r: ShiftReason): Promise<string> {
    if (r.source === "slack") {
      const o = await deps.store.read.slackOverrides.get(r.uid);
      const by = o ? (o.createdBy.startsWith("U") || o.createdBy.startsWith("W") ? `<@${escapeMrkdwn(o.createdBy)}>` : escapeMrkdwn(o.createdBy)) : "someone";
      if (o?.source === "cover") return `took over from ${people.names(o.replacing ?? "")} via a cover request in Slack (override \`${escapeMrkdwn(r.uid)}\`, taken by ${by})`;
      return `override made in Slack with \`/oncall override\` by ${by} (override \`${escapeMrkdwn(r.uid)}\`)`;
    }
    const feed = r.source === "overrides" ? "the overrides feed" : "the calendar feed";
    return `event “${escapeMrkdwn(r.summary)}” in ${feed}, level L${r.level} (UID \`${escapeMrkdwn(r.uid)}\`)`;
  }

  async function feedLine(s: ScheduleConfig, tz: string, t: number): Promise<string> {
    const parts: string[] = [];
    for (const kind of ["primary", "overrides"] as const) {
      if (kind === "overrides" && !s.overridesFeed) continue;
      const f = await deps.store.read.feeds.get(s.name, kind);
      const label = kind === "primary" ? "Feed" : "Overrides feed";
      if (!f) continue;
      let line = `${label}: copy from ${f.fetchedAt !== null ? fmt(f.fetchedAt, tz, t) : "never"}`;
      if (f.checkedAt !== null) line += `, checked ${fmt(f.checkedAt, tz, t)}`;
      if (f.error) line += ` — :warning: failing${f.errorSince !== null ? ` since ${fmt(f.errorSince, tz, t)}` : ""} (${escapeMrkdwn(f.error)}); the last good copy is serving`;
      parts.push(line);
    }
    return parts.length ? `\n_${parts.join(". ")}._` : "";
  }
}
