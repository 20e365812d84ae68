/**
 * GSM 03.38, the 7-bit SMS alphabet. A message made only of these characters fits 160 per
 * segment; one character outside it turns the whole message into UCS-2 (70 per segment), so
 * page texts are kept inside it where the content allows.
 */
const BASIC =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/** Characters sent as an escape plus one septet, so they count twice. */
const EXTENDED = "^{}\\[~]|€\f";

const BASIC_SET = new Set(BASIC);
const EXTENDED_SET = new Set(EXTENDED);

/** Common typography that has a plain GSM look-alike. */
const LOOKALIKES: Record<string, string> = {
  "\u2018": "'",
  "\u2019": "'",
  "\u201A": "'",
  "\u201B": "'",
  "\u2032": "'",
  "\u201C": '"',
  "\u201D": '"',
  "\u201E": '"',
  "\u2033": '"',
  "\u00AB": '"',
  "\u00BB": '"',
  "\u2010": "-",
  "\u2011": "-",
  "\u2012": "-",
  "\u2013": "-",
  "\u2014": "-",
  "\u2015": "-",
  "\u2212": "-",
  "\u2026": "...",
  "\u00A0": " ",
  "\u2007": " ",
  "\u2009": " ",
  "\u202F": " ",
  "\t": " ",
  "\u2022": "*",
  "\u00B7": ".",
  "`": "'",
};

/** Septets `char` takes in GSM-7, or null when it is not in the alphabet. */
export function gsmCharLength(char: string): 1 | 2 | null {
  if (BASIC_SET.has(char)) return 1;
  if (EXTENDED_SET.has(char)) return 2;
  return null;
}

/** Septets the text takes in GSM-7 (extended characters count 2), or null when it needs UCS-2. */
export function gsmLength(text: string): number | null {
  let n = 0;
  for (const char of text) {
    const len = gsmCharLength(char);
    if (len === null) return null;
    n += len;
  }
  return n;
}

/**
 * Replaces characters outside GSM-7 by a GSM look-alike where there is one (curly quotes, dashes,
 * ellipsis, accented letters without their accent). Characters with no look-alike (emoji, CJK…)
 * are kept: the message then goes as UCS-2 rather than losing meaning.
 */
export function toGsmWhereSafe(text: string): string {
  let out = "";
  for (const char of text) {
    if (gsmCharLength(char) !== null) {
      out += char;
      continue;
    }
    const lookalike = LOOKALIKES[char];
    if (lookalike !== undefined) {
      out += lookalike;
      continue;
    }
    const bare = char.normalize("NFD").replace(/\p{M}+/gu, "");
    out += bare !== "" && gsmLength(bare) !== null ? bare : char;
  }
  return out;
}

/**
 * Length in the unit the message is billed in: GSM septets when the text is GSM-7, otherwise
 * UTF-16 code units (UCS-2).
 */
export function smsLength(text: string): { encoding: "gsm7" | "ucs2"; length: number } {
  const gsm = gsmLength(text);
  return gsm === null ? { encoding: "ucs2", length: text.length } : { encoding: "gsm7", length: gsm };
}

/**
 * Cuts `text` to at most `max` units of `encoding`, ending in `...` when cut, never splitting a
 * character (so no lone surrogate halves).
 */
export function truncateSms(text: string, max: number, encoding: "gsm7" | "ucs2"): string {
  const unit = (char: string) => (encoding === "gsm7" ? (gsmCharLength(char) ?? 1) : char.length);
  let total = 0;
  for (const char of text) total += unit(char);
  if (total <= max) return text;
  const room = max - 3;
  if (room <= 0) return ".".repeat(Math.max(0, max));
  let out = "";
  let used = 0;
  for (const char of text) {
    const u = unit(char);
    if (used + u > room) break;
    out += char;
    used += u;
  }
  return `${out.trimEnd()}...`;
}
