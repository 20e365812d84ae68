import { createMaintenanceService } from "../alerts/maintenance-service.js";
import { createStore } from "../app/create-store.js";
import { parseDuration } from "../shared/duration.js";
import type { CliCommand } from "./cli-command.js";

/**
 * `calpage maintenance <integration> <duration|off>` and `calpage maintenance` (list).
 * Writes to the database, so the running server (every replica) sees it at once;
 * the end is a timer the server runs and announces.
 */
export const maintenanceCommand: CliCommand = {
  usage: "maintenance [<integration> <duration|off>]",
  summary: "list, start or end maintenance (alerts stored and shown, not escalated)",
  async run(ctx) {
    const config = ctx.config();
    const [name, duration] = ctx.args;
    const store = createStore(config);
    try {
      await store.migrate();
      const maintenance = createMaintenanceService(store, config);
      const now = Date.now();
      if (!name) {
        const active = await maintenance.list(now);
        if (active.length === 0) ctx.out("No integration is in maintenance.");
        for (const m of active) ctx.out(`${m.integration}: until ${new Date(m.until).toISOString()} (started by ${m.startedBy})`);
        return 0;
      }
      if (!duration) {
        ctx.err("calpage: maintenance: expected a duration like 2h, or off — e.g. `calpage maintenance prod-alertmanager 2h`");
        return 2;
      }
      const by = ctx.env.USER ? `${ctx.env.USER} (CLI)` : "the CLI";
      let result;
      if (["off", "stop", "end"].includes(duration.toLowerCase())) result = await maintenance.stop(name, by, now);
      else {
        const seconds = parseDuration(duration);
        if (seconds === null || seconds <= 0) {
          ctx.err(`calpage: maintenance: "${duration}" is not a duration like 30m or 2h`);
          return 2;
        }
        result = await maintenance.start(name, seconds, by, now);
      }
      (result.ok ? ctx.out : ctx.err)(result.ok ? result.message : `calpage: ${result.message}`);
      return result.ok ? 0 : 2;
    } finally {
      await store.close();
    }
  },
};
