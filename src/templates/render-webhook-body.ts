import type { TemplateInput } from "./template-context.js";
import { templatedText } from "./render-template.js";
import type { MessageTemplates } from "./template-surfaces.js";

/**
 * The body of an outgoing webhook from the integration's `templates.webhook_body`: valid JSON
 * (values substituted into it are JSON-escaped, `{{ labels | json }}` inserts JSON), or undefined
 * when there is no such template or it fails — then the caller sends its default body, and a
 * failure is passed to `warn`.
 */
export function renderWebhookBody(templates: MessageTemplates | null | undefined, input: TemplateInput, warn: (line: string) => void): string | undefined {
  return templatedText(templates, "webhook_body", input, warn);
}
