#!/usr/bin/env node
import { resolve } from "node:path";
import type { CliCommand } from "./cli/cli-command.js";
import { CliExit, makeCliContext } from "./cli/cli-context.js";
import { migrateCommand } from "./cli/migrate-command.js";
import { startCommand } from "./cli/start-command.js";
import { validateCommand } from "./cli/validate-command.js";
import { whoCommand } from "./cli/who-command.js";
import { shiftsCommand } from "./cli/shifts-command.js";
import { explainCommand } from "./cli/explain-command.js";
import { logCommand } from "./cli/log-command.js";
import { maintenanceCommand } from "./cli/maintenance-command.js";

const COMMANDS: Record<string, CliCommand> = {
  start: startCommand,
  migrate: migrateCommand,
  validate: validateCommand,
  who: whoCommand,
  shifts: shiftsCommand,
  explain: explainCommand,
  log: logCommand,
  maintenance: maintenanceCommand,
};

function usage(): string {
  const width = Math.max(...Object.values(COMMANDS).map((c) => c.usage.length));
  const lines = Object.values(COMMANDS).map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`);
  return `calpage — on-call from your calendar, alerts into Slack

Usage: calpage <command> [options]

Commands:
${lines.join("\n")}

Options:
  --config <path>  configuration file (default: $CALPAGE_CONFIG or ./calpage.yaml)
`;
}

async function main(argv: string[]): Promise<number> {
  const ctx = makeCliContext(argv, process.env, resolve(process.env.CALPAGE_CONFIG ?? "calpage.yaml"));
  const config = ctx.option("--config");
  if (config) ctx.configPath = resolve(config);
  const name = ctx.args.shift() ?? "help";
  if (name === "help" || name === "--help" || name === "-h") {
    ctx.out(usage());
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    ctx.err(`calpage: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(ctx);
  } catch (error) {
    if (error instanceof CliExit) return error.code;
    throw error;
  }
}

/**
 * Exits once everything written to stdout and stderr has reached them. Writes to a pipe are
 * asynchronous in Node: `process.exit` right after a big write cut `calpage shifts --format json
 * | wc -c` off at 128 KiB. A write's callback runs after every earlier write was flushed.
 */
function exitAfterFlush(code: number): void {
  process.exitCode = code;
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write("", done);
  process.stderr.write("", done);
}

// A reader that goes away early (`calpage shifts … | head`) is not an error of ours.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) exitAfterFlush(code);
  },
  (error: unknown) => {
    process.stderr.write(`calpage: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    exitAfterFlush(1);
  },
);
