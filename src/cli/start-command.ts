import { createCalpage } from "../app/create-calpage.js";
import { formatWarnings } from "../config/load-config.js";
import type { CliCommand } from "./cli-command.js";

export const startCommand: CliCommand = {
  usage: "start",
  summary: "run the server (HTTP on PORT, default 8080)",
  async run(ctx) {
    const config = ctx.config();
    if (config.warnings?.length) ctx.err(formatWarnings(config.path, config.warnings));
    const app = await createCalpage(config);
    const port = await app.start();
    const backend = config.env.databaseUrl ? "Postgres" : `SQLite (${config.env.sqlitePath})`;
    const env = config.env;
    ctx.out(`calpage listening on ${env.host ?? "*"}:${port} with ${backend}; config ${config.path}`);
    if (env.metricsPort !== null) ctx.out(`/metrics on ${env.metricsHost}:${env.metricsPort} only${env.metricsToken ? ", with METRICS_TOKEN" : ""}`);
    else if (env.metricsToken) ctx.out("/metrics needs Authorization: Bearer <METRICS_TOKEN>");
    let stopping = false;
    const shutdown = (signal: string) => {
      if (stopping) return;
      stopping = true;
      ctx.out(`calpage: ${signal}, shutting down`);
      app.stop().then(
        () => process.exit(0),
        (e: unknown) => {
          ctx.err(String(e));
          process.exit(1);
        },
      );
    };
    process.on("SIGINT", () => shutdown("SIGINT"));
    process.on("SIGTERM", () => shutdown("SIGTERM"));
    return -1;
  },
};
