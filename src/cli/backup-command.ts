import { resolve } from "node:path";
import { backupSqlite } from "../store/sqlite-backup.js";
import { errorText } from "../shared/error-text.js";
import type { CliCommand } from "./cli-command.js";

export const backupCommand: CliCommand = {
  usage: "backup <file>",
  takes: { args: 1 },
  summary: "copy the SQLite database to <file> while calpage runs (Postgres: use pg_dump, see README)",
  async run(ctx) {
    const target = ctx.args.shift();
    if (!target) {
      ctx.err("usage: calpage backup <file>   (one file name: where the copy goes; it must not exist yet)");
      return 2;
    }
    const config = ctx.config();
    if (config.env.databaseUrl) {
      ctx.err(
        "calpage backup copies the SQLite file; with DATABASE_URL set, back Postgres up with its own tools:\n" +
          '  pg_dump --format=custom --file=calpage.dump "$DATABASE_URL"\n' +
          '  restore into an empty database: pg_restore --no-owner --dbname="$DATABASE_URL" calpage.dump\n' +
          "(README, \"Backup and restore\")",
      );
      return 1;
    }
    const path = resolve(target);
    try {
      const pages = await backupSqlite(config.env.sqlitePath, path);
      ctx.out(`backed up ${config.env.sqlitePath} to ${path} (${pages} pages); restore: stop calpage, copy it to ${config.env.sqlitePath}, start`);
      return 0;
    } catch (error) {
      ctx.err(`calpage backup: ${errorText(error)}`);
      return 1;
    }
  },
};
