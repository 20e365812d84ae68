import { fail, ok, type Result } from "../shared/result.js";
import { truncateMrkdwn, truncatePlain } from "../shared/truncate-text.js";
import { compiledTemplate, templateProblem, type CompiledTemplate, type TemplateProblem } from "./compile-template.js";
import { liquidEngine } from "./liquid-engines.js";
import { templateContext, type TemplateInput } from "./template-context.js";
import { SURFACE_RULES, type MessageTemplates, type TemplateSurface } from "./template-surfaces.js";


/**
 * Renders a compiled template: values escaped for its surface, line breaks collapsed where the
 * surface is one line, cut to the surface's length with `…`. A webhook body must be valid JSON
 * within its limit (JSON cannot be cut). Failures (time or memory limit, invalid JSON, nothing
 * rendered where text is needed) are problems, never throws.
 */
export function renderTemplate(template: CompiledTemplate, context: Record<string, unknown>): Result<string, TemplateProblem> {
  const rules = SURFACE_RULES[template.surface];
  let text: string;
  try {
    text = String(liquidEngine(rules.escape).renderSync(template.parts, context));
  } catch (error) {
    return fail(templateProblem(error));
  }
  if (rules.escape === "json") {
    if (text.length > rules.maxChars) return fail({ message: `the body is ${text.length} characters long; at most ${rules.maxChars}`, line: null });
    try {
      JSON.parse(text);
    } catch (error) {
      return fail({ message: `the body is not valid JSON (${(error as Error).message})`, line: null });
    }
    return ok(text);
  }
  text = rules.oneLine ? text.replace(/\s+/g, " ").trim() : text.replace(/[ \t]+$/gm, "").trim();
  if (text === "" && template.surface !== "slack_body") return fail({ message: "the template rendered nothing", line: null });
  return ok(rules.escape === "mrkdwn" ? truncateMrkdwn(text, rules.maxChars) : truncatePlain(text, rules.maxChars));
}

/** How a surface's text came about. */
export type SurfaceText = { source: "template"; text: string } | { source: "default" } | { source: "fallback"; problem: TemplateProblem };

/**
 * The text of one surface from the integration's template: `default` when it has none,
 * `fallback` (with the problem) when the template fails — the caller then uses its default text,
 * so a template never loses a page.
 */
export function renderSurface(templates: MessageTemplates | null | undefined, surface: TemplateSurface, input: TemplateInput): SurfaceText {
  const source = templates?.[surface];
  if (source === undefined) return { source: "default" };
  const compiled = compiledTemplate(surface, source);
  if (compiled === null) return { source: "fallback", problem: { message: "the template does not compile", line: null } };
  const r = renderTemplate(compiled, templateContext(input));
  return r.ok ? { source: "template", text: r.value } : { source: "fallback", problem: r.errors[0]! };
}

/**
 * {@link renderSurface} for callers that only need the text: the rendered text, or undefined
 * for the default — a failure is passed to `warn` as one line naming the integration and surface.
 */
export function templatedText(
  templates: MessageTemplates | null | undefined,
  surface: TemplateSurface,
  input: TemplateInput,
  warn: (line: string) => void,
): string | undefined {
  const r = renderSurface(templates, surface, input);
  if (r.source === "fallback") warn(fallbackWarning(input.group.integration, surface, input.group.number, r.problem));
  return r.source === "template" ? r.text : undefined;
}

export function fallbackWarning(integration: string, surface: TemplateSurface, number: number, problem: TemplateProblem): string {
  const where = problem.line === null ? "" : ` (template line ${problem.line})`;
  return `integration ${integration}: templates.${surface} failed for #${number}${where}: ${problem.message}; the default text was used`;
}

