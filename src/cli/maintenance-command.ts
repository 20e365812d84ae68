import { decideAccess } from "../access/access-policy.js";
import { cliPrincipal } from "../access/principal.js";
import { recordAudit } from "../access/record-audit.js";
import { createMaintenanceService } from "../alerts/maintenance-service.js";
import { createStore } from "../app/create-store.js";
import { formatDuration, parseDuration } from "../shared/duration.js";
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
      // The CLI acts as the OS user: someone with a shell on the server, who may do what admins may; bounds still apply.
      const who = cliPrincipal(ctx.env.USER ?? ctx.env.LOGNAME);
      const off = ["off", "stop", "end"].includes(duration.toLowerCase());
      const seconds = off ? null : parseDuration(duration);
      if (!off && (seconds === null || seconds <= 0)) {
        ctx.err(`calpage: maintenance: "${duration}" is not a duration like 30m or 2h`);
        return 2;
      }
      const action = seconds === null ? "maintenance off" : `maintenance ${formatDuration(seconds)}`;
      const names = { person: (email: string) => config.users.find((u) => u.email === email)?.name ?? email };
      const decision = decideAccess(config.access, who, { kind: "maintenance", seconds }, names);
      if (!decision.allowed) {
        await recordAudit(store, who, "cli", action, name, "refused", decision.message, now);
        ctx.err(`calpage: maintenance: ${decision.message}`);
        return 2;
      }
      const result = seconds === null ? await maintenance.stop(name, who.actor, now) : await maintenance.start(name, seconds, who.actor, now);
      await recordAudit(store, who, "cli", action, name, result.ok ? "done" : "failed", result.ok ? null : result.message, now);
      (result.ok ? ctx.out : ctx.err)(result.ok ? result.message : `calpage: ${result.message}`);
      return result.ok ? 0 : 2;
    } finally {
      await store.close();
    }
  },
};
