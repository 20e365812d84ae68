#!/usr/bin/env node
import { resolve } from "node:path";
import { createCalpage } from "./app/create-calpage.js";
import { createStore } from "./app/create-store.js";
import { formatProblems, loadConfig } from "./config/load-config.js";
import type { Config } from "./config/config-types.js";
import { createScheduleService } from "./schedule/schedule-service.js";

const USAGE = `calpage — on-call from your calendar, alerts into Slack

Usage: calpage <command> [options]

Commands:
  start                 run the server (HTTP on PORT, default 8080)
  migrate               apply database migrations and exit
  validate [file]       check the configuration and report every problem
  who [schedule]        print who is on call now (uses the stored copy when a feed is unreachable)

Options:
  --config <path>       configuration file (default: $CALPAGE_CONFIG or ./calpage.yaml)
  --at <ISO time>       with who: ask about another moment
`;

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i === -1) return undefined;
  const value = args[i + 1];
  args.splice(i, 2);
  return value;
}

function load(path: string): Config {
  const result = loadConfig(path, process.env);
  if (!result.ok) {
    process.stderr.write(`${formatProblems(path, result.errors)}\n`);
    process.stderr.write(`calpage: ${result.errors.length} problem(s) in ${path}\n`);
    process.exit(2);
  }
  return result.value;
}

export async function main(argv: string[]): Promise<number> {
  const args = [...argv];
  const configPath = resolve(option(args, "--config") ?? process.env.CALPAGE_CONFIG ?? "calpage.yaml");
  const at = option(args, "--at");
  const [command = "help", ...rest] = args;
  switch (command) {
    case "start": {
      const config = load(configPath);
      const app = await createCalpage(config);
      const port = await app.start();
      const backend = config.env.databaseUrl ? "Postgres" : `SQLite (${config.env.sqlitePath})`;
      console.log(`calpage listening on :${port} with ${backend}; config ${config.path}`);
      let stopping = false;
      const shutdown = (signal: string) => {
        if (stopping) return;
        stopping = true;
        console.log(`calpage: ${signal}, shutting down`);
        app.stop().then(
          () => process.exit(0),
          (e: unknown) => {
            console.error(e);
            process.exit(1);
          },
        );
      };
      process.on("SIGINT", () => shutdown("SIGINT"));
      process.on("SIGTERM", () => shutdown("SIGTERM"));
      return -1;
    }
    case "migrate": {
      const config = load(configPath);
      const store = createStore(config);
      await store.migrate();
      await store.close();
      console.log(`migrations applied (${config.env.databaseUrl ? "Postgres" : config.env.sqlitePath})`);
      return 0;
    }
    case "validate": {
      const path = rest[0] ? resolve(rest[0]) : configPath;
      const config = load(path);
      console.log(
        `${path}: OK — ${config.users.length} users, ${config.schedules.length} schedules, ${config.escalationChains.length} escalation chains, ${config.integrations.length} integrations`,
      );
      return 0;
    }
    case "who": {
      const config = load(configPath);
      const wanted = rest[0];
      const list = wanted ? config.schedules.filter((s) => s.name === wanted) : config.schedules;
      if (wanted && list.length === 0) {
        process.stderr.write(`calpage: no schedule called "${wanted}" in ${configPath} (schedules: ${config.schedules.map((s) => s.name).join(", ") || "none"})\n`);
        return 2;
      }
      const when = at ? new Date(at) : new Date();
      if (Number.isNaN(when.getTime())) {
        process.stderr.write(`calpage: --at ${at}: expected an ISO time like 2026-11-21T09:00:00Z\n`);
        return 2;
      }
      const store = createStore(config);
      await store.migrate();
      const schedules = createScheduleService(store, config, { log: (l) => process.stderr.write(`${l}\n`) });
      await schedules.start({ refresh: false });
      const names = new Map(config.users.map((u) => [u.email, u.name]));
      for (const s of list) {
        const who = schedules.whoIsOnCall(s.name, when);
        console.log(`${s.name}: ${who.length ? who.map((e) => `${names.get(e) ?? e} <${e}>`).join(", ") : "nobody is on call"}`);
      }
      await store.close();
      return 0;
    }
    case "help":
    case "--help":
    case "-h":
      console.log(USAGE);
      return 0;
    default:
      process.stderr.write(`calpage: unknown command "${command}"\n\n${USAGE}`);
      return 2;
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
