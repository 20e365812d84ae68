import type { CliContext } from "./cli-context.js";

export interface CliCommand {
  /** e.g. `who [schedule] [--at ISO-time]` */
  usage: string;
  summary: string;
  /** Resolves with the exit code, or -1 to keep the process running (servers). */
  run(ctx: CliContext): Promise<number>;
}
