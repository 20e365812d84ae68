import { requestSlackNotice } from "../../alerts/request-slack-notice.js";
import type { Config } from "../../config/config-types.js";
import type { TaskHandler } from "../../jobs/job-queue.js";
import { groupPagesSchedule, handoffSummary } from "../../schedule/handoff-summary.js";
import type { ShiftDmPayload } from "../../schedule/shift-dm-jobs.js";
import type { Store } from "../../store/store.js";
import type { SlackApi } from "../slack-api.js";
import type { SlackUserCache } from "../slack-user-cache.js";
import { handoffText, shiftDmMessage, type ShiftDmView } from "./shift-dm-messages.js";
import type { SlackPeople } from "./slack-people.js";

/**
 * `schedule.shift_dm`: renders one shift message when it runs — times in the reader's Slack time
 * zone (the schedule's when Slack does not say), open groups and handoff numbers read now — and
 * posts it as a DM (or, for `handoff: channel`, queues it for the schedule's channel in its pace).
 * Whether it is sent at all was decided once, by `schedule.shift_dms`.
 */
export function makeShiftDmHandler(deps: { store: Store; config: Config; slack: SlackApi; slackUsers: SlackUserCache; people: SlackPeople; log: (line: string) => void; now: () => number }): TaskHandler {
  const { store, config, slack, slackUsers, people, log, now } = deps;
  const byName = new Map(config.schedules.map((s) => [s.name, s]));

  async function zoneOf(email: string): Promise<{ id: string; tz: string | null } | null> {
    const ref = await slackUsers.lookup(email);
    if (!ref) return null;
    if (ref.tz) return ref;
    const info = await slack.userInfo(ref.id).catch(() => null);
    return { id: ref.id, tz: info?.tz ?? null };
  }

  return async (raw) => {
    const p = raw as unknown as ShiftDmPayload;
    const sc = byName.get(p.schedule);
    if (!sc) return;
    const t = now();
    let target: string;
    let timezone = sc.timezone;
    if ("channel" in p.to) {
      if (!sc.channel) return;
      target = sc.channel;
    } else {
      const ref = await zoneOf(p.to.email);
      if (!ref) {
        log(`schedule ${sc.name}: ${p.to.email} has no Slack account; their ${p.dm.kind} DM is not sent`);
        return;
      }
      target = ref.id;
      timezone = ref.tz ?? sc.timezone;
    }
    const view: ShiftDmView = { schedule: sc.name, timezone, now: t, canAskCover: sc.channel !== null };
    const dm = p.dm;
    if (dm.kind === "handoff") {
      const groups = await store.read.groups.listAliveBetween(dm.turn.start, dm.turn.end);
      const pages = await store.read.pages.countForUserBetween(dm.outgoing, dm.turn.start, dm.turn.end);
      const summary = handoffSummary(groups, sc.name, dm.turn.start, dm.turn.end, pages);
      const who = await people.renderer([dm.outgoing, ...dm.incoming]);
      const text = handoffText(dm, "channel" in p.to ? "channel" : p.to.role === "incoming" ? "incoming" : "outgoing", summary, view, who);
      if ("channel" in p.to) return store.transaction((tx) => requestSlackNotice(tx, target, text, t));
      await slack.postMessage({ channel: target, text });
      return;
    }
    const open = dm.kind === "start" ? (await store.read.groups.listOpen(200)).filter((g) => groupPagesSchedule(g, sc.name)).reverse() : [];
    const message = shiftDmMessage(dm, view, open);
    await slack.postMessage({ channel: target, ...message });
  };
}
