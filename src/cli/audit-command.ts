import { formatAuditJson, formatAuditTable } from "../access/format-audit.js";
import { createStore } from "../app/create-store.js";
import { parseDuration } from "../shared/duration.js";
import type { CliCommand } from "./cli-command.js";

const MAX_ENTRIES = 100_000;

/** `calpage audit [--since 7d|ISO] [--actor id|name] [--format table|json]`: the audit trail, oldest first. */
export const auditCommand: CliCommand = {
  usage: "audit [--since 7d|ISO-time] [--actor <Slack id, email or name>] [--format table|json]",
  takes: { values: ["--since", "--actor", "--format"], args: 0 },
  summary: "who did what: every state-changing action and refusal, from every surface",
  async run(ctx) {
    const sinceText = ctx.option("--since");
    const actor = ctx.option("--actor");
    const format = ctx.option("--format") ?? "table";
    if (format !== "table" && format !== "json") {
      ctx.err(`calpage: audit: --format ${format}: expected table or json`);
      return 2;
    }
    const now = Date.now();
    let since = now - 7 * 86_400_000;
    if (sinceText !== undefined) {
      const seconds = parseDuration(sinceText.toLowerCase());
      const iso = Date.parse(sinceText);
      if (seconds !== null && seconds > 0) since = now - seconds * 1000;
      else if (/^\d{4}-\d\d-\d\d/.test(sinceText) && !Number.isNaN(iso)) since = iso;
      else {
        ctx.err(`calpage: audit: --since ${sinceText}: expected a duration like 24h or 30d, or an ISO time like 2026-11-21T09:00:00Z`);
        return 2;
      }
    }
    const config = ctx.config();
    const store = createStore(config);
    try {
      await store.migrate();
      const entries = await store.read.audit.list({ since, ...(actor ? { actor } : {}), limit: MAX_ENTRIES });
      if (format === "json") ctx.out(formatAuditJson(entries));
      else if (entries.length === 0) ctx.out(`No audit entries since ${new Date(since).toISOString()}${actor ? ` by ${actor}` : ""}.`);
      else ctx.out(formatAuditTable(entries));
      return 0;
    } finally {
      await store.close();
    }
  },
};
