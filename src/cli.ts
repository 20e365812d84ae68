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
import { auditCommand } from "./cli/audit-command.js";
import { urlsCommand } from "./cli/urls-command.js";

const COMMANDS: Record<string, CliCommand> = {
  start: startCommand,
  migrate: migrateCommand,
  validate: validateCommand,
  urls: urlsCommand,
  who: whoCommand,
  shifts: shiftsCommand,
  explain: explainCommand,
  log: logCommand,
  maintenance: maintenanceCommand,
  audit: auditCommand,
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
  // A crash prints its error through ctx.err too (redacted), then exits 1 as Node would.
  const crash = (error: unknown) => {
    ctx.err(`calpage: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  };
  process.on("uncaughtException", crash);
  process.on("unhandledRejection", crash);
  const command = COMMANDS[name];
  if (!command) {
    ctx.err(`calpage: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(ctx);
  } catch (error) {
    if (error instanceof CliExit) return error.code;
    // Through ctx.err, so the message and stack are redacted like every other error line.
    ctx.err(`calpage: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(`calpage: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
