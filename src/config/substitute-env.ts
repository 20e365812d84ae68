import { fail, ok, type Result } from "../shared/result.js";

/**
 * `${VAR}` substitution in one string scalar of the config, done before validation so secrets
 * (integration tokens) can live in the environment:
 *
 * - `${VAR}` is replaced by the variable's value (an empty value stays empty);
 * - `${VAR:-default}` uses `default` when VAR is unset or empty;
 * - `$${` is a literal `${`; a `$` anywhere else is kept as is.
 *
 * Returns every problem in the string (unset variables, malformed references), each a full message.
 */
export function substituteEnv(text: string, env: Record<string, string | undefined>): Result<string, string> {
  if (!text.includes("$")) return ok(text);
  let out = "";
  const errors: string[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch !== "$") {
      out += ch;
      i++;
      continue;
    }
    if (text.startsWith("$${", i)) {
      out += "${";
      i += 3;
      continue;
    }
    if (text[i + 1] !== "{") {
      out += ch;
      i++;
      continue;
    }
    const close = text.indexOf("}", i + 2);
    if (close === -1) {
      errors.push(`unterminated \${ in "${text}"; expected \${VAR} or \${VAR:-default} (write $\${ for a literal \${)`);
      break;
    }
    const inner = text.slice(i + 2, close);
    const m = REFERENCE_RE.exec(inner);
    if (!m) {
      errors.push(`invalid reference \${${inner}}; expected \${VAR} or \${VAR:-default} (write $\${ for a literal \${)`);
    } else {
      const name = m[1]!;
      const fallback = m[2];
      const value = env[name];
      if (fallback !== undefined) out += value === undefined || value === "" ? fallback : value;
      else if (value !== undefined) out += value;
      else errors.push(`environment variable ${name} is not set`);
    }
    i = close + 1;
  }
  return errors.length > 0 ? fail(...errors) : ok(out);
}

const REFERENCE_RE = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;
