import { createStore } from "../app/create-store.js";
import type { CliCommand } from "./cli-command.js";

export const migrateCommand: CliCommand = {
  usage: "migrate",
  takes: { args: 0 },
  summary: "apply database migrations and exit",
  async run(ctx) {
    const config = ctx.config();
    const store = createStore(config);
    await store.migrate();
    await store.close();
    ctx.out(`migrations applied (${config.env.databaseUrl ? "Postgres" : config.env.sqlitePath})`);
    return 0;
  },
};
