import type { IncomingMessage, ServerResponse } from "node:http";
import type { GuardedGroupActions } from "../access/guarded-group-actions.js";
import { phonePrincipal, type Principal } from "../access/principal.js";
import { recordAudit } from "../access/record-audit.js";
import type { GroupAction } from "../alerts/group-actions.js";
import { requestSlackSync } from "../alerts/request-slack-sync.js";
import type { Config } from "../config/config-types.js";
import type { Metrics } from "./metrics.js";
import { BodyTooLargeError, readBody } from "./read-body.js";
import { sendText } from "./send.js";
import { callEnd, callEndLogText, FINAL_CALL_STATUSES, isMenuKey, keypressLogText } from "../notify/twilio/call-answer.js";
import { parseSmsReply, smsReplyText, type SmsAction, type SmsReplyOutcome } from "../notify/twilio/sms-reply.js";
import { parseTwilioForm, verifyTwilioSignature } from "../notify/twilio/verify-signature.js";
import { answerTwiml, escapeXml, gatherResultTwiml, hangupTwiml, voiceDigit, type GatherOutcome, type PageCallInput } from "../notify/twilio/voice-twiml.js";
import type { AlertGroupRecord } from "../store/repositories/alert-group-record.js";
import type { PageRecord } from "../store/repositories/pages-repository.js";
import type { Store } from "../store/store.js";
import type { createLadderPager } from "../paging/ladder-pager.js";
import { parseLadderKey } from "../paging/ladder-key.js";
import { isResponderPage, ladderMaySend } from "../paging/ladder-may-send.js";
import { maskPhone } from "../shared/redact.js";
import { templatedText } from "../templates/render-template.js";

/** At most this many passive answers (help, unknown text) per number per hour: no reply loops with auto-responders. */
const PASSIVE_ANSWERS_PER_HOUR = 3;
const SMS_ACTIONS: Record<SmsAction, GroupAction> = { ack: "acknowledge", resolve: "resolve", escalate: "escalate" };
const TWIML = "text/xml; charset=utf-8";

export interface TwilioRouteDeps {
  config: Config;
  store: Store;
  /** Answers by SMS and keypress act as the owner of the number, under the same access rules as Slack. */
  guarded: GuardedGroupActions;
  /** The access rules' Slack user groups a calpage user is in. */
  userGroupsOf: (email: string) => Promise<ReadonlySet<string>>;
  pager: ReturnType<typeof createLadderPager>;
  metrics: Metrics;
  log: (line: string) => void;
  now: () => number;
}

/**
 * Twilio's callbacks under /twilio/: call TwiML, keypresses, call and SMS status,
 * inbound SMS. Every request must carry a valid X-Twilio-Signature for
 * PUBLIC_URL + path; anything else gets 403 and changes nothing.
 */
