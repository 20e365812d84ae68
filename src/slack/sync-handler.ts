import type { Config } from "../config/config-types.js";
import { slackQueueFor } from "../alerts/request-slack-sync.js";
import type { Store, Tx } from "../store/store.js";
import type { LogEntry } from "../store/repositories/log-repository.js";
import { alertGroupMessage } from "./blocks/alert-group-message.js";
import { escalationLogReply } from "./blocks/escalation-log-reply.js";
import { SlackApiError, type SlackApi } from "./slack-api.js";
import { noteNewGroup, refreshStormFor } from "./storm-handler.js";
import { logTextToMrkdwn, toAlertGroupView } from "./to-alert-group-view.js";

/** Slack allows about one message per second per channel (thread replies included); 50 ms of margin absorbs network jitter. */
export const CHANNEL_POST_SPACING_MS = 1050;
/** Message edits per channel are paced too (Slack rate-limits chat.update), at most two a second. */
export const UPDATE_SPACING_MS = 550;
/** Thread replies are batched: several log lines in one reply, at most this many characters. */
const MAX_REPLY_CHARS = 2800;
/** A reserved slot this close is taken at once. */
const SLOT_SLACK_MS = 20;
/** Thread replies wait while groups of the channel created this recently still wait for their own message. */
const ROOTS_FIRST_MS = 10 * 60_000;
/** How long thread replies step aside at most before looking again. */
const ROOTS_FIRST_MAX_WAIT_MS = 30_000;

/**
 * Job `slack.sync`: brings a group's channel message up to date — posts it the
 * first time, edits it in place (`chat.update`) afterwards, skipping edits that
 * would not change it — then posts the log entries not yet in its thread,
 * batched into as few replies as possible. Jobs for one group run one at a time
 * (same queue), so the message is posted once.
 *
 * Root messages go first: while other groups of the channel still wait for their
 * own message, thread replies step aside (they share the channel's post budget),
 * so a new group never waits behind other groups' log lines. A group waiting for
 * its message also counts towards a storm (src/slack/storm-handler.ts): above the
 * threshold, the channel's storm summary lists it within about a second.
 *
 * Channel posts are paced through a slot per channel shared by all processes. A
 * job never sleeps waiting for its slot: it reserves the slot and re-schedules
 * itself for that moment, so other channels' posts are not held up. A 429
 * re-schedules the sync for when Slack allows it.
 */
