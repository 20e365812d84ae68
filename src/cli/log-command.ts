import { alertCountsText } from "../alerts/alert-counts-text.js";
import { createStore } from "../app/create-store.js";
import { maskPhoneNumbers } from "../shared/redact.js";
import type { CliCommand } from "./cli-command.js";

/** `calpage log <group>`: the group's history — every step and notification — as the Slack thread shows it. */
export const logCommand: CliCommand = {
  usage: "log <group number>",
  takes: { args: 1 },
  summary: "print an alert group's log: every escalation step and notification",
  async run(ctx) {
    const config = ctx.config();
    const n = Number(/^#?(\d+)$/.exec(ctx.args[0] ?? "")?.[1]);
    if (!Number.isInteger(n) || n <= 0) {
      ctx.err("calpage: log: expected a group number, e.g. `calpage log 42`");
      return 2;
    }
    const store = createStore(config);
    try {
      await store.migrate();
      const group = await store.read.groups.getByNumber(n);
      if (!group) {
        ctx.err(`calpage: there is no alert group #${n}`);
        return 2;
      }
      ctx.out(`#${group.number} ${group.title} — ${group.state}, ${alertCountsText(group)} (${group.integration})`);
      for (const e of await store.read.log.list(group.id)) ctx.out(`${new Date(e.at).toISOString()}  ${e.kind.padEnd(14)} ${maskPhoneNumbers(e.text)}`);
      for (const p of await store.read.pages.listForGroup(group.id)) {
        ctx.out(`page ${p.channel.padEnd(8)} ${p.userEmail} ${p.state}${p.error ? ` (${maskPhoneNumbers(p.error)})` : ""}`);
      }
      return 0;
    } finally {
      await store.close();
    }
  },
};
