import type { IntegrationType } from "../config/config-types.js";
import type { AlertGroupRecord } from "../store/repositories/alert-group-record.js";
import type { StoredAlert } from "../store/repositories/alerts-repository.js";
import type { MessageTemplates } from "../templates/template-surfaces.js";

/** Who a direct message goes to: their chat member id and, when the chat knows it, their IANA time zone. */
export interface DmRecipient {
  id: string;
  tz: string | null;
}

/** One page as a direct message: the group, its most recent alerts, and how to show it. */
export interface DirectPage {
  group: AlertGroupRecord;
  recent: readonly StoredAlert[];
  integrationType: IntegrationType | "direct";
  /** The integration's message templates (its Slack title and body shape the DM too); none = the default text. */
  templates?: MessageTemplates;
  /** Told when a template fails and the default text is used. */
  warn?: (text: string) => void;
  timezone: string;
  important: boolean;
  /** A responder request's page ("add responder"): the DM says so, and offers Acknowledge while the group is acknowledged. */
  responder?: boolean;
}

/**
 * The `slack_dm` page channel as the page handler needs it (src/notify/page-handler.ts).
 * Implemented by src/slack/slack-direct-messages.ts and wired in src/app.
 */
export interface DirectMessagePort {
  /** The person with this email; null when the chat has nobody with it. Throws when it could not look (nothing was sent). */
  findRecipient(email: string): Promise<DmRecipient | null>;
  /** Sends the page; resolves with the sent message's reference (`channel:ts`), kept as the page's external ref. */
  sendPage(to: DmRecipient, page: DirectPage): Promise<string>;
  /**
   * For an error thrown by {@link sendPage}: when the chat certainly did not act on the call and said when
   * to try again (rate limited), after how many ms; null otherwise (the DM may have gone out: never retried).
   */
  retryAfterMs(error: unknown): number | null;
}
