import { maskPhone } from "../../shared/redact.js";
/** E.164: a `+`, a country code that does not start with 0, 8 to 15 digits in all (as calpage.yaml accepts). */
const E164 = /^\+[1-9]\d{7,14}$/;

export type PhoneParse = { ok: true; phone: string } | { ok: false; message: string };

export const PHONE_EXAMPLE = "+4915112345678";

/**
 * A phone number as a person types it in Slack (`+49 151 1234-5678`, `0049…`, or the
 * `<tel:…|…>` link Slack may make of it) to plain E.164, or a message saying what is wrong.
 */
export function parsePhoneNumber(text: string): PhoneParse {
  let s = text.trim();
  const link = /^<tel:([^|>]*)(?:\|[^>]*)?>$/i.exec(s);
  if (link) s = link[1]!;
  s = s.replace(/[\s\u00a0().\-/]/g, "");
  if (s.startsWith("00")) s = `+${s.slice(2)}`;
  if (s === "") return { ok: false, message: `Give the number in international form, like \`${PHONE_EXAMPLE}\`.` };
  if (!s.startsWith("+")) {
    return { ok: false, message: `${maskPhone(text)} has no country code: write it in international form starting with +, like \`${PHONE_EXAMPLE}\`.` };
  }
  if (!E164.test(s)) {
    return { ok: false, message: `${maskPhone(text)} is not a phone number in international form: a + and 8 to 15 digits, like \`${PHONE_EXAMPLE}\`.` };
  }
  return { ok: true, phone: s };
}

// Shows only the last four digits: `+4915112345678` -> `…5678` (one format everywhere, also
// when answering with a number that was typed: Slack answers never repeat a full number).
export { maskPhone };