export function makeSlackSyncHandler(
  store: Store,
  slack: SlackApi,
  config: Config,
  now: () => number = Date.now,
  log: (line: string) => void = (line) => console.log(line),
) {
  const types = new Map(config.integrations.map((i) => [i.name, i.type]));
  const templates = new Map(config.integrations.map((i) => [i.name, i.templates]));
  // A failing template is re-rendered on every edit of its message: say each failure once.
  const warned = new Set<string>();
  const warnOnce = (line: string) => {
    if (warned.has(line)) return;
    if (warned.size >= 1000) warned.clear();
    warned.add(line);
    log(line);
  };
  const lastRendered = new Map<string, string>();

  function remember(groupId: string, rendered: string) {
    lastRendered.delete(groupId);
    lastRendered.set(groupId, rendered);
    if (lastRendered.size > 10_000) lastRendered.delete(lastRendered.keys().next().value as string);
  }

  return async (payload: Record<string, unknown>): Promise<void> => {
    const groupId = String(payload.groupId);
    // Three independent reads at once (the marker is only looked at while the group has no message yet).
    const postingKey = `slack:posting:${groupId}`;
    const [group, recent, marker] = await Promise.all([store.read.groups.get(groupId), store.read.alerts.recent(groupId, 5), store.read.rateSlots.get(postingKey)]);
    if (!group || !group.channel) return;
    const channelKey = `slack:post:${group.channel}`;
    // The post slot this sync holds lives in the database, not in the job's payload: a
    // request for the sync arriving meanwhile replaces the payload, and the slot would be lost.
    const slotKey = `slack:slot:${groupId}`;
    // postingKey is set (with the time) just before the root message is posted, cleared once its ts is saved:
    // if it is found set, an earlier attempt may have posted and died before saving. Not on the group's
    // row, which escalation holds locked while it runs: the post must not wait for that.
    /** Which paced call is in flight, so a 429 pushes back the right pace. */
    let calling: "post" | "update" | null = null;

    /** Re-run this sync at `at`, holding the post slot reserved for it (or at `later`, holding none). */
    const resume = async (tx: Tx, at: number | null, later?: number) => {
      if (at !== null) await tx.rateSlots.put(slotKey, at);
      await tx.jobs.add({
        task: "slack.sync",
        payload: { groupId },
        jobKey: `slack:${groupId}`,
        runAt: new Date(Math.max(now(), at ?? later ?? now())),
        queue: slackQueueFor(groupId),
        maxAttempts: 25,
        precise: at !== null,
      });
    };
    const resumeAt = (at: number | null, later?: number) => store.transaction((tx) => resume(tx, at, later));
    /**
     * True when a post may go now — this sync's slot has come and a full spacing has passed since
     * the channel's last post — with, for a root message, the attempt recorded in the same
     * transaction. Otherwise the sync has been re-scheduled for its slot.
     */
    const takeSlot = async (root: boolean): Promise<boolean> => {
      for (let i = 0; i < 5; i++) {
        const t = now();
        const r = await store.transaction(async (tx) => {
          const start = (await tx.rateSlots.take(slotKey)) ?? (await tx.rateSlots.reserve(channelKey, t, CHANNEL_POST_SPACING_MS));
          if (start > t + SLOT_SLACK_MS) {
            await resume(tx, start);
            return "later" as const;
          }
          // The previous post may have gone out late in its slot: keep a full spacing from it.
          const wait = await tx.rateSlots.claimAfter(`${channelKey}:last`, t, CHANNEL_POST_SPACING_MS);
          if (wait > 0) {
            await tx.rateSlots.put(slotKey, start);
            return wait;
          }
          if (root) await tx.rateSlots.put(postingKey, t);
          return "go" as const;
        });
        if (r === "go") return true;
        if (r === "later") return false;
        await new Promise((resolve) => setTimeout(resolve, Math.min(r, CHANNEL_POST_SPACING_MS)));
      }
      await resumeAt(null, now() + CHANNEL_POST_SPACING_MS);
      return false;
    };
    try {
      const message = alertGroupMessage(toAlertGroupView(group, recent, types.get(group.integration) ?? "direct", { templates: templates.get(group.integration), warn: warnOnce }), {
        timezone: config.timezone,
        timelineUrl: config.env.publicUrlSet ? `${config.env.publicUrl.replace(/\/+$/, "")}/web/groups/${group.number}` : null,
      });
      const rendered = JSON.stringify(message);
      let channel = group.slackChannelId;
      let ts = group.slackTs;
      const postingSince = !channel || !ts ? marker : null;
      if (postingSince !== null) {
        // An earlier attempt may have posted and died before saving the ts: look before posting again.
        const earlier = await findEarlierPost(store, slack, group.id, group.channel, postingSince, log);
        if (earlier) {
          ({ channel, ts } = earlier);
          await store.transaction(async (tx) => {
            await tx.groups.update(group.id, { slackChannelId: earlier.channel, slackTs: earlier.ts });
            await tx.rateSlots.take(postingKey);
          });
        }
      }
      if (!channel || !ts) {
        await noteNewGroup(store, config.storm, group.channel, now());
        if (!(await takeSlot(true))) return;
        calling = "post";
        const root = await slack.postMessage({ channel: group.channel, ...message, groupId: group.id });
        channel = root.channel;
        ts = root.ts;
        await store.transaction(async (tx) => {
          await tx.rateSlots.markLast(`${channelKey}:last`, now());
          await tx.groups.update(group.id, { slackChannelId: root.channel, slackTs: root.ts });
          await tx.rateSlots.take(postingKey);
          // A storm summary listing the group now links to its message.
          await refreshStormFor(tx, config.storm, group, now());
        });
        remember(group.id, rendered);
      } else if (lastRendered.get(group.id) !== rendered) {
        if (!(await paceUpdate(store, group.channel, now))) {
          await resumeAt(null, now() + UPDATE_SPACING_MS);
          return;
        }
        calling = "update";
        await slack.updateMessage({ channel, ts, ...message });
        await store.transaction(async (tx) => {
          await tx.rateSlots.markLast(`slack:update:${group.channel}:last`, now());
          await refreshStormFor(tx, config.storm, group, now());
        });
        remember(group.id, rendered);
      }
      const pending = batches(await store.read.log.unposted(group.id), config.timezone);
      if (pending.length > 0) {
        const waiting = await store.read.groups.countAwaitingPost(group.channel, now() - ROOTS_FIRST_MS, group.id);
        if (waiting > 0) {
          // Other groups' own messages first: give back any slot held for a reply and look again once they could be out.
          await store.transaction(async (tx) => {
            await tx.rateSlots.take(slotKey);
            await resume(tx, null, now() + Math.min(waiting * CHANNEL_POST_SPACING_MS, ROOTS_FIRST_MAX_WAIT_MS));
          });
          return;
        }
      }
      for (const batch of pending) {
        // One channel post per slot: after a post, the next one waits for its own slot.
        if (!(await takeSlot(false))) return;
        calling = "post";
        const reply = await slack.postMessage({ channel, threadTs: ts, text: batch.text, blocks: [{ type: "context", elements: [{ type: "mrkdwn", text: batch.text }] }] });
        await store.transaction(async (tx) => {
          // When it really went out: the channel's spacing counts from here.
          await tx.rateSlots.markLast(`${channelKey}:last`, now());
          for (const id of batch.ids) await tx.log.markPosted(id, reply.ts);
        });
      }
    } catch (error) {
      if (error instanceof SlackApiError && error.retryAfterMs !== null) {
        // Slack said when: not before then, for this group (an earlier pending request must not
        // bring it forward) nor for the channel's posts or edits, whichever Slack refused.
        lastRendered.delete(group.id);
        const until = now() + error.retryAfterMs;
        return void (await store.transaction(async (tx) => {
          if (calling === "post") await tx.rateSlots.markLast(`${channelKey}:last`, until - CHANNEL_POST_SPACING_MS);
          if (calling === "update") await tx.rateSlots.markLast(`slack:update:${group.channel}:last`, until - UPDATE_SPACING_MS);
          await tx.jobs.add({
            task: "slack.sync",
            payload: { groupId },
            jobKey: `slack:${groupId}`,
            jobKeyMode: "replace",
            runAt: new Date(until),
            queue: slackQueueFor(groupId),
            maxAttempts: 25,
          });
        }));
      }
      throw error;
    }
  };
}

