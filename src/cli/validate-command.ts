import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { suggest } from "../config/config-checker.js";
import type { Config } from "../config/config-types.js";
import { formatWarnings } from "../config/load-config.js";
import { CHECK_AHEAD_MS, checkFeeds } from "../schedule/check-feeds.js";
import { formatDateTime } from "../slack/blocks/format-time.js";
import type { CliCommand } from "./cli-command.js";
import type { CliContext } from "./cli-context.js";
import { jsonErrorPosition } from "../shared/json-error-position.js";
import { parsePreviewPayload, PREVIEW_NUMBER, renderPreview } from "./render-preview.js";

export const validateCommand: CliCommand = {
  usage: "validate [file] [--feeds] [--render <integration> <payload.json>]",
  takes: { flags: ["--feeds"], values: ["--render"], args: 2 },
  summary:
    "check the configuration and report every problem; --feeds also fetches every feed once (exit 1 when one cannot be read); --render shows what each message would say for a payload",
  async run(ctx) {
    const feedsAt = ctx.args.indexOf("--feeds");
    if (feedsAt !== -1) ctx.args.splice(feedsAt, 1);
    const renderAt = ctx.args.indexOf("--render");
    let render: { integration: string; payload: string } | null = null;
    if (renderAt !== -1) {
      const [integration, payload] = ctx.args.slice(renderAt + 1, renderAt + 3);
      if (integration === undefined || payload === undefined || integration.startsWith("--") || payload.startsWith("--")) {
        ctx.err("calpage validate --render needs an integration name and a payload file, like: calpage validate --render prod-alertmanager payload.json");
        return 2;
      }
      ctx.args.splice(renderAt, 3);
      render = { integration, payload };
    }
    const path = ctx.args[0] ? resolve(ctx.args[0]) : ctx.configPath;
    const config = ctx.config(path);
    // Warnings (e.g. a ladder the paging limits would cut) do not stop calpage, so they do not fail validation.
    const warnings = config.warnings ?? [];
    if (warnings.length > 0) ctx.err(formatWarnings(path, warnings));
    ctx.out(
      `${path}: OK — ${config.users.length} users, ${config.schedules.length} schedules, ${config.escalationChains.length} escalation chains, ${config.integrations.length} integrations${warnings.length > 0 ? `; ${warnings.length} warning(s)` : ""}`,
    );
    const generated = config.integrations.filter((i) => i.token === null).map((i) => i.name);
    if (generated.length > 0) ctx.out(`no token set for ${generated.join(", ")}: calpage generates one at start and keeps it; \`calpage urls\` prints the URL`);
    if (render !== null) {
      const code = renderPayload(ctx, config, render.integration, render.payload);
      if (code !== 0 || feedsAt === -1) return code;
    }
    if (feedsAt === -1) return 0;

    const users = config.users.map((u) => ({ email: u.email, name: u.name, aliases: u.aliases, slackHandle: u.slackHandle }));
    const checkedAt = new Date();
    const checks = await checkFeeds(config.schedules, users, { now: checkedAt });
    let unreadable = 0;
    for (const c of checks) {
      const zone = config.schedules.find((s) => s.name === c.schedule)!.timezone;
      for (const f of c.feeds) {
        if (f.error === null) continue;
        unreadable++;
        ctx.out(`${c.schedule}: ${f.kind} feed ${f.source}: cannot be read: ${f.error}`);
      }
      const r = c.report;
      if (!r) continue;
      for (const p of r.other) ctx.out(`${c.schedule}: ${p.kind === "bad_event" ? "event not read as written" : p.kind.replace(/_/g, " ")}${p.uid ? ` (UID ${p.uid})` : ""}: ${p.message}`);
      for (const p of r.unmatched) ctx.out(`${c.schedule}: name matches nobody${p.uid ? ` (UID ${p.uid})` : ""}: ${p.message}`);
      for (const g of r.gaps) {
        const from = g.ongoing ? "now" : `from ${formatDateTime(new Date(g.start), zone)}`;
        // A gap that reaches the end of the days checked has no known end: it is not "until" that minute.
        const open = g.end >= checkedAt.getTime() + CHECK_AHEAD_MS;
        ctx.out(`${c.schedule}: nobody on call ${from} ${open ? "to the end of the 14 days checked, at least" : `until ${formatDateTime(new Date(g.end), zone)}`}`);
      }
      const feedsOk = c.feeds.every((f) => f.error === null);
      if (r.empty && feedsOk) ctx.out(`${c.schedule}: feeds OK — every event read, every name matched, nobody-on-call gaps: none in the next 14 days`);
    }
    return unreadable > 0 ? 1 : 0;
  },
};

/**
 * `--render <integration> <payload.json>`: the payload parsed as that integration's intake would
 * (nothing stored), then every surface's text. 2 for an unknown integration or a payload that
 * cannot be read, is not JSON (with its line) or that the integration would refuse.
 */
function renderPayload(ctx: CliContext, config: Config, name: string, file: string): number {
  const integration = config.integrations.find((i) => i.name === name);
  if (integration === undefined) {
    const names = config.integrations.map((i) => i.name);
    const hint = suggest(name, names);
    ctx.err(`calpage validate --render: no integration named "${name}"${hint ? ` (did you mean "${hint}"?)` : ""}; ${names.length > 0 ? `defined: ${names.join(", ")}` : "no integrations are defined"}`);
    return 2;
  }
  let text: string;
  try {
    text = readFileSync(resolve(file), "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    ctx.err(`${file}: ${code === "ENOENT" ? "file not found" : `cannot read: ${(error as Error).message}`}`);
    return 2;
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    const at = jsonErrorPosition(text);
    const message = (error as Error).message.replace(/, ".*" is not valid JSON$/s, "").replace(/ in JSON at position \d+.*$/s, "");
    ctx.err(`${file}${at !== null ? `:${at.line}:${at.column}` : ""}: invalid JSON: ${message}`);
    return 2;
  }
  const parsed = parsePreviewPayload(integration, body);
  if (!parsed.ok) {
    ctx.err(parsed.errors.slice(0, 20).map((e) => `${file}: ${e.field}: ${e.message}`).join("\n"));
    ctx.err(`calpage validate --render: the ${integration.type} integration ${name} would refuse this payload (HTTP 400)`);
    return 2;
  }
  if (parsed.value.length === 0) {
    ctx.out(`${name}: this payload opens no alert group (nothing to render)`);
    return 0;
  }
  ctx.out(`${name}: what a first delivery of ${file} would say (the group shown as #${PREVIEW_NUMBER}):`);
  for (const line of renderPreview(integration, parsed.value, Date.now(), config.timezone)) ctx.out(line);
  return 0;
}
