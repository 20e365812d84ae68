/**
 * The message surfaces an integration's `templates:` may shape, what each one escapes
 * substituted values for, and how long its text may be.
 */

export type TemplateSurface = "slack_title" | "slack_body" | "sms" | "voice" | "webhook_body";

export const TEMPLATE_SURFACES: readonly TemplateSurface[] = ["slack_title", "slack_body", "sms", "voice", "webhook_body"];

/** An integration's template sources by surface (a surface left out keeps calpage's default text). */
export type MessageTemplates = Partial<Record<TemplateSurface, string>>;

/**
 * How values substituted into a surface are escaped (the template's own text is kept as written):
 * `mrkdwn`: `&`, `<`, `>` as Slack entities, so no value mentions anyone or forms a link;
 * `plain`: control characters removed; `json`: escaped as the inside of a JSON string.
 */
export type EscapeMode = "mrkdwn" | "plain" | "json";

export interface SurfaceRules {
  escape: EscapeMode;
  /** Longest output in UTF-16 units; longer text is cut with `…` (webhook_body: refused, JSON cannot be cut). */
  maxChars: number;
  /** Line breaks collapsed into spaces. */
  oneLine: boolean;
}

export const SURFACE_RULES: Record<TemplateSurface, SurfaceRules> = {
  // The header block is plain text (Slack shows formatting literally there); the message's fallback text escapes it.
  slack_title: { escape: "plain", maxChars: 150, oneLine: true },
  // One section block.
  slack_body: { escape: "mrkdwn", maxChars: 3000, oneLine: false },
  // Cut again to fit one SMS together with calpage's `calpage #42: ` and reply hint (see pageSmsText).
  sms: { escape: "plain", maxChars: 1000, oneLine: true },
  voice: { escape: "plain", maxChars: 500, oneLine: true },
  webhook_body: { escape: "json", maxChars: 64 * 1024, oneLine: false },
};

/** Longest template source (per surface): well beyond any message, far below what parsing would feel. */
export const MAX_TEMPLATE_CHARS = 20_000;