/** Claims the channel's next edit; waits at most one spacing for it, else false (the caller re-schedules). */
export async function paceUpdate(store: Store, channel: string, now: () => number): Promise<boolean> {
  for (let i = 0; i < 3; i++) {
    const wait = await store.transaction((tx) => tx.rateSlots.claimAfter(`slack:update:${channel}:last`, now(), UPDATE_SPACING_MS));
    if (wait <= 0) return true;
    await new Promise((r) => setTimeout(r, Math.min(wait, UPDATE_SPACING_MS)));
  }
  return false;
}

/**
 * Records when a paced post really went out. The spacing counts from here, not
 * from when the slot was claimed, so a slow request cannot crowd the next post.
 */
export async function markPosted(store: Store, channelKey: string, now: () => number): Promise<void> {
  await store.transaction((tx) => tx.rateSlots.markLast(`${channelKey}:last`, now()));
}

/**
 * Waits (briefly, bounded) until a full spacing has passed since the channel's
 * last post and claims "now" as the last post; false when it could not (the
 * caller re-schedules rather than post over the limit).
 */
export async function spaceFromLastPost(store: Store, channelKey: string, now: () => number): Promise<boolean> {
  for (let i = 0; i < 5; i++) {
    const wait = await store.transaction((tx) => tx.rateSlots.claimAfter(`${channelKey}:last`, now(), CHANNEL_POST_SPACING_MS));
    if (wait <= 0) return true;
    await new Promise((r) => setTimeout(r, Math.min(wait, CHANNEL_POST_SPACING_MS)));
  }
  return false;
}

function batches(entries: readonly LogEntry[], timezone: string): { ids: number[]; text: string }[] {
  const out: { ids: number[]; text: string }[] = [];
  let current: { ids: number[]; lines: string[]; size: number } = { ids: [], lines: [], size: 0 };
  for (const e of entries) {
    const line = escalationLogReply({ at: new Date(e.at), kind: e.kind, text: logTextToMrkdwn(e.text) }, { timezone }).text;
    if (current.lines.length > 0 && current.size + line.length + 1 > MAX_REPLY_CHARS) {
      out.push({ ids: current.ids, text: current.lines.join("\n") });
      current = { ids: [], lines: [], size: 0 };
    }
    current.ids.push(e.id);
    current.lines.push(line);
    current.size += line.length + 1;
  }
  if (current.lines.length > 0) out.push({ ids: current.ids, text: current.lines.join("\n") });
  return out;
}

/** Slack channel ids: C… (public), G… (private, older apps). */
const CHANNEL_ID = /^[CG][A-Z0-9]{6,}$/;

/**
 * The group's root message, if an earlier attempt posted it: Slack search by
 * the message metadata calpage attaches, from a minute before the attempt. The
 * channel id comes from the config (when it is an id), from another group
 * posted to the same channel, or from `conversations.list`. When Slack answers
 * the lookup with an error (say, the bot is not a member), the post goes ahead
 * and the log says so: a duplicate is possible, a lost alert message is not.
 * When the lookup gets no answer (a timeout, a connection or HTTP error: Slack
 * is slow or down, and the earlier post may well have gone through) or is rate
 * limited, the attempt fails and is retried later, so a slow Slack does not get
 * the same message posted again and again.
 */
async function findEarlierPost(
  store: Store,
  slack: SlackApi,
  groupId: string,
  channel: string,
  attemptedAt: number,
  log: (line: string) => void,
): Promise<{ channel: string; ts: string } | null> {
  try {
    const channelId = CHANNEL_ID.test(channel) ? channel : ((await store.read.groups.knownChannelId(channel)) ?? (await slack.channelIdByName(channel)));
    if (!channelId) {
      log(`slack: cannot check whether the message of group ${groupId} was already posted: no channel ${channel} found; posting it`);
      return null;
    }
    const ts = await slack.findGroupMessage(channelId, groupId, attemptedAt - 60_000);
    return ts ? { channel: channelId, ts } : null;
  } catch (error) {
    if (error instanceof SlackApiError && (error.retryAfterMs !== null || !error.notSent)) throw error;
    log(`slack: cannot check whether the message of group ${groupId} was already posted (${error instanceof Error ? error.message : String(error)}); posting it`);
    return null;
  }
}
