import { Liquid, type FS, type TagToken } from "liquidjs";
import type { EscapeMode } from "./template-surfaces.js";

/**
 * The Liquid engines behind message templates, one per escape mode. Logic-light and sandboxed:
 * no file system (`include`, `render` and `layout` are refused when the template is read), unknown
 * filters are errors (`strictFilters`), only own properties are visible (`{{ constructor }}` and
 * `{{ labels.constructor }}` are empty), and every render is bounded in time and memory.
 */

/** Milliseconds one render may take. */
export const RENDER_LIMIT_MS = 100;
/** What one render may allocate (strings built by filters, loops over ranges…), in liquidjs units (about characters). */
export const MEMORY_LIMIT = 8_000_000;
/** Characters liquidjs parses in one template. */
const PARSE_LIMIT = 100_000;

const NO_FILES = "templates cannot read files";

/** A file system that has no files: defence in depth behind the refused tags. */
const noFs: FS = {
  exists: () => Promise.resolve(false),
  existsSync: () => false,
  readFile: () => Promise.reject(new Error(NO_FILES)),
  readFileSync: () => {
    throw new Error(NO_FILES);
  },
  resolve: () => "",
  contains: () => Promise.resolve(false),
  containsSync: () => false,
  sep: "/",
  dirname: () => "",
};

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };
// C0 and C1 control characters but tab and line feed; carriage returns go too (a stray \r garbles SMS and logs).
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

/** A substituted value as text: nothing for nil, items one after another for lists (as Liquid does), JSON for objects. */
export function valueText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (Array.isArray(value)) return value.map(valueText).join("");
  if (typeof value === "object") return boundedJson(value);
  return "";
}

/** Objects nested deeper than this show as `"…"` in JSON output. */
const MAX_JSON_DEPTH = 32;

/** JSON.stringify that does not recurse without end: deeper levels become `"…"`. */
export function boundedJson(value: unknown, depth = 0): string {
  if (value === undefined || typeof value === "function" || typeof value === "symbol") return "null";
  if (value === null || typeof value !== "object") return JSON.stringify(typeof value === "bigint" ? String(value) : value) ?? "null";
  if (depth >= MAX_JSON_DEPTH) return '"…"';
  if (Array.isArray(value)) return `[${value.map((v) => boundedJson(v, depth + 1)).join(",")}]`;
  const entries = Object.keys(value).map((k) => `${JSON.stringify(k)}:${boundedJson((value as Record<string, unknown>)[k], depth + 1)}`);
  return `{${entries.join(",")}}`;
}

/** Escapes for Slack mrkdwn: `<!channel>`, `<@U1>` and `<https://x|y>` show literally and ping or link nothing. */
export function escapeMrkdwnValue(text: string): string {
  return text.replace(/[&<>]/g, (c) => ENTITIES[c] ?? c).replace(/`/g, "ˋ");
}

export function stripControl(text: string): string {
  return text.replace(CONTROL, "");
}

/** The inside of a JSON string literal. */
export function escapeJsonValue(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

const ESCAPES: Record<EscapeMode, (value: unknown) => string> = {
  mrkdwn: (v) => escapeMrkdwnValue(stripControl(valueText(v))),
  plain: (v) => stripControl(valueText(v)),
  json: (v) => escapeJsonValue(valueText(v)),
};

function createEngine(mode: EscapeMode): Liquid {
  const engine = new Liquid({
    fs: noFs,
    relativeReference: false,
    dynamicPartials: false,
    strictFilters: true,
    strictVariables: false,
    ownPropertyOnly: true,
    outputEscape: ESCAPES[mode],
    parseLimit: PARSE_LIMIT,
    renderLimit: RENDER_LIMIT_MS,
    memoryLimit: MEMORY_LIMIT,
    timezoneOffset: 0,
    cache: false,
  });
  for (const tag of ["include", "render", "layout"]) {
    engine.registerTag(tag, {
      parse(token: TagToken) {
        throw new Error(`{% ${token.name} %} is not available: ${NO_FILES}; write the text into this template`);
      },
      render() {
        return "";
      },
    });
  }
  if (mode === "json") {
    // `{{ labels | json }}` is already JSON: it goes in unescaped (as a value, not inside quotes).
    engine.registerFilter("json", { handler: (v: unknown) => boundedJson(v), raw: true });
    engine.registerFilter("jsonify", { handler: (v: unknown) => boundedJson(v), raw: true });
  } else {
    // `raw` would skip escaping: in Slack text that lets a value mention @channel or forge a link.
    engine.unregisterFilter("raw");
    engine.registerFilter("json", (v: unknown) => boundedJson(v));
    engine.registerFilter("jsonify", (v: unknown) => boundedJson(v));
  }
  return engine;
}

const engines = new Map<EscapeMode, Liquid>();

/** The shared engine of one escape mode. */
export function liquidEngine(mode: EscapeMode): Liquid {
  let engine = engines.get(mode);
  if (engine === undefined) {
    engine = createEngine(mode);
    engines.set(mode, engine);
  }
  return engine;
}
