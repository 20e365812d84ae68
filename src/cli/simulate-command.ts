import { readFileSync } from "node:fs";
import { simulationJson } from "../simulate/format-simulation.js";
import { DEFAULT_HORIZON_MS } from "../simulate/simulate-page.js";
import { createSimulateService, twilioConfigured } from "../simulate/simulate-service.js";
import { parseDuration } from "../shared/duration.js";
import type { CliCommand } from "./cli-command.js";
import { openSchedules } from "./open-schedules.js";
import { formatSimulationTable } from "./simulation-table.js";
import { parseWhen } from "./parse-time-option.js";

const DAY = 86_400_000;
/** The longest span `--for` accepts. */
const MAX_HORIZON_MS = 7 * DAY;

export const simulateCommand: CliCommand = {
  usage: "simulate <file|-> --integration <name> [--at time] [--for 24h] [--format table|json]",
  takes: { values: ["--integration", "--at", "--for", "--format"], args: 1 },
  summary: "show what a payload would page: route, chain, every step and ladder rung with its time (changes nothing)",
  async run(ctx) {
    const integrationName = ctx.option("--integration");
    const atText = ctx.option("--at");
    const forText = ctx.option("--for");
    const format = ctx.option("--format") ?? "table";
    const file = ctx.args[0];
    if (!file || !integrationName) {
      ctx.err(`usage: calpage ${simulateCommand.usage}`);
      return 2;
    }
    if (format !== "table" && format !== "json") {
      ctx.err(`calpage: --format ${format}: expected table or json`);
      return 2;
    }
    const config = ctx.config();
    const at = parseWhen(atText === undefined ? [] : [atText], config.timezone, new Date());
    if (!at) {
      ctx.err(`calpage: --at ${atText}: expected an ISO time like 2026-11-21T09:00:00Z or 2026-11-21 09:00 (in ${config.timezone})`);
      return 2;
    }
    let horizonMs = DEFAULT_HORIZON_MS;
    if (forText !== undefined) {
      const seconds = parseDuration(forText);
      if (seconds === null || seconds <= 0 || seconds * 1000 > MAX_HORIZON_MS) {
        ctx.err(`calpage: --for ${forText}: expected a duration from 1s to 7d, like 24h or 3d`);
        return 2;
      }
      horizonMs = seconds * 1000;
    }
    if (!config.integrations.some((i) => i.name === integrationName)) {
      ctx.err(`calpage: no integration called "${integrationName}" in ${ctx.configPath} (integrations: ${config.integrations.map((i) => i.name).join(", ") || "none"})`);
      return 2;
    }
    let body: unknown;
    try {
      const text = file === "-" ? readFileSync(0, "utf8") : readFileSync(file, "utf8");
      body = JSON.parse(text);
    } catch (error) {
      const what = error instanceof SyntaxError ? `invalid JSON (${error.message})` : `cannot read it (${(error as Error).message})`;
      ctx.err(`calpage: ${file === "-" ? "standard input" : file}: ${what}`);
      return 2;
    }

    // The schedules around the simulated span; other times are computed on demand.
    const now = Date.now();
    const t = at.getTime();
    const window = { behindMs: Math.max(DAY, now - t + DAY), aheadMs: Math.max(DAY, t + horizonMs - now + DAY) };
    const { store, schedules } = await openSchedules(config, ctx.err, { window });
    try {
      const service = createSimulateService({ config, store, schedules, phoneEnabled: twilioConfigured(config) });
      const result = await service.simulate(integrationName, { body }, t, { horizonMs });
      if (!result.ok) {
        for (const e of result.errors) ctx.err(`calpage: ${file === "-" ? "standard input" : file}: ${e}`);
        return 2;
      }
      if (format === "json") ctx.out(JSON.stringify(simulationJson(result.value), null, 2));
      else for (const line of formatSimulationTable(result.value, config.timezone)) ctx.out(line);
      return 0;
    } finally {
      await schedules.stop();
      await store.close();
    }
  },
};
