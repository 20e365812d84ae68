import { requestSlackNotice } from "../../alerts/request-slack-notice.js";
import type { Config, ScheduleConfig } from "../../config/config-types.js";
import type { FeatureTaskName, TaskHandler } from "../../jobs/job-queue.js";
import { sameList, TASK_NOTICE, TASK_USER_GROUP, requestScheduleNotice, type NoticePayload } from "../../schedule/schedule-jobs.js";
import type { ScheduleService } from "../../schedule/schedule-service.js";
import type { Store } from "../../store/store.js";
import type { SlackApi } from "../slack-api.js";
import { announcementText, coverTakenTexts, noticeText, userGroupEmptyText, userGroupMissingText } from "./schedule-messages.js";
import type { SlackPeople } from "./slack-people.js";

export interface ScheduleSlackDeps {
  store: Store;
  config: Config;
  schedules: ScheduleService;
  slack: SlackApi;
  people: SlackPeople;
  log: (line: string) => void;
  now: () => number;
}

/**
 * The schedule jobs that talk to Slack (the others are in src/schedule/schedule-jobs.ts):
 * - `schedule.user_group`: makes the Slack user group's members equal to who is on call; an empty
 *   shift keeps the last members and warns once.
 * - `schedule.notice`: renders a message (mentions looked up here, outside any transaction) and
 *   queues it as a paced `slack.notice`.
 */
export function makeScheduleSlackHandlers(deps: ScheduleSlackDeps): Partial<Record<FeatureTaskName, TaskHandler>> {
  const { store, config, schedules, slack, people, log, now } = deps;
  const byName = new Map(config.schedules.map((s) => [s.name, s]));
  const scheduleOf = (payload: Record<string, unknown>): ScheduleConfig | null => byName.get(String(payload.schedule)) ?? null;

  async function userGroup(payload: Record<string, unknown>): Promise<void> {
    const sc = scheduleOf(payload);
    if (!sc?.userGroup || !schedules.isLoaded(sc.name)) return;
    const group = sc.userGroup;
    await schedules.sync();
    const t = now();
    const emails = schedules.whoIsOnCall(sc.name, new Date(t));
    const prev = (await store.read.scheduleState.find(sc.name))?.userGroup ?? null;

    const warnOnce = async (kind: "empty" | "missing", members: string[]) => {
      if (prev?.warned === kind) return;
      await store.transaction(async (tx) => {
        await tx.scheduleState.get(sc.name, t);
        if (!(await tx.scheduleState.claimUserGroup(sc.name, prev, { members, warned: kind }, t))) return;
        log(`schedule ${sc.name}: user group @${group}: ${kind === "empty" ? "nobody is on call; keeping its members" : "no such group in Slack"}`);
        if (sc.channel) {
          const notice: NoticePayload = kind === "empty" ? { kind: "user_group_empty", group, kept: members } : { kind: "user_group_missing", group };
          await requestScheduleNotice(tx, sc.name, notice, t);
        }
      });
    };

    const groupId = await slack.userGroupId(group);
    if (!groupId) return warnOnce("missing", prev?.members ?? []);
    const ids: string[] = [];
    for (const email of emails) {
      const ref = await people.slackRef(email);
      if (ref) ids.push(ref);
      else log(`schedule ${sc.name}: ${email} is on call but has no Slack account; left out of @${group}`);
    }
    const current = (await slack.userGroupMembers(groupId)) ?? [];
    // Slack refuses an empty user group: keep the last members and say so once.
    if (ids.length === 0) return warnOnce("empty", current);
    const wanted = [...new Set(ids)].sort();
    if (!sameList([...current].sort(), wanted)) {
      await slack.setUserGroupMembers(groupId, wanted);
      log(`schedule ${sc.name}: user group @${group} is now ${wanted.join(", ")}`);
    }
    if (!prev || prev.warned !== null || !sameList(prev.members, wanted)) {
      await store.transaction(async (tx) => {
        await tx.scheduleState.get(sc.name, t);
        await tx.scheduleState.claimUserGroup(sc.name, prev, { members: wanted, warned: null }, t);
      });
    }
  }

  async function notice(payload: Record<string, unknown>): Promise<void> {
    const sc = scheduleOf(payload);
    if (!sc) return;
    const n = payload.notice as NoticePayload;
    const to = payload.to as { email?: string } | undefined;
    let channel = sc.channel;
    if (to?.email) channel = await people.slackRef(to.email);
    if (!channel) return;
    const mentioned: string[] = [];
    if (n.kind === "announce") mentioned.push(...n.users, ...(n.next?.users ?? []));
    if (n.kind === "refresh" && n.notice.kind === "calendar_change") for (const c of n.notice.changes) mentioned.push(...c.before, ...c.after);
    if (n.kind === "refresh" && n.notice.kind === "report") for (const night of n.notice.report.nights ?? []) mentioned.push(night.email);
    if (n.kind === "cover_taken") mentioned.push(n.taker, n.requester);
    const who = await people.renderer(mentioned);
    let text: string;
    switch (n.kind) {
      case "announce":
        text = announcementText({ schedule: sc.name, timezone: sc.timezone, now: n.at, users: n.users, next: n.next }, who);
        break;
      case "refresh":
        text = noticeText(sc.name, sc.timezone, n.notice, n.at, who);
        break;
      case "user_group_empty":
        text = userGroupEmptyText(sc.name, n.group, n.kept);
        break;
      case "user_group_missing":
        text = userGroupMissingText(sc.name, n.group);
        break;
      case "cover_taken": {
        const texts = coverTakenTexts({ schedule: sc.name, taker: who(n.taker), requester: who(n.requester), start: n.start, end: n.end, timezone: sc.timezone, now: n.at });
        text = texts[n.to];
        break;
      }
      case "text":
        text = n.text;
        break;
    }
    const target = channel;
    await store.transaction((tx) => requestSlackNotice(tx, target, text, now()));
  }

  return { [TASK_USER_GROUP]: userGroup, [TASK_NOTICE]: notice };
}