export function createTwilioRoutes(deps: TwilioRouteDeps) {
  const { config, store, now } = deps;
  const authToken = config.env.twilio.authToken;
  const base = config.env.publicUrl.replace(/\/$/, "");
  const refused = deps.metrics.counter("calpage_twilio_callbacks_refused_total", "Twilio callbacks refused for a bad signature.", []);
  const usersByPhone = () => new Map(config.users.filter((u) => u.phone).map((u) => [u.phone!, u]));

  const nameOf = (email: string) => config.users.find((u) => u.email === email)?.name ?? email;
  const ownerOf = async (email: string): Promise<Principal> => {
    const u = config.users.find((x) => x.email === email);
    const groups = await deps.userGroupsOf(email).catch(() => new Set<string>());
    return phonePrincipal(email, u?.name ?? email, u?.slackId ?? u?.name ?? email, groups);
  };
  const templates = new Map(config.integrations.map((i) => [i.name, i.templates]));
  const types = new Map(config.integrations.map((i) => [i.name, i.type]));
  /** What the call says; the integration's `voice` template, when it has one and it renders, replaces the description. */
  const callInput = async (g: AlertGroupRecord, pageId: string): Promise<PageCallInput> => {
    const voice = templates.get(g.integration)?.voice;
    const input = voice === undefined ? null : { group: g, alerts: await store.read.alerts.recent(g.id, 5), integrationType: types.get(g.integration) ?? "direct" };
    const spoken = input === null ? undefined : templatedText(templates.get(g.integration), "voice", input, deps.log);
    return {
      number: g.number,
      title: g.title,
      severity: g.severity,
      alertCount: g.alertCount,
      firingCount: g.firingCount,
      truncatedAlerts: g.truncatedAlerts,
      gatherUrl: `${base}/twilio/voice/gather?page=${encodeURIComponent(pageId)}`,
      ...(spoken !== undefined ? { spoken } : {}),
    };
  };

  async function pageAndGroup(pageId: string | null): Promise<{ page: PageRecord; group: AlertGroupRecord } | null> {
    if (!pageId) return null;
    const page = await store.read.pages.get(pageId);
    const group = page ? await store.read.groups.get(page.groupId) : null;
    return page && group ? { page, group } : null;
  }

  async function gather(pageId: string | null, digits: string): Promise<string> {
    const found = await pageAndGroup(pageId);
    if (!found) return gatherResultTwiml({ type: "unknown" });
    const { page, group } = found;
    const call = await callInput(group, page.id);
    if (digits === "") return gatherResultTwiml({ type: "no_input", call });
    const action = voiceDigit(digits);
    if (isMenuKey(digits)) await markAnswered(page.id, digits);
    if (action === "repeat") return gatherResultTwiml({ type: "repeat", call });
    if (action === "invalid") return gatherResultTwiml({ type: "invalid", call });
    const groupAction: GroupAction = action === "ack" ? "acknowledge" : action;
    const result = await deps.guarded(await ownerOf(page.userEmail), "voice", group.id, groupAction, now());
    let outcome: GatherOutcome;
    if (result.ok) outcome = { type: "done", action, number: group.number };
    else if (group.state !== "firing") outcome = { type: "already", number: group.number, state: group.state };
    else outcome = { type: "failed", number: group.number };
    return gatherResultTwiml(outcome);
  }

  /** A menu key was pressed: a human is on the line, so the call counts as answered when it ends. */
  async function markAnswered(pageId: string, digits: string): Promise<void> {
    await store.transaction(async (tx) => {
      const page = await tx.pages.get(pageId, { lock: true });
      if (!page || page.channel !== "call" || page.state === "answered") return;
      const t = now();
      await tx.pages.update(page.id, { state: "answered", error: null, updatedAt: t });
      await tx.log.add(page.groupId, t, "notified", keypressLogText(nameOf(page.userEmail), digits));
      await requestSlackSync(tx, page.groupId, t);
    });
  }

  async function callStatus(pageId: string | null, status: string): Promise<void> {
    if (!pageId || !FINAL_CALL_STATUSES.has(status)) return;
    await store.transaction(async (tx) => {
      const page = await tx.pages.get(pageId, { lock: true });
      if (!page || page.channel !== "call") return;
      // Only a menu key answers a call: `completed` alone may be voicemail or a hang-up.
      const end = callEnd(status, page.state === "answered");
      if (!end) return;
      const t = now();
      if (!end.answered) {
        await tx.pages.update(page.id, { state: "failed", error: end.reason === "no_keypress" ? "call completed without a keypress" : `call ${status}`, updatedAt: t });
      }
      const groupState = !end.answered && end.reason === "no_keypress" ? (await tx.groups.get(page.groupId))?.state : undefined;
      const line = callEndLogText(nameOf(page.userEmail), end, groupState);
      if (line) {
        await tx.log.add(page.groupId, t, "notify_failed", line);
        await requestSlackSync(tx, page.groupId, t);
      }
      const run = await tx.ladderRuns.get(page.groupId, page.userEmail, { lock: true });
      const key = parseLadderKey(page.ladderKey);
      if (run && key && key.run === run.state.run) {
        await deps.pager.apply(tx, run, { type: "call_result", rung: key.rung, attempt: key.attempt, answered: end.answered }, t);
      }
    });
  }

  async function smsStatus(pageId: string | null, status: string): Promise<void> {
    if (!pageId || !["delivered", "failed", "undelivered"].includes(status)) return;
    await store.transaction(async (tx) => {
      const page = await tx.pages.get(pageId, { lock: true });
      if (!page || page.channel !== "sms") return;
      const t = now();
      if (status === "delivered") return tx.pages.update(page.id, { state: "delivered", updatedAt: t });
      await tx.pages.update(page.id, { state: "failed", error: `SMS ${status}`, updatedAt: t });
      await tx.log.add(page.groupId, t, "notify_failed", `The SMS to ${page.phone ? maskPhone(page.phone) : "the phone"} was ${status}.`);
    });
  }

  async function inboundSms(from: string, body: string): Promise<string | null> {
    const t = now();
    const settings = await store.read.userSettings.findByPhone(from);
    const emails = new Set([...settings.filter((s) => s.phone === from).map((s) => s.email)]);
    const configured = usersByPhone().get(from);
    if (configured) emails.add(configured.email);
    if (emails.size === 0) return null; // A number calpage does not know: never answer (no loops with strangers' bots).
    const newestGroup = await store.read.pages.newestGroupForPhone(from);
    const newest = newestGroup ? await store.read.groups.get(newestGroup) : null;
    const reply = parseSmsReply(body, newest?.number ?? null);
    let outcome: SmsReplyOutcome;
    let passive = false;
    switch (reply.type) {
      case "action": {
        const g = await store.read.groups.getByNumber(reply.number);
        const paged = g ? (await store.read.pages.listForGroup(g.id)).some((p) => p.phone === from) : false;
        if (!g || !paged) {
          outcome = { type: "unknown_group", number: reply.number };
          passive = true;
          break;
        }
        const email = [...emails][0]!;
        const r = await deps.guarded(await ownerOf(email), "sms", g.id, SMS_ACTIONS[reply.action], t);
        if (r.ok) outcome = { type: "done", action: reply.action, number: g.number, title: g.title };
        else if (g.state !== "firing") outcome = { type: "already", action: reply.action, number: g.number, state: g.state };
        else outcome = { type: "failed", action: reply.action, number: g.number };
        break;
      }
      case "no_recent_page":
        outcome = { type: "no_recent_page", action: reply.action };
        passive = true;
        break;
      case "stop":
        await store.transaction(async (tx) => {
          for (const email of emails) await tx.userSettings.upsert(email, { smsOptOut: true }, t);
        });
        for (const email of emails) await recordAudit(store, await ownerOf(email), "sms", "settings: SMS opt-out (STOP)", "own settings", "done", null, t);
        outcome = { type: "stopped" };
        break;
      case "start":
        await store.transaction(async (tx) => {
          for (const email of emails) await tx.userSettings.upsert(email, { smsOptOut: false }, t);
        });
        for (const email of emails) await recordAudit(store, await ownerOf(email), "sms", "settings: SMS opt-in (START)", "own settings", "done", null, t);
        outcome = { type: "started" };
        break;
      case "help":
        outcome = { type: "help" };
        passive = true;
        break;
      default:
        outcome = { type: "unknown", text: reply.text };
        passive = true;
    }
    const text = smsReplyText(outcome);
    if (!text) return null;
    if (passive) {
      const allowed = await store.transaction(async (tx) => {
        if ((await tx.smsAnswers.countSince(from, t - 3_600_000)) >= PASSIVE_ANSWERS_PER_HOUR) return false;
        await tx.smsAnswers.add(from, t);
        return true;
      });
      if (!allowed) return null;
    }
    return text;
  }

  return async function handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
    if (!path.startsWith("/twilio/")) return false;
    if (req.method !== "POST") {
      sendText(res, 405, "Twilio callbacks are POSTs.\n");
      return true;
    }
    let raw: string;
    try {
      raw = (await readBody(req, 64 * 1024)).toString("utf8");
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        sendText(res, 413, "too large\n");
        return true;
      }
      throw error;
    }
    const params = parseTwilioForm(raw);
    const signature = req.headers["x-twilio-signature"];
    const url = `${base}${req.url ?? path}`;
    if (!authToken || !verifyTwilioSignature({ authToken, url, params, signature: Array.isArray(signature) ? signature[0] : signature })) {
      refused();
      deps.log(`twilio: refused ${path} (bad or missing X-Twilio-Signature for ${url})`);
      sendText(res, 403, "invalid signature\n");
      return true;
    }
    const field = (name: string) => {
      const v = params[name];
      return (Array.isArray(v) ? v[0] : v) ?? "";
    };
    const pageId = new URL(url).searchParams.get("page");
    switch (path) {
      case "/twilio/voice/answer": {
        const found = await pageAndGroup(pageId);
        // The menu while the call's page may still go out: the group fires (or, for a responder request, is acknowledged).
        const live = found !== null && ladderMaySend(found.group.state, isResponderPage(await store.read.ladderRuns.get(found.group.id, found.page.userEmail), found.page.ladderKey));
        sendText(res, 200, found && live ? answerTwiml(await callInput(found.group, found.page.id), field("AnsweredBy")) : hangupTwiml(), TWIML);
        return true;
      }
      case "/twilio/voice/gather":
        sendText(res, 200, await gather(pageId, field("Digits")), TWIML);
        return true;
      case "/twilio/voice/status":
        await callStatus(pageId, field("CallStatus"));
        sendText(res, 204, "");
        return true;
      case "/twilio/sms/status":
        await smsStatus(pageId, field("MessageStatus") || field("SmsStatus"));
        sendText(res, 204, "");
        return true;
      case "/twilio/sms/inbound": {
        const text = await inboundSms(field("From"), field("Body"));
        sendText(res, 200, text ? `<?xml version="1.0" encoding="UTF-8"?><Response><Message>${escapeXml(text)}</Message></Response>` : `<?xml version="1.0" encoding="UTF-8"?><Response/>`, TWIML);
        return true;
      }
      default:
        sendText(res, 404, "no such Twilio callback\n");
        return true;
    }
  };
}
