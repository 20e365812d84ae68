import type { Config } from "../config/config-types.js";
import { requestSlackSync } from "../alerts/request-slack-sync.js";
import { maskPhone } from "../paging/settings/phone-number.js";
import { formatDuration } from "../shared/duration.js";
import { newId } from "../shared/ids.js";
import type { DirectMessagePort } from "./direct-message-port.js";
import { decideThrottle, heldBackLogText } from "./ladder/throttle.js";
import type { AlertGroupRecord } from "../store/repositories/alert-group-record.js";
import type { PageRecord, PageState } from "../store/repositories/pages-repository.js";
import type { StoredAlert } from "../store/repositories/alerts-repository.js";
import type { Store, Tx } from "../store/store.js";
import { heldBackSmsText } from "./twilio/sms-reply.js";
import { pageSmsBody } from "./page-sms-body.js";
import { TwilioApiError, type TwilioApi } from "./twilio/twilio-api.js";
import { maskPhoneNumbers } from "../shared/redact.js";
import { annotateLogContext } from "../shared/log-context.js";
import { isResponderPage, ladderMaySend } from "../paging/ladder-may-send.js";

/** Where Twilio calls calpage back about one page. */
export interface TwilioCallbackUrls {
  smsStatus(pageId: string): string;
  callAnswer(pageId: string): string;
  callStatus(pageId: string): string;
}

export interface PageHandlerDeps {
  store: Store;
  /** The `slack_dm` channel (src/slack/slack-direct-messages.ts). */
  directMessages: DirectMessagePort;
  twilio: TwilioApi | null;
  callbacks: TwilioCallbackUrls;
  config: Config;
  /** Told when a call could not be placed, so a `call_until_answered` ladder can go on. */
  onCallFailed?: (tx: Tx, page: PageRecord, now: number) => Promise<void>;
  /** Told when a page's outcome is unknown (found in `sending`) and its group still fires: reach the person another way now. */
  onLost?: (tx: Tx, page: PageRecord, now: number) => Promise<void>;
  now?: () => number;
  /** Told after each page's outcome is committed (for metrics). */
  onOutcome?: (e: PageOutcomeEvent) => void;
  /** Where a message template that failed is reported (the page then goes out with the default text). */
  log?: (line: string) => void;
}

/**
 * What became of one page: `sent` (handed to Slack or Twilio), `failed`, `throttled` (held back
 * by the paging limits), `cancelled` (the group stopped firing first; a responder request's page:
 * the group was silenced or resolved first) or `retried` (the provider certainly sent nothing;
 * tried again later). `alertToFirstPageMs`: for the first page of its
 * group that went out, the time from the group's first alert to it; otherwise null.
 */
export interface PageOutcomeEvent {
  channel: PageRecord["channel"];
  outcome: "sent" | "failed" | "throttled" | "cancelled" | "retried";
  alertToFirstPageMs: number | null;
}

/** Tries of one page while its provider certainly sends nothing (rate limits, a Slack outage): DMs for ~5 min, phones for ~1 min. */
const MAX_SEND_ATTEMPTS: Record<PageRecord["channel"], number> = { slack_dm: 10, sms: 6, call: 6 };

/** The provider certainly did not act: safe to try the page again (after `retryAfterMs` when it said so). */
class NothingSent extends Error {
  constructor(
    readonly reason: unknown,
    readonly retryAfterMs: number | null = null,
  ) {
    super(reason instanceof Error ? reason.message : String(reason));
  }
}

/** The error of a page whose outcome is unknown (calpage stopped while sending it). */
export const UNKNOWN_OUTCOME = "outcome unknown: calpage stopped while sending";

type Outcome = { state: PageState; externalRef?: string; error?: string; log: string | null; kind?: string };

/**
 * Job `notify.page`: delivers one stored page, at most once.
 * pending -> sending is committed before the call to Slack or Twilio; after it the
 * page is sent or failed. A page found in `sending` (a crash mid-call: its job ran again)
 * is never sent again, but never silent either: it is marked failed with an unknown
 * outcome, the group's thread says so and, while the group fires, `onLost` reaches the
 * person at once by the next rung or another channel — a second notice is better than a
 * lost page. Only a call the provider certainly did not act on (rate limited) goes back to
 * pending and retries.
 * SMS and calls are throttled per number; held-back texts are bundled into one message, every
 * held-back page is a line in the group's thread, and a held-back IMPORTANT page also gets the
 * person one text saying so (once per window).
 */
