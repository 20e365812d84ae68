export { compileTemplate, compiledTemplate, type CompiledTemplate, type TemplateProblem } from "./compile-template.js";
export { templateContext, type TemplateAlertInput, type TemplateGroupInput, type TemplateInput } from "./template-context.js";
export { renderSurface, renderTemplate, templatedText, type SurfaceText } from "./render-template.js";
export { renderWebhookBody } from "./render-webhook-body.js";
export { MAX_TEMPLATE_CHARS, SURFACE_RULES, TEMPLATE_SURFACES, type MessageTemplates, type TemplateSurface } from "./template-surfaces.js";
