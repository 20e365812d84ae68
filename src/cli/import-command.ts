import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { formatProblems, loadConfig } from "../config/load-config.js";
import { mapGrafanaOncall } from "../import/map-grafana-oncall.js";
import { fetchOncallExport, ImportSourceError, readOncallDir } from "../import/read-oncall-export.js";
import type { CliCommand } from "./cli-command.js";

const USAGE = "import grafana-oncall (--url <api url> --token <api key> [--grafana-url <url>] | --from-dir <dir>) --out <dir> [--force]";

/**
 * `calpage import grafana-oncall`: reads Grafana OnCall's public API (or saved responses) and writes
 * calpage.yaml, one .ics per schedule made of shifts, and import-report.txt into `--out`.
 */
export const importCommand: CliCommand = {
  usage: "import grafana-oncall (--url <url> --token <key> | --from-dir <dir>) --out <dir>",
  summary: "write calpage.yaml and schedule calendars from Grafana OnCall (its API, or saved responses) and a report of what was not carried over; --force replaces",
  async run(ctx) {
    const url = ctx.option("--url");
    const token = ctx.option("--token") ?? ctx.env.GRAFANA_ONCALL_TOKEN;
    const grafanaUrl = ctx.option("--grafana-url");
    const fromDir = ctx.option("--from-dir");
    const out = ctx.option("--out");
    const forceAt = ctx.args.indexOf("--force");
    if (forceAt !== -1) ctx.args.splice(forceAt, 1);
    const source = ctx.args.shift();
    const usage = (message: string) => {
      ctx.err(`calpage import: ${message}\nusage: calpage ${USAGE}`);
      return 2;
    };
    if (source !== "grafana-oncall") return usage(source === undefined ? "name the system to import from: grafana-oncall" : `cannot import from "${source}"; only grafana-oncall`);
    if (ctx.args.length > 0) return usage(`unexpected argument "${ctx.args[0]}"`);
    if (!out) return usage("--out <dir> is required (where calpage.yaml is written)");
    if ((url === undefined) === (fromDir === undefined)) return usage("give either --url (with --token) or --from-dir");
    if (url !== undefined && !token) return usage("--token is required with --url (an OnCall API key from OnCall → Settings; or set GRAFANA_ONCALL_TOKEN)");

    const outDir = resolve(out);
    const configPath = join(outDir, "calpage.yaml");
    if (existsSync(configPath) && forceAt === -1) {
      ctx.err(`calpage import: ${configPath} already exists; nothing written (add --force to replace it and the schedule files)`);
      return 1;
    }

    let read;
    try {
      read = fromDir !== undefined ? await readOncallDir(resolve(fromDir)) : await fetchOncallExport({ url: url!, token: token!, ...(grafanaUrl ? { grafanaUrl } : {}) });
    } catch (error) {
      if (error instanceof ImportSourceError) {
        ctx.err(`calpage import: ${error.message}`);
        return 1;
      }
      throw error;
    }
    const result = mapGrafanaOncall(read.data, new Date());
    const report = [...read.notes, ...result.report];

    const reportText = report.length === 0 ? "Everything was carried over.\n" : report.map((line) => `- ${line}`).join("\n") + "\n";
    try {
      mkdirSync(outDir, { recursive: true });
      for (const file of result.files) {
        const path = join(outDir, file.path);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, file.text);
      }
      writeFileSync(join(outDir, "import-report.txt"), `Not carried over from Grafana OnCall, or carried differently:\n\n${reportText}`);
      // Last, so a calpage.yaml is only there when its calendars are; the integration tokens are in it: readable by its owner only.
      writeFileSync(configPath, result.yaml, { mode: 0o600 });
      chmodSync(configPath, 0o600);
    } catch (error) {
      ctx.err(`calpage import: --out ${outDir}: ${(error as Error).message}`);
      return 1;
    }

    const c = result.counts;
    ctx.out(`wrote ${configPath}: ${c.users} users, ${c.schedules} schedules (${result.files.length} calendar files), ${c.chains} escalation chains, ${c.integrations} integrations`);
    ctx.out(`${report.length} note(s) in ${join(outDir, "import-report.txt")}:`);
    for (const line of report) ctx.out(`  - ${line}`);

    // What was written must be a configuration calpage starts with.
    // Without the environment: its problems (a half-set TWILIO_*) are not the file's.
    const check = loadConfig(configPath, {});
    if (!check.ok) {
      ctx.err(formatProblems(configPath, check.errors));
      ctx.err(`calpage import: the written configuration has ${check.errors.length} problem(s); please report this as a bug`);
      return 1;
    }
    ctx.out(`${configPath}: OK (calpage validate)`);
    return 0;
  },
};