export function makePageHandler(deps: PageHandlerDeps) {
  const { store, config } = deps;
  const now = deps.now ?? Date.now;
  const types = new Map(config.integrations.map((i) => [i.name, i.type]));
  const templates = new Map(config.integrations.map((i) => [i.name, i.templates]));
  const warn = deps.log ?? ((line: string) => console.warn(line));
  const names = new Map(config.users.map((u) => [u.email, u.name]));
  const limits = config.paging;

  async function claim(pageId: string) {
    let ended: PageOutcomeEvent | null = null;
    const claimed = await store.transaction(async (tx) => {
      ended = null;
      const page = await tx.pages.get(pageId, { lock: true });
      if (page?.state === "sending") {
        ended = await unknownOutcome(tx, page);
        return null;
      }
      if (!page || page.state !== "pending") return null;
      // One round trip for the reads (the alerts are only used if the page goes out; the ladder run says whether it is a responder request's).
      const [group, recent, run] = await Promise.all([tx.groups.get(page.groupId), tx.alerts.recent(page.groupId, 5), tx.ladderRuns.get(page.groupId, page.userEmail)]);
      const responder = isResponderPage(run, page.ladderKey);
      annotateLogContext({ group: group?.number, channel: page.channel });
      const t = now();
      if (!group || !ladderMaySend(group.state, responder)) {
        await tx.pages.update(page.id, { state: "cancelled", updatedAt: t });
        ended = { channel: page.channel, outcome: "cancelled", alertToFirstPageMs: null };
        return null;
      }
      if (page.channel !== "slack_dm" && page.phone) {
        // Row lock per number and channel: concurrent jobs (and replicas) count sends one at a time.
        await tx.rateSlots.reserve(`throttle:${page.channel}:${page.phone}`, t, 0);
        const limit = page.channel === "sms" ? limits.smsPerWindow : limits.callsPerWindow;
        const sent = await tx.pages.sentToPhoneSince(page.phone, page.channel, t - limits.windowSeconds * 1000);
        const decision = decideThrottle(sent, limit, limits.windowSeconds, t);
        if (!decision.allow) {
          await tx.pages.update(page.id, { state: "throttled", updatedAt: t });
          ended = { channel: page.channel, outcome: "throttled", alertToFirstPageMs: null };
          const who = names.get(page.userEmail) ?? page.userEmail;
          const channel = page.channel;
          await tx.log.add(group.id, t, "notify", heldBackLogText({ who, channel, maskedPhone: maskPhone(page.phone), inWindow: decision.inWindow, windowSeconds: limits.windowSeconds }));
          if (channel === "sms") {
            await tx.jobs.add({ task: "paging.bundle", payload: { phone: page.phone }, jobKey: `bundle:${page.phone}`, jobKeyMode: "preserve_run_at", runAt: new Date(decision.bundleAt), maxAttempts: 3 });
          } else {
            await deps.onCallFailed?.(tx, page, t);
          }
          const notice = page.important ? await heldBackNotice(tx, page, group, channel, decision.inWindow, who, t) : null;
          await requestSlackSync(tx, group.id, t);
          return notice ? { type: "notice" as const, ...notice } : null;
        }
      }
      await tx.pages.update(page.id, { state: "sending", attempts: page.attempts + 1, sentAt: t, updatedAt: t });
      return { type: "page" as const, page, group, recent, responder, claimedAt: t };
    });
    if (ended) deps.onOutcome?.(ended);
    return claimed;
  }

  /** A page left in `sending` by a crash: failed, said in the thread, and the person reached again while the group fires. */
  async function unknownOutcome(tx: Tx, page: PageRecord): Promise<PageOutcomeEvent> {
    const t = now();
    const group = await tx.groups.get(page.groupId);
    const who = names.get(page.userEmail) ?? page.userEmail;
    const what = page.channel === "slack_dm" ? "The Slack DM" : page.channel === "sms" ? "The SMS" : "The call";
    const stillPaging = ladderMaySend(group?.state, isResponderPage(await tx.ladderRuns.get(page.groupId, page.userEmail), page.ladderKey));
    await tx.pages.update(page.id, { state: "failed", error: UNKNOWN_OUTCOME, updatedAt: t });
    const after = stillPaging ? "reaching them again now." : "the group no longer fires, so nothing more is sent.";
    await tx.log.add(page.groupId, t, "notify_failed", `${what} to ${who} may or may not have gone out: calpage stopped while sending it; ${after}`);
    if (stillPaging) await deps.onLost?.(tx, page, t);
    await requestSlackSync(tx, page.groupId, t);
    return { channel: page.channel, outcome: "failed", alertToFirstPageMs: null };
  }

  /**
   * An important page was held back: the person gets ONE text saying so per window (whatever
   * else is held back in it), even when the SMS limit is full, so the cut is never silent. The
   * text is a stored page in `sending` before it goes out (at most once, and it counts against
   * the SMS limit). Null when they were already told in this window, or cannot get texts.
   */
  async function heldBackNotice(tx: Tx, page: PageRecord, group: AlertGroupRecord, channel: "sms" | "call", inWindow: number, who: string, t: number) {
    const phone = page.phone;
    if (!deps.twilio || !phone) return null;
    if ((await tx.userSettings.get(page.userEmail))?.smsOptOut) {
      await tx.log.add(group.id, t, "notify", `${who} texted STOP, so no SMS tells them it was held back.`);
      return null;
    }
    if ((await tx.rateSlots.claimAfter(`held-notice:${phone}`, t, limits.windowSeconds * 1000)) > 0) return null;
    const notice: PageRecord = {
      id: newId(),
      groupId: group.id,
      dedupeKey: `${page.id}:held-back-notice`,
      userEmail: page.userEmail,
      channel: "sms",
      important: true,
      state: "sending",
      attempts: 1,
      error: null,
      externalRef: null,
      phone,
      sentAt: t,
      ladderKey: null,
      createdAt: t,
      updatedAt: t,
    };
    if (!(await tx.pages.insertIfNew(notice))) return null;
    const text = heldBackSmsText({ number: group.number, title: group.title, channel, inWindow, window: formatDuration(limits.windowSeconds) });
    return { notice, text, who };
  }

  /** Sends the held-back notice claimed by {@link heldBackNotice}; its outcome is logged either way. */
  async function sendNotice(notice: PageRecord, text: string, who: string): Promise<void> {
    let outcome: { state: PageState; ref?: string; error?: string; log: string; kind: string };
    const masked = maskPhone(notice.phone ?? "");
    try {
      const sent = await deps.twilio!.sendSms(notice.phone!, text, { statusCallback: deps.callbacks.smsStatus(notice.id) });
      outcome = { state: "sent", ref: sent.sid, log: `Texted ${who} (${masked}) that a page was held back by the limit.`, kind: "notified" };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      outcome = { state: "failed", error: message, log: `Could not text ${who} (${masked}) that a page was held back: ${message}.`, kind: "notify_failed" };
    }
    await store.transaction(async (tx) => {
      const t = now();
      await tx.pages.update(notice.id, { state: outcome.state, error: outcome.error, externalRef: outcome.ref, updatedAt: t });
      await tx.log.add(notice.groupId, t, outcome.kind, outcome.log);
      await requestSlackSync(tx, notice.groupId, t);
    });
  }

  async function slackDm(page: PageRecord, group: AlertGroupRecord, recent: StoredAlert[], who: string, responder: boolean): Promise<Outcome> {
    const dm = deps.directMessages;
    let user: Awaited<ReturnType<typeof dm.findRecipient>>;
    try {
      user = await dm.findRecipient(page.userEmail);
    } catch (error) {
      // Finding the person sends nothing: whatever went wrong, the DM may be tried again.
      throw new NothingSent(error);
    }
    try {
      if (!user) return { state: "failed", error: "no Slack user with this email", log: `Could not DM ${who}: no Slack user has the email ${page.userEmail}.`, kind: "notify_failed" };
      const ref = await dm.sendPage(user, {
        group,
        recent,
        integrationType: types.get(group.integration) ?? "direct",
        templates: templates.get(group.integration),
        warn,
        timezone: user.tz ?? config.timezone,
        important: page.important,
        responder,
      });
      return { state: "sent", externalRef: ref, log: `Sent a Slack DM to ${who}.` };
    } catch (error) {
      const retryAfterMs = dm.retryAfterMs(error);
      if (retryAfterMs !== null) throw new NothingSent(error, retryAfterMs);
      const message = error instanceof Error ? error.message : String(error);
      return { state: "failed", error: message, log: `Could not DM ${who}: ${message}.`, kind: "notify_failed" };
    }
  }

  /** The SMS page: the integration's `sms` template when it has one and it renders, else the default text. */
  function smsBody(page: PageRecord, group: AlertGroupRecord, recent: StoredAlert[]): string {
    const input = { group, alerts: recent, integrationType: types.get(group.integration) ?? "direct" };
    return pageSmsBody(templates.get(group.integration), input, page.important, warn);
  }

  async function phone(page: PageRecord, group: AlertGroupRecord, recent: StoredAlert[], who: string): Promise<Outcome> {
    if (!deps.twilio || !page.phone) return { state: "failed", error: "no phone channel", log: `Could not reach ${who} by ${page.channel}: no phone number or Twilio.`, kind: "notify_failed" };
    try {
      if (page.channel === "sms") {
        const body = smsBody(page, group, recent);
        const sent = await deps.twilio.sendSms(page.phone, body, { statusCallback: deps.callbacks.smsStatus(page.id) });
        return { state: "sent", externalRef: sent.sid, log: `Sent an SMS to ${who}.` };
      }
      const call = await deps.twilio.startCall(page.phone, {
        twimlUrl: deps.callbacks.callAnswer(page.id),
        statusCallback: deps.callbacks.callStatus(page.id),
        timeoutSeconds: 30,
        // A voicemail box gets a short message instead of the menu (see answerTwiml).
        machineDetection: "DetectMessageEnd",
      });
      return { state: "sent", externalRef: call.sid, log: `Calling ${who}.` };
    } catch (error) {
      if (error instanceof TwilioApiError && error.notSent && error.retryAfterMs !== null) throw new NothingSent(error, error.retryAfterMs);
      const what = page.channel === "sms" ? "SMS" : "call";
      const ambiguous = error instanceof TwilioApiError && !error.notSent;
      // Twilio's errors may name the number ("The 'To' number +1… is not valid"): thread text shows only its last digits.
      const message = maskPhoneNumbers(error instanceof Error ? error.message : String(error));
      return {
        state: "failed",
        error: message,
        log: ambiguous ? `${what} to ${who} may not have gone out (${message}); not retried, to never page twice.` : `Could not send a ${what} to ${who}: ${message}.`,
        kind: "notify_failed",
      };
    }
  }

  return async (payload: Record<string, unknown>): Promise<void> => {
    const claimed = await claim(String(payload.pageId));
    if (!claimed) return;
    if (claimed.type === "notice") return sendNotice(claimed.notice, claimed.text, claimed.who);
    const { page, group, recent, responder, claimedAt } = claimed;
    const who = names.get(page.userEmail) ?? page.userEmail;
    let outcome: Outcome;
    try {
      outcome = page.channel === "slack_dm" ? await slackDm(page, group, recent, who, responder) : await phone(page, group, recent, who);
    } catch (error) {
      if (!(error instanceof NothingSent)) throw error;
      // The provider did nothing (rate limited, or Slack could not even say who the person is):
      // the page goes back to pending and is tried again when the provider allows, not sooner.
      const t = now();
      if (page.attempts < MAX_SEND_ATTEMPTS[page.channel]) {
        const delay = Math.max(error.retryAfterMs ?? 0, Math.min(1000 * 2 ** page.attempts, 60_000));
        await store.transaction(async (tx) => {
          await tx.pages.update(page.id, { state: "pending", error: error.message, updatedAt: t });
          await tx.jobs.add({ task: "notify.page", payload: { pageId: page.id }, runAt: new Date(t + delay), maxAttempts: 1, precise: true });
        });
        deps.onOutcome?.({ channel: page.channel, outcome: "retried", alertToFirstPageMs: null });
        return;
      }
      outcome = { state: "failed", error: error.message, log: `Gave up reaching ${who} after ${page.attempts} tries: ${error.message}.`, kind: "notify_failed" };
    }
    const firstAfterMs = await store.transaction(async (tx) => {
      const t = now();
      // A key pressed on the call before this commit (Twilio was fast) already marked it answered: keep that.
      await tx.pages.update(page.id, { state: outcome.state, error: outcome.error, externalRef: outcome.externalRef, updatedAt: t }, { unlessState: "answered" });
      if (outcome.state === "failed" && page.channel === "call") await deps.onCallFailed?.(tx, page, t);
      if (outcome.log) {
        await tx.log.add(group.id, t, outcome.kind ?? "notified", outcome.log);
        await requestSlackSync(tx, group.id, t);
      }
      const first = outcome.state === "sent" && !(await tx.pages.wentOutBefore(group.id, page.id, claimedAt));
      return first ? t - group.createdAt : null;
    });
    deps.onOutcome?.({ channel: page.channel, outcome: outcome.state === "sent" ? "sent" : "failed", alertToFirstPageMs: firstAfterMs });
  };
}
