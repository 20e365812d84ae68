import { templatedText } from "../templates/render-template.js";
import type { TemplateInput } from "../templates/template-context.js";
import type { MessageTemplates } from "../templates/template-surfaces.js";
import { pageSmsText, templatedSmsText } from "./twilio/sms-reply.js";

/**
 * The text of an SMS page: the integration's `sms` template (framed with the group number and the
 * reply hint) when it has one and it renders, else the default text; a failure goes to `warn`.
 */
export function pageSmsBody(templates: MessageTemplates | undefined, input: TemplateInput, important: boolean, warn: (line: string) => void): string {
  const g = input.group;
  const text = templatedText(templates, "sms", input, warn);
  if (text !== undefined) return templatedSmsText({ number: g.number, text, important });
  return pageSmsText({ number: g.number, title: g.title, severity: g.severity, alertCount: g.alertCount, firingCount: g.firingCount, truncatedAlerts: g.truncatedAlerts, important });
}
