import type { Template } from "liquidjs";
import { fail, ok, type Result } from "../shared/result.js";
import { liquidEngine } from "./liquid-engines.js";
import { MAX_TEMPLATE_CHARS, SURFACE_RULES, type TemplateSurface } from "./template-surfaces.js";

/** A template read and checked once, ready to render many times. */
export interface CompiledTemplate {
  surface: TemplateSurface;
  source: string;
  parts: Template[];
}

/** Why a template cannot be used, and where in its text (1-based line, when known). */
export interface TemplateProblem {
  message: string;
  /** Line inside the template text. */
  line: number | null;
}

/**
 * Reads a template for `surface`: a Liquid syntax error, an unknown filter or a refused tag
 * (`include`, `render`, `layout`) is a problem with the template's line, never a throw.
 */
export function compileTemplate(surface: TemplateSurface, source: string): Result<CompiledTemplate, TemplateProblem> {
  if (source.length > MAX_TEMPLATE_CHARS) {
    return fail({ message: `the template is ${source.length} characters long; at most ${MAX_TEMPLATE_CHARS}`, line: null });
  }
  try {
    const parts = liquidEngine(SURFACE_RULES[surface].escape).parse(source);
    return ok({ surface, source, parts });
  } catch (error) {
    return fail(templateProblem(error));
  }
}

/** A liquidjs error as a message without its own `, line:1, col:5` tail, plus the line. */
export function templateProblem(error: unknown): TemplateProblem {
  const err = error as { message?: unknown; token?: { getPosition?: () => [number, number] }; originalError?: unknown };
  const text = typeof err?.message === "string" ? err.message : String(error);
  const position = typeof err?.token?.getPosition === "function" ? err.token.getPosition() : null;
  const message = text.replace(/, line:\d+, col:\d+$/s, "").replace(/\s+/g, " ").trim() || "the template cannot be read";
  return { message, line: position?.[0] ?? null };
}

const cache = new Map<string, CompiledTemplate | null>();
const MAX_CACHED = 500;

/**
 * {@link compileTemplate}, remembered per surface and source (the config compiles each template
 * once; renders look it up here). Null for a template that does not compile.
 */
export function compiledTemplate(surface: TemplateSurface, source: string): CompiledTemplate | null {
  const key = `${surface}\u0000${source}`;
  if (cache.has(key)) return cache.get(key)!;
  const r = compileTemplate(surface, source);
  const compiled = r.ok ? r.value : null;
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
  cache.set(key, compiled);
  return compiled;
}
