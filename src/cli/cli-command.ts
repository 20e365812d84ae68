import type { CliContext } from "./cli-context.js";

import type { CommandArguments } from "./check-arguments.js";

export interface CliCommand {
  /** e.g. `who [schedule] [--at ISO-time]` */
  usage: string;
  /** What it takes, checked before it runs (see checkArguments); left out = the command checks its own words. */
  takes?: CommandArguments;
  summary: string;
  /** Resolves with the exit code, or -1 to keep the process running (servers). */
  run(ctx: CliContext): Promise<number>;
}
