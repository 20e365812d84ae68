import type { Config, LadderStep, NotificationRules } from "../../config/config-types.js";
import { ladderOverLimits, ladderOverLimitText } from "../../notify/ladder/ladder-limits.js";
import { TwilioApiError, type TwilioApi } from "../../notify/twilio/twilio-api.js";
import type { UserSettingsRecord } from "../../store/repositories/user-settings-repository.js";
import type { Store, Tx } from "../../store/store.js";
import { configuredZones, type PersonZone, type PersonZones } from "../person-zones.js";
import { parseQuietHours, quietHoursAt, type QuietHours, type QuietNow } from "../quiet-hours.js";
import { needsPhone, parseLadderText, sameLadder } from "./ladder-text.js";
import { maskPhone, parsePhoneNumber } from "./phone-number.js";
import {
  CODE_SPACING_MS,
  CODE_TTL_MS,
  MAX_CODE_ATTEMPTS,
  hashVerificationCode,
  newVerificationCode,
  normaliseCode,
  verificationCodeMatches,
  verificationSmsText,
} from "./verification-code.js";

export type Ladder = keyof NotificationRules;
export type Source = "slack" | "config";

/** A person's notification settings as they are in force now, and where each part comes from. */
export interface MySettings {
  email: string;
  name: string;
  /** The phone calpage pages: verified in Slack, else calpage.yaml's; null = none. */
  phone: string | null;
  phoneSource: Source | null;
  /** calpage.yaml's number (used again after `/oncall me phone remove`). */
  configPhone: string | null;
  /** A number waiting for its code (only while the code is still valid). */
  pending: { phone: string; expiresAt: number; attemptsLeft: number } | null;
  rules: NotificationRules;
  ruleSources: Record<Ladder, Source>;
  /** The person texted STOP: SMS steps are skipped. */
  smsOptOut: boolean;
  /** Shift reminders (ms before each shift; [] = off); null = each schedule's. */
  reminders: number[] | null;
  /** Twilio is configured, so numbers can be verified and SMS/call steps work. */
  phoneEnabled: boolean;
  /** Twilio's sender number (to text START to). */
  smsFrom: string | null;
  /** What the per-number paging limits would hold back of each ladder, in words; left out = nothing. */
  limitNotes?: string[];
  /** The person's time zone and where it comes from (quiet hours are in it). */
  zone: PersonZone;
  /** Quiet hours set with `/oncall me quiet`; null = none. */
  quiet: QuietHours | null;
  /** Set when the quiet hours are in force now. */
  quietNow: QuietNow | null;
}

export type QuietResult = { ok: true; me: MySettings } | { ok: false; message: string };

export type PhoneChangeResult =
  | { ok: true; phone: string; expiresAt: number }
  | { ok: false; reason: "invalid" | "no_twilio" | "same" | "too_soon" | "send_failed"; message: string };

export type VerifyResult =
  | { ok: true; phone: string }
  | { ok: false; reason: "bad_format" | "nothing_pending" | "expired" | "wrong" | "dropped"; message: string };

export type RulesResult = { ok: true; rules: NotificationRules; warnings: string[] } | { ok: false; errors: Partial<Record<Ladder, string[]>> };

export interface UserSettingsDeps {
  store: Store;
  config: Config;
  /** null: Twilio is not configured, numbers cannot be verified. */
  twilio: TwilioApi | null;
  now: () => number;
  log: (line: string) => void;
  /** For tests; default six cryptographically random digits. */
  newCode?: () => string;
  /** People's time zones; default calpage.yaml's (the user's `timezone`, else the top-level one). */
  zones?: PersonZones;
}

/**
 * What people change about how they are paged, from Slack: their phone number (used only
 * once a code sent to it by SMS is typed back) and their default and important ladders.
 * The pager reads the same `user_settings` row (see effective-contact.ts), so a change is
 * in force for the next page.
 */
