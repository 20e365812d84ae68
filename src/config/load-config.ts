import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fail, type Result } from "../shared/result.js";
import type { Config, ConfigProblem } from "./config-types.js";
import { parseConfig } from "./parse-config.js";

/**
 * Reads `calpage.yaml` from disk and validates it together with the environment.
 * Relative local feed paths resolve against the config file's folder and must exist.
 * A missing file is one problem with path `""`.
 */
export function loadConfig(configPath: string, env: Record<string, string | undefined>): Result<Config, ConfigProblem> {
  const absPath = path.resolve(configPath);
  let text: string;
  try {
    text = readFileSync(absPath, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const message =
      code === "ENOENT"
        ? `config file not found: ${absPath}`
        : `cannot read config file ${absPath}: ${err instanceof Error ? err.message : String(err)}`;
    return fail({ path: "", message, line: null });
  }
  return parseConfig(text, absPath, env, { fileExists: isFile });
}

/**
 * One line per problem, compiler style:
 * `calpage.yaml:12: escalation_chains[1].steps[2].wait: expected a duration like 5m`
 * (`:line` left out when unknown, `path: ` left out when empty).
 */
export function formatProblems(configPath: string, problems: ConfigProblem[]): string {
  return problems
    .map((p) => `${configPath}${p.line === null ? "" : `:${p.line}`}: ${p.path === "" ? "" : `${p.path}: `}${p.message}`)
    .join("\n");
}

/** Like {@link formatProblems}, marked as warnings: `calpage.yaml:12: warning: notification_rules.important: …`. */
export function formatWarnings(configPath: string, warnings: readonly ConfigProblem[]): string {
  return warnings
    .map((p) => `${configPath}${p.line === null ? "" : `:${p.line}`}: warning: ${p.path === "" ? "" : `${p.path}: `}${p.message}`)
    .join("\n");
}

function isFile(absPath: string): boolean {
  try {
    return statSync(absPath).isFile();
  } catch {
    return false;
  }
}
