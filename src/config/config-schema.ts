import { CONFIG, type Field, type Shape } from "./config-shape.js";

/**
 * The JSON Schema (draft-07, which yaml-language-server supports best) of `calpage.yaml`,
 * generated from config-shape.ts; `npm run schema` writes it to calpage.schema.json.
 *
 * It checks the file as written, before `${VAR}` substitution: every text value may be a
 * `${VAR}` reference (numbers and true/false may not: substitution gives text, which the
 * validator refuses there). Keys left out or empty (`key:` with nothing after it) are fine
 * wherever they are optional. Everything the validator accepts, the schema accepts.
 */

export const SCHEMA_FILE = "calpage.schema.json";

type Json = Record<string, unknown>;

/** Where `${VAR}` makes any text acceptable (its value is checked when calpage reads the file). */
const ENV_REFERENCE = "\\$\\{";

export function configJsonSchema(): Json {
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    title: "calpage.yaml",
    description:
      "calpage's configuration. Generated from src/config/config-shape.ts by `npm run schema`; `calpage validate` checks more (references, time zones, durations' bounds).",
    ...shapeSchema(CONFIG, false),
  };
}

function fieldSchema(field: Field): Json {
  // Optional keys may be empty (`overrides_feed:` is null); directly typed text may also be "".
  const schema = shapeSchema(field.shape, !field.required);
  const described: Json = { description: field.description, ...schema };
  if (field.default !== undefined) described.default = field.default;
  return field.required ? described : nullable(described);
}

function nullable(schema: Json): Json {
  if (schema.type === "null") return schema;
  if (typeof schema.type === "string") return { ...schema, type: [schema.type, "null"] };
  if (Array.isArray(schema.type)) return schema.type.includes("null") ? schema : { ...schema, type: [...(schema.type as string[]), "null"] };
  const { description, default: dflt, ...rest } = schema;
  if (Object.keys(rest).length === 0) return schema; // anything(): null included
  const anyOf = Array.isArray(rest.anyOf) && Object.keys(rest).length === 1 ? (rest.anyOf as Json[]) : [rest];
  return {
    ...(description === undefined ? {} : { description }),
    ...(dflt === undefined ? {} : { default: dflt }),
    anyOf: [...anyOf, { type: "null" }],
  };
}

/** `blankOk`: an empty text means "left out" here (the validator reads "" like a missing key). */
function shapeSchema(shape: Shape, blankOk: boolean): Json {
  switch (shape.kind) {
    case "string": {
      const alternatives = [
        ...(shape.pattern ? [anchored(shape.pattern)] : []),
        ...(shape.pattern && blankOk ? ["^\\s*$"] : []),
      ];
      return {
        type: "string",
        ...(alternatives.length > 0 ? { pattern: [...alternatives, ENV_REFERENCE].join("|") } : {}),
        // yaml-language-server (VS Code's YAML extension) shows this instead of the pattern.
        ...(shape.pattern && shape.expectation ? { patternErrorMessage: `expected ${shape.expectation}` } : {}),
        ...(shape.examples ? { examples: [...shape.examples] } : {}),
      };
    }
    case "duration": {
      const bounds = [shape.min ? `at least ${shape.min}` : null, shape.max ? `at most ${shape.max}` : null].filter((b) => b !== null);
      return {
        type: "string",
        pattern: [`^\\s*(?:\\d+(?:\\.\\d+)?\\s*[smhdwSMHDW] *){1,10}\\s*$`, ...(blankOk ? ["^\\s*$"] : []), ENV_REFERENCE].join("|"),
        patternErrorMessage: "expected a duration like 5m (numbers with units s, m, h, d or w, like 1h30m)",
        examples: ["30s", "5m", "1h30m", "2d"],
        $comment: `a duration: numbers with units s, m, h, d, w${bounds.length > 0 ? ` (${bounds.join(", ")})` : ""}`,
      };
    }
    case "integer":
      return { type: "integer", minimum: shape.min, ...(shape.max === undefined ? {} : { maximum: shape.max }) };
    case "number":
      return { type: "number" };
    case "boolean":
      return { type: "boolean" };
    case "enum": {
      const values = Object.keys(shape.values);
      return {
        anyOf: [
          { type: "string", enum: values, enumDescriptions: Object.values(shape.values) },
          { type: "string", pattern: wordsPattern(values) },
        ],
      };
    }
    case "const":
      return { const: shape.value };
    case "null":
      return { type: "null" };
    case "list": {
      const array: Json = { type: "array", items: shapeSchema(shape.items, false), ...(shape.minItems === undefined ? {} : { minItems: shape.minItems }) };
      return shape.single ? { anyOf: [shapeSchema(shape.items, false), array] } : array;
    }
    case "object":
      return {
        type: "object",
        properties: Object.fromEntries(Object.entries(shape.keys).map(([key, field]) => [key, fieldSchema(field)])),
        ...requiredKeys(shape.keys),
        additionalProperties: false,
      };
    case "anyOf":
      return { anyOf: shape.options.map((option) => shapeSchema(option, false)) };
    case "oneKey": {
      const bare = Object.entries(shape.variants).filter(([, v]) => v.bare === true);
      const forms = Object.entries(shape.variants).map(([name, v]) => {
        const value: Json = { description: v.description, ...shapeSchema(v.value, false) };
        const properties: Json = { [name]: v.valueOptional === true ? nullable(value) : value };
        if (v.important === true) {
          properties.important = { description: "page with each person's important notification rules", type: ["boolean", "null"], default: false };
        }
        return { type: "object", description: v.description, properties, required: [name], additionalProperties: false };
      });
      return {
        anyOf: [
          ...(bare.length > 0
            ? [
                { type: "string", enum: bare.map(([name]) => name), enumDescriptions: bare.map(([, v]) => v.description) },
                { type: "string", pattern: wordsPattern(bare.map(([name]) => name)) },
              ]
            : []),
          ...forms,
        ],
      };
    }
    case "anything":
      return {};
  }
}

function requiredKeys(keys: Readonly<Record<string, Field>>): Json {
  const names = Object.entries(keys)
    .filter(([, field]) => field.required)
    .map(([key]) => key);
  return names.length > 0 ? { required: names } : {};
}

/** The enum's words as the validator reads them (trimmed), or a `${VAR}` reference: the enum itself is for completion. */
function wordsPattern(words: readonly string[]): string {
  return `^\\s*(?:${words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})\\s*$|${ENV_REFERENCE}`;
}

/** An anchored pattern `^…$` is checked on the trimmed text, like the validator does; others as they are. */
function anchored(re: RegExp): string {
  if (re.flags.replace(/[gsuy]/g, "") !== "") throw new Error(`config-schema: pattern /${re.source}/${re.flags} has flags JSON Schema cannot express`);
  const m = /^\^(.*)\$$/s.exec(re.source);
  return m ? `^\\s*(?:${m[1]})\\s*$` : re.source;
}

/** The file's text: the schema as indented JSON with a final newline. */
export function renderConfigSchema(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
