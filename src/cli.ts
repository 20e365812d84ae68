#!/usr/bin/env node
import { resolve } from "node:path";
import type { CliCommand } from "./cli/cli-command.js";
import { CliExit, makeCliContext } from "./cli/cli-context.js";
import { checkArguments } from "./cli/check-arguments.js";

/**
 * Each command's module is loaded only when it runs: `calpage who` does not pay for loading the
 * server (Slack, HTTP, paging) before it can answer.
 */
const COMMANDS: Record<string, () => Promise<CliCommand>> = {
  start: async () => (await import("./cli/start-command.js")).startCommand,
  migrate: async () => (await import("./cli/migrate-command.js")).migrateCommand,
  backup: async () => (await import("./cli/backup-command.js")).backupCommand,
  validate: async () => (await import("./cli/validate-command.js")).validateCommand,
  who: async () => (await import("./cli/who-command.js")).whoCommand,
  shifts: async () => (await import("./cli/shifts-command.js")).shiftsCommand,
  explain: async () => (await import("./cli/explain-command.js")).explainCommand,
  log: async () => (await import("./cli/log-command.js")).logCommand,
  maintenance: async () => (await import("./cli/maintenance-command.js")).maintenanceCommand,
  audit: async () => (await import("./cli/audit-command.js")).auditCommand,
  urls: async () => (await import("./cli/urls-command.js")).urlsCommand,
  import: async () => (await import("./cli/import-command.js")).importCommand,
  simulate: async () => (await import("./cli/simulate-command.js")).simulateCommand,
  report: async () => (await import("./cli/report-command.js")).reportCommand,
};

async function usage(): Promise<string> {
  const commands = await Promise.all(Object.values(COMMANDS).map((load) => load()));
  const width = Math.max(...commands.map((c) => c.usage.length));
  const lines = commands.map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`);
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
    ctx.out(await usage());
    return 0;
  }
  // A crash prints its error through ctx.err too (redacted), then exits 1 as Node would.
  const crash = (error: unknown) => {
    ctx.err(`calpage: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  };
  // The server (`start`) has its own rules: it keeps running on errors nobody awaited (see start-command).
  if (name !== "start") {
    process.on("uncaughtException", crash);
    process.on("unhandledRejection", crash);
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!load) {
    ctx.err(`calpage: unknown command "${name}"\n\n${await usage()}`);
    return 2;
  }
  const command = await load();
  if (command.takes) {
    const checked = checkArguments(ctx.args, command.takes);
    if (!checked.ok) {
      ctx.err(`calpage ${name}: ${checked.message}\nusage: calpage ${command.usage}`);
      return 2;
    }
    ctx.args.splice(0, ctx.args.length, ...checked.words);
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