export function createUserSettingsService(deps: UserSettingsDeps) {
  const { store, config, twilio, now, log } = deps;
  const newCode = deps.newCode ?? newVerificationCode;
  const zones: PersonZones = deps.zones ?? configuredZones(config);
  const usersByEmail = new Map(config.users.map((u) => [u.email, u]));
  const configRules = (email: string): NotificationRules => usersByEmail.get(email)?.notificationRules ?? config.notificationRules;
  const configPhone = (email: string) => usersByEmail.get(email)?.phone ?? null;

  function view(email: string, s: UserSettingsRecord | null, t: number): MySettings {
    const fromConfig = configRules(email);
    const rules = s?.rules ?? fromConfig;
    const source = (k: Ladder): Source => (s?.rules && !sameLadder(s.rules[k], fromConfig[k]) ? "slack" : "config");
    const pendingValid = s?.pendingPhone && s.codeHash && s.codeExpiresAt !== null && s.codeExpiresAt > t;
    const zone = zones.zoneOf(email);
    const quiet = s?.quietFrom && s.quietTo ? { from: s.quietFrom, to: s.quietTo } : null;
    return {
      email,
      name: usersByEmail.get(email)?.name ?? email,
      phone: s?.phone ?? configPhone(email),
      phoneSource: s?.phone ? "slack" : configPhone(email) ? "config" : null,
      configPhone: configPhone(email),
      pending: pendingValid ? { phone: s.pendingPhone!, expiresAt: s.codeExpiresAt!, attemptsLeft: Math.max(0, MAX_CODE_ATTEMPTS - s.codeAttempts) } : null,
      rules,
      ruleSources: { default: source("default"), important: source("important") },
      smsOptOut: s?.smsOptOut ?? false,
      reminders: s?.reminders ?? null,
      phoneEnabled: twilio !== null,
      smsFrom: config.env.twilio.fromNumber,
      limitNotes: limitNotes(rules, ["default", "important"]),
      zone,
      quiet,
      quietNow: quietHoursAt(quiet, zone.zone, t),
    };
  }

  /** The per-number limits (`paging` in calpage.yaml) against the given ladders: what they would hold back. */
  function limitNotes(rules: NotificationRules, ladders: readonly Ladder[]): string[] {
    return ladders.flatMap((k) => ladderOverLimits(rules[k], config.paging).map((o) => `Your ${k} ladder: ${ladderOverLimitText(o)}.`));
  }

  const clearPending = { pendingPhone: null, codeHash: null, codeExpiresAt: null, codeAttempts: 0 } as const;

  /** Ladder warnings that do not stop a save: steps that will be skipped for now. */
  function warningsFor(steps: readonly LadderStep[], me: MySettings): string[] {
    const out: string[] = [];
    if (!needsPhone(steps)) return out;
    if (!me.phoneEnabled) out.push("Twilio is not configured in calpage, so SMS and call steps are skipped until it is.");
    if (steps.some((s) => s.type === "sms") && me.smsOptOut) {
      out.push(`You replied STOP to calpage's texts, so SMS steps are skipped; text START${me.smsFrom ? ` to ${me.smsFrom}` : ""} to get texts again.`);
    }
    return out;
  }

  /** Saves `next` (null when both ladders equal calpage.yaml's, so later edits of the file apply again). */
  async function saveRules(tx: Tx, email: string, next: NotificationRules, t: number): Promise<void> {
    const fromConfig = configRules(email);
    const same = sameLadder(next.default, fromConfig.default) && sameLadder(next.important, fromConfig.important);
    await tx.userSettings.upsert(email, { rules: same ? null : next }, t);
  }

  async function get(email: string): Promise<MySettings> {
    // Shown to the person: their zone as Slack says it (asked only when it is not known or is an hour old).
    await zones.load?.([email]);
    return view(email, await store.read.userSettings.get(email), now());
  }

  return {
    isUser: (email: string) => usersByEmail.has(email),
    get,

    /** Stores a code for `rawPhone` (hashed, 10 minutes, 5 tries) and texts it there. The number is not used until verified. */
    async requestPhoneChange(email: string, rawPhone: string): Promise<PhoneChangeResult> {
      const parsed = parsePhoneNumber(rawPhone);
      if (!parsed.ok) return { ok: false, reason: "invalid", message: parsed.message };
      if (!twilio) {
        return {
          ok: false,
          reason: "no_twilio",
          message: "Phone numbers cannot be verified: Twilio is not configured in calpage, so no code can be texted. Ask whoever runs calpage to set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER, or to put your number in calpage.yaml.",
        };
      }
      const phone = parsed.phone;
      const t = now();
      const code = newCode();
      const codeHash = hashVerificationCode(email, phone, code);
      const refused = await store.transaction(async (tx): Promise<PhoneChangeResult | null> => {
        const s = await tx.userSettings.get(email, { lock: true });
        if ((s?.phone ?? configPhone(email)) === phone) {
          if (s?.pendingPhone) await tx.userSettings.upsert(email, clearPending, t);
          return { ok: false, reason: "same", message: `${maskPhone(phone)} is already the number calpage uses for you.` };
        }
        // One code per person and per number every 30s: nobody can use calpage to flood a phone with texts.
        for (const key of [`verify-code:${email}`, `verify-code-to:${phone}`]) {
          const slot = await tx.rateSlots.reserve(key, t, CODE_SPACING_MS);
          if (slot > t) {
            await tx.rateSlots.release(key, slot, CODE_SPACING_MS);
            return { ok: false, reason: "too_soon", message: `A code was sent moments ago; wait ${Math.ceil((slot - t) / 1000)}s before asking for another one.` };
          }
        }
        await tx.userSettings.upsert(email, { pendingPhone: phone, codeHash, codeExpiresAt: t + CODE_TTL_MS, codeAttempts: 0 }, t);
        return null;
      });
      if (refused) return refused;
      try {
        await twilio.sendSms(phone, verificationSmsText(code));
      } catch (error) {
        const e = error instanceof TwilioApiError ? error : null;
        // Twilio certainly sent nothing: forget the code so the Home tab does not show a number waiting for it.
        if (e?.notSent) {
          await store.transaction(async (tx) => {
            const s = await tx.userSettings.get(email, { lock: true });
            if (s?.codeHash === codeHash) await tx.userSettings.upsert(email, clearPending, now());
          });
        }
        log(`me: could not text a verification code to ${maskPhone(phone)} for ${email}: ${error instanceof Error ? error.message : String(error)}`);
        const message =
          e?.code === 21610
            ? `${maskPhone(phone)} has replied STOP to calpage's number, so Twilio will not text it. Text START${config.env.twilio.fromNumber ? ` to ${config.env.twilio.fromNumber}` : ""} from that phone, then try again.`
            : e?.code === 21211 || e?.code === 21614
              ? `Twilio says ${maskPhone(phone)} is not a number it can text. Check the number and try again.`
              : "The code could not be sent by SMS (Twilio did not accept it). Try again in a minute.";
        return { ok: false, reason: "send_failed", message };
      }
      log(`me: texted a verification code to ${maskPhone(phone)} for ${email}`);
      return { ok: true, phone, expiresAt: t + CODE_TTL_MS };
    },

    /** Checks a code against the pending number: on success that number is the one paged from now on. */
    async verify(email: string, rawCode: string): Promise<VerifyResult> {
      const code = normaliseCode(rawCode);
      if (code === null) return { ok: false, reason: "bad_format", message: "The code is the 6 digits in the SMS calpage sent you." };
      const t = now();
      return store.transaction(async (tx): Promise<VerifyResult> => {
        const s = await tx.userSettings.get(email, { lock: true });
        if (!s?.pendingPhone || !s.codeHash || s.codeExpiresAt === null) {
          return { ok: false, reason: "nothing_pending", message: "No number is waiting for a code. Start with `/oncall me phone +4915112345678`." };
        }
        const masked = maskPhone(s.pendingPhone);
        if (t >= s.codeExpiresAt) {
          await tx.userSettings.upsert(email, clearPending, t);
          return { ok: false, reason: "expired", message: `That code has expired (codes last ${CODE_TTL_MS / 60_000} minutes). Ask for a new one with \`/oncall me phone <number>\`.` };
        }
        if (!verificationCodeMatches(s.codeHash, email, s.pendingPhone, code)) {
          const attempts = s.codeAttempts + 1;
          if (attempts >= MAX_CODE_ATTEMPTS) {
            await tx.userSettings.upsert(email, clearPending, t);
            return { ok: false, reason: "dropped", message: `Wrong code, ${MAX_CODE_ATTEMPTS} times: ${masked} was dropped and is not used. Ask for a new code with \`/oncall me phone <number>\`.` };
          }
          await tx.userSettings.upsert(email, { codeAttempts: attempts }, t);
          const left = MAX_CODE_ATTEMPTS - attempts;
          return { ok: false, reason: "wrong", message: `Wrong code; ${left} tr${left === 1 ? "y" : "ies"} left.` };
        }
        // The code arrived, so the number takes texts again even if an old one had replied STOP.
        await tx.userSettings.upsert(email, { ...clearPending, phone: s.pendingPhone, phoneVerifiedAt: t, smsOptOut: false }, t);
        log(`me: ${email} verified ${masked}`);
        return { ok: true, phone: s.pendingPhone };
      });
    },

    /** Drops the number set in Slack (and any pending one): calpage.yaml's number applies again. */
    async removePhone(email: string): Promise<{ changed: boolean; me: MySettings }> {
      const t = now();
      const changed = await store.transaction(async (tx) => {
        const s = await tx.userSettings.get(email, { lock: true });
        if (!s?.phone && !s?.pendingPhone) return false;
        await tx.userSettings.upsert(email, { ...clearPending, phone: null, phoneVerifiedAt: null }, t);
        return true;
      });
      return { changed, me: await get(email) };
    },

    /** Replaces the given ladders (text form), checked like calpage.yaml; the others stay as they are. */
    async setRules(email: string, texts: Partial<Record<Ladder, string>>): Promise<RulesResult> {
      const me = await get(email);
      const errors: Partial<Record<Ladder, string[]>> = {};
      const next: NotificationRules = { ...me.rules };
      for (const k of ["default", "important"] as const) {
        const text = texts[k];
        if (text === undefined) continue;
        const r = parseLadderText(text, { hasPhone: me.phone !== null });
        if (r.ok) next[k] = r.steps;
        else errors[k] = r.errors;
      }
      if (Object.keys(errors).length > 0) return { ok: false, errors };
      const t = now();
      await store.transaction(async (tx) => {
        const s = await tx.userSettings.get(email, { lock: true });
        // Re-read under the lock: keep a ladder that changed meanwhile and was not part of this edit.
        const current = s?.rules ?? configRules(email);
        const merged: NotificationRules = {
          default: texts.default !== undefined ? next.default : current.default,
          important: texts.important !== undefined ? next.important : current.important,
        };
        await saveRules(tx, email, merged, t);
      });
      const saved = await get(email);
      const changed = (["default", "important"] as const).filter((k) => texts[k] !== undefined);
      return { ok: true, rules: saved.rules, warnings: [...new Set(changed.flatMap((k) => warningsFor(saved.rules[k], saved))), ...limitNotes(saved.rules, changed)] };
    },

    /**
     * Sets quiet hours (`22:00-07:00`, local time in the person's zone) or removes them (`off`):
     * from the next rung on, normal pages skip SMS and calls during them.
     */
    async setQuietHours(email: string, text: string): Promise<QuietResult> {
      const parsed = parseQuietHours(text);
      if (!parsed.ok) return { ok: false, message: parsed.errors.join(" ") };
      const t = now();
      await store.transaction((tx) => tx.userSettings.upsert(email, { quietFrom: parsed.value?.from ?? null, quietTo: parsed.value?.to ?? null }, t));
      return { ok: true, me: await get(email) };
    },

    /**
     * Shift reminders before each of the person's shifts (ms before the start; [] = none), or null
     * for each schedule's own `reminders`. The next planning run of every schedule uses them.
     */
    async setReminders(email: string, reminders: number[] | null): Promise<void> {
      await store.transaction((tx) => tx.userSettings.upsert(email, { reminders: reminders === null ? null : [...new Set(reminders)].sort((a, b) => b - a) }, now()));
    },

    /** Back to calpage.yaml's ladders: one, or both when `which` is null. */
    async resetRules(email: string, which: Ladder | null): Promise<MySettings> {
      const t = now();
      await store.transaction(async (tx) => {
        const s = await tx.userSettings.get(email, { lock: true });
        if (!s?.rules) return;
        const fromConfig = configRules(email);
        if (which === null) return tx.userSettings.upsert(email, { rules: null }, t);
        await saveRules(tx, email, { ...s.rules, [which]: fromConfig[which] }, t);
      });
      return get(email);
    },
  };
}

export type UserSettingsService = ReturnType<typeof createUserSettingsService>;

/** `default` / `important` as typed (also `normal`, `urgent`); null otherwise. */
export function parseLadderName(word: string | undefined): Ladder | null {
  switch (word?.toLowerCase()) {
    case "default":
    case "normal":
      return "default";
    case "important":
    case "urgent":
      return "important";
    default:
      return null;
  }
}
