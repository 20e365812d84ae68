import { compileTemplate } from "../templates/compile-template.js";
import { TEMPLATE_SURFACES, type MessageTemplates } from "../templates/template-surfaces.js";
import { describe, isEmpty, type Checker } from "./config-checker.js";

const EXPECTATION = "a mapping of Liquid templates like {slack_title: '{{ labels.alertname }} on {{ labels.cluster }}'}";

/**
 * An integration's `templates:`: each key a surface, each value a Liquid template, compiled now so
 * a syntax error, an unknown filter or a refused tag (`include`…) is a config problem at the line
 * inside the template (a block scalar's first text line plus the template's own line). `{}` when
 * left out; null when one is bad (the integration is then not built).
 */
export function validateTemplates(c: Checker, v: unknown, p: string, valueLines: ReadonlyMap<string, number>): MessageTemplates | null {
  if (isEmpty(v)) return {};
  const obj = c.object(v, p, TEMPLATE_SURFACES, EXPECTATION);
  if (obj === null) return null;
  const templates: MessageTemplates = {};
  let good = true;
  for (const surface of TEMPLATE_SURFACES) {
    const value = obj[surface];
    const key = `${p}.${surface}`;
    if (isEmpty(value)) continue;
    if (typeof value !== "string" || value.trim() === "") {
      c.report(key, `expected a Liquid template (text, e.g. a block scalar after ${surface}: |), found ${typeof value === "string" ? "an empty value" : describe(value)}`);
      good = false;
      continue;
    }
    if (c.isUnsubstituted(key)) {
      good = false;
      continue;
    }
    const compiled = compileTemplate(surface, value);
    if (!compiled.ok) {
      const problem = compiled.errors[0]!;
      const start = valueLines.get(key) ?? c.lineOf(key);
      const line = start !== null && problem.line !== null ? start + problem.line - 1 : start;
      c.reportAt(key, `template error${problem.line !== null ? ` (template line ${problem.line})` : ""}: ${problem.message}`, line);
      good = false;
      continue;
    }
    if (/\{[{%][^}]*\bpayload\b/.test(value)) {
      c.warn(key, "payload is always empty when calpage sends messages: it does not store the raw delivery; use alert_group, labels, annotations or alerts");
    }
    templates[surface] = value;
  }
  return good ? templates : null;
}
