import { formatProblems, loadConfig } from "../config/load-config.js";
import type { Config } from "../config/config-types.js";
import { configSecrets } from "../config/config-secrets.js";
import { createRedactor, envSecrets } from "../shared/redact.js";

/** What every CLI command gets: its arguments, the environment, and a config loader that exits 2 with every problem. */
export interface CliContext {
  args: string[];
  configPath: string;
  env: Record<string, string | undefined>;
  out: (line: string) => void;
  /** Error output: redacted (secrets from the environment and the loaded config, phone numbers). */
  err: (line: string) => void;
  /** Loads and validates the configuration; on problems prints `file:line: path: message` lines and throws CliExit(2). */
  config(path?: string): Config;
  /** Value of `--name value` (or `--name=value`), removed from args. */
  option(name: string): string | undefined;
}

export class CliExit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

export function makeCliContext(argv: string[], env: Record<string, string | undefined>, defaultConfig: string): CliContext {
  const args = [...argv];
  const redactor = createRedactor(envSecrets(env));
  const ctx: CliContext = {
    args,
    configPath: defaultConfig,
    env,
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${redactor.redact(line)}\n`),
    option(name) {
      const i = args.indexOf(name);
      if (i === -1) {
        // `--name=value`
        const j = args.findIndex((a) => a.startsWith(`${name}=`));
        if (j === -1) return undefined;
        const [written] = args.splice(j, 1);
        return written!.slice(name.length + 1);
      }
      const value = args[i + 1];
      args.splice(i, 2);
      return value;
    },
    config(path = ctx.configPath) {
      const result = loadConfig(path, env);
      if (!result.ok) {
        ctx.err(formatProblems(path, result.errors));
        ctx.err(`calpage: ${result.errors.length} problem(s) in ${path}`);
        throw new CliExit(2);
      }
      redactor.add(configSecrets(result.value));
      return result.value;
    },
  };
  return ctx;
}
