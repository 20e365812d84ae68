/**
 * Keeps secrets out of logs, errors and Slack text: known secret values (tokens from the
 * config and environment, tokens calpage generated), and anything shaped like one (an
 * integration URL's token segment, `?token=`, Slack tokens, bearer credentials, a URL's
 * password), plus phone numbers, of which only the last 4 digits stay (`…0001`).
 */

export const REDACTED = "[redacted]";

/** Values shorter than this are never replaced literally (they would mangle ordinary text). */
const MIN_SECRET_LENGTH = 8;

// `+` (or `%2B` in a form body or URL) and 8 to 15 digits, allowing single spaces, dots, dashes
// and brackets between them as people write numbers. Not preceded by a word character or digit.
const PHONE_RE = /(?<![\w+])(?:\+|%2B)\d(?:[ ().-]?\d){7,14}(?!\d)/gi;

const PATTERNS: [RegExp, string][] = [
  // /integrations/v1/<type>/<token>/… : the token is the segment after the type.
  [/(\/integrations\/v1\/[^/\s?#"'<>]+\/)[^/\s?#"'<>]+/g, `$1${REDACTED}`],
  // ?token=… / &token=… (calendar exports) and the like.
  [/([?&](?:token|access_token|api_key|key)=)[^&\s#"'<>]+/gi, `$1${REDACTED}`],
  // Slack bot, user, app and refresh tokens.
  [/\bx(?:ox[a-z]|app)-[A-Za-z0-9-]+/g, REDACTED],
  // Authorization headers.
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, `$1 ${REDACTED}`],
  // The password in scheme://user:password@host.
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi, `$1${REDACTED}@`],
  // A verification code typed back in Slack (`/oncall me verify 123456`) or texted.
  [/\b(verify|verification code:?)(\s+)\d{4,10}\b/gi, `$1$2${REDACTED}`],
];

/** `+4915112345678` -> `…5678`: the one format calpage shows phone numbers in (logs, Slack, errors). */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, "");
  return `…${digits.slice(-4)}`;
}

/** Every phone number in `text` masked down to its last 4 digits. */
export function maskPhoneNumbers(text: string): string {
  return text.replace(PHONE_RE, (m) => maskPhone(m.replace(/^%2B/i, "+")));
}

export interface Redactor {
  /** `text` with every known secret and secret-shaped value replaced, and phone numbers masked. */
  redact(text: string): string;
  /** Secrets learnt later (tokens generated at start); null, undefined and short values are ignored. */
  add(values: Iterable<string | null | undefined>): void;
}

export function createRedactor(values: Iterable<string | null | undefined> = []): Redactor {
  const secrets = new Set<string>();
  // Longest first, so a secret that contains another is replaced whole.
  let ordered: string[] = [];
  const add = (more: Iterable<string | null | undefined>) => {
    for (const v of more) {
      const s = v?.trim();
      if (s && s.length >= MIN_SECRET_LENGTH) {
        secrets.add(s);
        // URL-encoded forms (a token in a query string or a form body).
        const encoded = encodeURIComponent(s);
        if (encoded !== s) secrets.add(encoded);
      }
    }
    ordered = [...secrets].sort((a, b) => b.length - a.length);
  };
  add(values);
  return {
    add,
    redact(text: string): string {
      let out = text;
      for (const s of ordered) if (out.includes(s)) out = out.split(s).join(REDACTED);
      for (const [re, replacement] of PATTERNS) out = out.replace(re, replacement);
      return maskPhoneNumbers(out);
    },
  };
}

/** The secrets the environment holds (Slack and Twilio credentials, the database URL's password is caught by pattern). */
export function envSecrets(env: Record<string, string | undefined>): (string | undefined)[] {
  return ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "TWILIO_AUTH_TOKEN", "METRICS_TOKEN"].map((name) => env[name]);
}
