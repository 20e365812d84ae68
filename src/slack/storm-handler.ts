import type { Config, StormSettings } from "../config/config-types.js";
import { DEFAULT_STORM } from "../config/validate-storm.js";
import type { Store, Tx } from "../store/store.js";
import type { StormSummaryRecord } from "../store/repositories/storm-summaries-repository.js";
import { slackMessageLink, STORM_SUMMARY_MAX_LINES, stormSummaryMessage } from "./blocks/storm-summary-message.js";
import { SlackApiError, type SlackApi } from "./slack-api.js";
import { CHANNEL_POST_SPACING_MS, paceUpdate, UPDATE_SPACING_MS } from "./sync-handler.js";

/** While a storm is on, its summary is looked at again this often (to notice the end). */
export const STORM_RECHECK_MS = 5000;
/** A storm also ends after this many windows without a new group, whatever is still unposted. */
const QUIET_WINDOWS = 5;
/** A reserved slot this close is taken at once. */
const SLOT_SLACK_MS = 20;

const stormJobKey = (channel: string) => `slack:storm:${channel}`;
const stormQueue = (channel: string) => `slack-storm:${channel}`;

/**
 * Asks for the channel's storm summary to be brought up to date at `at` (one pending job per
 * channel). `later` keeps a pending job's time instead, so a look-again never pushes back
 * a refresh already asked for.
 */
export async function requestStormSummary(tx: Tx, channel: string, at: number, later = false): Promise<void> {
  await tx.jobs.add({
    task: "slack.storm",
    payload: { channel },
    jobKey: stormJobKey(channel),
    jobKeyMode: later ? "preserve_run_at" : "replace",
    runAt: new Date(at),
    queue: stormQueue(channel),
    maxAttempts: 25,
  });
}

/**
 * Called by the group sync while a group's own message is not posted yet: starts a storm in
 * its channel when `threshold` groups (this one included) were created there within the
 * window, and asks for the summary to show the group. Nothing happens below the threshold.
 */
export async function noteNewGroup(store: Store, settings: StormSettings | null, channel: string, now: number): Promise<void> {
  if (!settings) return;
  const open = await store.read.storms.open(channel);
  if (!open && (await store.read.groups.countNewInChannel(channel, now - settings.windowSeconds * 1000)) < settings.threshold) return;
  await store.transaction(async (tx) => {
    if (!open) await tx.storms.start(channel, now);
    await requestStormSummary(tx, channel, now);
  });
}

/** After a group's message changed: a storm summary listing the group is brought up to date too. */
export async function refreshStormFor(tx: Tx, settings: StormSettings | null, group: { channel: string | null; createdAt: number }, now: number): Promise<void> {
  if (!group.channel) return;
  const open = await tx.storms.open(group.channel);
  if (open && group.createdAt >= open.startedAt - windowMs(settings)) await requestStormSummary(tx, group.channel, now);
}

const windowMs = (settings: StormSettings | null) => (settings ?? DEFAULT_STORM).windowSeconds * 1000;

/**
 * Job `slack.storm`: keeps a channel's storm summary up to date — posts it once, ahead of the
 * group messages waiting for the channel's post slots (it takes over the earliest slot a group
 * holds; that group posts in the summary's later slot instead), then edits it in place at the
 * channel's edit pace (edits do not use the post budget), so each new group shows in the channel
 * within about a second. It lists the channel's groups from one window before the storm started,
 * with a link to each group's own message once that is posted. The storm is over once fewer than
 * `threshold` groups were created in the last window and every listed group has its own message
 * (or after five quiet windows); the summary then says so and is no longer edited.
 */
