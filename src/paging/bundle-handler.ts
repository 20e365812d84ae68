import { requestSlackSync } from "../alerts/request-slack-sync.js";
import type { Config } from "../config/config-types.js";
import { decideThrottle } from "../notify/ladder/throttle.js";
import { bundleSmsText } from "../notify/twilio/sms-reply.js";
import type { TwilioApi } from "../notify/twilio/twilio-api.js";
import type { Store } from "../store/store.js";
import { maskPhone, maskPhoneNumbers } from "../shared/redact.js";

/**
 * Job `paging.bundle`: once a number's SMS window has room again, every text that
 * was held back for it goes out as ONE "N more alerts" message. An alert storm
 * therefore costs a person a bounded number of texts.
 */
export function makeBundleHandler(store: Store, twilio: TwilioApi | null, config: Config, now: () => number = Date.now) {
  const limits = config.paging;
  return async (payload: Record<string, unknown>): Promise<void> => {
    const phone = String(payload.phone);
    if (!twilio) return;
    const claimed = await store.transaction(async (tx) => {
      const t = now();
      const held = await tx.pages.heldBackSms(phone, 10_000);
      if (held.length === 0) return null;
      const sent = await tx.pages.sentToPhoneSince(phone, "sms", t - limits.windowSeconds * 1000);
      const decision = decideThrottle(sent, limits.smsPerWindow, limits.windowSeconds, t);
      if (!decision.allow) {
        await tx.jobs.add({ task: "paging.bundle", payload: { phone }, jobKey: `bundle:${phone}`, runAt: new Date(decision.bundleAt), maxAttempts: 3 });
        return null;
      }
      // The newest held page carries the bundle (its sent_at counts against the limit); the rest are marked bundled.
      const [carrier, ...rest] = held;
      await tx.pages.update(carrier!.id, { state: "sending", sentAt: t, updatedAt: t });
      for (const p of rest) await tx.pages.update(p.id, { state: "sent", externalRef: `bundled:${carrier!.id}`, updatedAt: t });
      return { carrier: carrier!, count: held.length, numbers: held.map((h) => h.groupNumber), groups: [...new Set(held.map((h) => h.groupId))] };
    });
    if (!claimed) return;
    let outcome: { state: "sent" | "failed"; ref?: string; error?: string };
    try {
      const sent = await twilio.sendSms(phone, bundleSmsText(claimed.count, claimed.numbers));
      outcome = { state: "sent", ref: sent.sid };
    } catch (error) {
      outcome = { state: "failed", error: (error as Error).message };
    }
    await store.transaction(async (tx) => {
      const t = now();
      await tx.pages.update(claimed.carrier.id, { state: outcome.state, externalRef: outcome.ref, error: outcome.error, updatedAt: t });
      for (const g of claimed.groups.slice(0, 50)) {
        await tx.log.add(g, t, "notify", outcome.state === "sent" ? `Bundled ${claimed.count} held-back texts to ${maskPhone(phone)} into one SMS.` : `The bundled SMS to ${maskPhone(phone)} failed: ${maskPhoneNumbers(outcome.error ?? "")}.`);
        await requestSlackSync(tx, g, t);
      }
    });
  };
}