export function makeStormSummaryHandler(store: Store, slack: SlackApi, config: Config, now: () => number = Date.now) {
  /** What each storm's message shows now (as far as this process knows), so unchanged content is not sent again. */
  const lastRendered = new Map<string, string>();
  const remember = (id: string, rendered: string) => {
    lastRendered.delete(id);
    lastRendered.set(id, rendered);
    if (lastRendered.size > 1000) lastRendered.delete(lastRendered.keys().next().value as string);
  };
  return async (payload: Record<string, unknown>): Promise<void> => {
    const channel = String(payload.channel);
    const settings = config.storm;
    const window = windowMs(settings);
    const threshold = (settings ?? DEFAULT_STORM).threshold;
    let storm: StormSummaryRecord | null = (await store.read.storms.open(channel)) ?? (await store.read.storms.latest(channel));
    if (!storm) return;
    const t = now();
    const since = storm.startedAt - window;
    if (storm.endedAt === null) {
      const recent = await store.read.groups.countNewInChannel(channel, t - window);
      const awaiting = await store.read.groups.countAwaitingPost(channel, since, "");
      const quiet = (await store.read.groups.countNewInChannel(channel, t - QUIET_WINDOWS * window)) === 0;
      if ((recent < threshold && awaiting === 0) || quiet) {
        await store.transaction((tx) => tx.storms.end(storm!.id, t));
        storm = { ...storm, endedAt: t };
      }
    }
    const until = storm.endedAt ?? Number.MAX_SAFE_INTEGER;
    const [groups, total] = await Promise.all([
      store.read.groups.listNewInChannel(channel, since, until, STORM_SUMMARY_MAX_LINES),
      store.read.groups.countNewInChannel(channel, since, until),
    ]);
    const message = stormSummaryMessage(
      {
        startedAt: new Date(storm.startedAt),
        endedAt: storm.endedAt !== null ? new Date(storm.endedAt) : null,
        total,
        groups: groups.map((g) => ({
          number: g.number,
          title: g.title,
          state: g.state,
          alertCount: g.alertCount,
          firingCount: g.firingCount,
          truncatedAlerts: g.truncatedAlerts,
          link: g.slackChannelId && g.slackTs ? slackMessageLink(g.slackChannelId, g.slackTs) : null,
        })),
      },
      { timezone: config.timezone },
    );
    const rendered = JSON.stringify(message);
    const channelKey = `slack:post:${channel}`;
    const slotKey = `slack:storm-slot:${channel}`;
    const again = (tx: Tx, at: number, precise = false) =>
      tx.jobs.add({ task: "slack.storm", payload: { channel }, jobKey: stormJobKey(channel), runAt: new Date(at), queue: stormQueue(channel), maxAttempts: 25, precise });
    let calling: "post" | "update" | null = null;
    try {
      if (!storm.slackTs || !storm.slackChannelId) {
        if (storm.endedAt !== null) return; // over before it was ever shown: the groups' own messages say it all
        if (!(await takeSlotFirst())) return;
        calling = "post";
        const posted = await slack.postMessage({ channel, ...message });
        await store.transaction(async (tx) => {
          await tx.rateSlots.markLast(`${channelKey}:last`, now());
          await tx.storms.setMessage(storm!.id, posted.channel, posted.ts);
        });
        remember(storm.id, rendered);
      } else if (lastRendered.get(storm.id) !== rendered) {
        if (!(await paceUpdate(store, channel, now))) {
          await store.transaction((tx) => again(tx, now() + UPDATE_SPACING_MS));
          return;
        }
        calling = "update";
        await slack.updateMessage({ channel: storm.slackChannelId, ts: storm.slackTs, ...message });
        await store.transaction((tx) => tx.rateSlots.markLast(`slack:update:${channel}:last`, now()));
        remember(storm.id, rendered);
      }
      if (storm.endedAt === null) {
        const next = t + STORM_RECHECK_MS;
        await store.transaction((tx) => requestStormSummary(tx, channel, next, true));
      }
    } catch (error) {
      if (error instanceof SlackApiError && error.retryAfterMs !== null) {
        lastRendered.delete(storm.id);
        const retryAt = now() + error.retryAfterMs;
        await store.transaction(async (tx) => {
          if (calling === "post") await tx.rateSlots.markLast(`${channelKey}:last`, retryAt - CHANNEL_POST_SPACING_MS);
          if (calling === "update") await tx.rateSlots.markLast(`slack:update:${channel}:last`, retryAt - UPDATE_SPACING_MS);
          await again(tx, retryAt);
        });
        return;
      }
      throw error;
    }

    /**
     * A post slot ahead of the groups waiting for theirs: the slot held from an earlier run, else
     * the earliest one a group of the channel holds (traded for a new one at the end of the line).
     * True when the post may go now; otherwise this job is re-scheduled for the slot.
     */
    async function takeSlotFirst(): Promise<boolean> {
      for (let i = 0; i < 5; i++) {
        const at = now();
        const r = await store.transaction(async (tx) => {
          let start = await tx.rateSlots.take(slotKey);
          if (start === null) {
            const mine = await tx.rateSlots.reserve(channelKey, at, CHANNEL_POST_SPACING_MS);
            start = (await tx.rateSlots.swapEarliestGroupSlot(channel, mine)) ?? mine;
          }
          if (start > at + SLOT_SLACK_MS) {
            await tx.rateSlots.put(slotKey, start);
            await again(tx, start, true);
            return "later" as const;
          }
          const wait = await tx.rateSlots.claimAfter(`${channelKey}:last`, at, CHANNEL_POST_SPACING_MS);
          if (wait > 0) {
            await tx.rateSlots.put(slotKey, start);
            return wait;
          }
          return "go" as const;
        });
        if (r === "go") return true;
        if (r === "later") return false;
        await new Promise((resolve) => setTimeout(resolve, Math.min(r, CHANNEL_POST_SPACING_MS)));
      }
      await store.transaction((tx) => again(tx, now() + CHANNEL_POST_SPACING_MS));
      return false;
    }
  };
}
