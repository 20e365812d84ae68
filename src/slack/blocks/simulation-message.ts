import { eventLabel, formatAfter } from "../../simulate/format-simulation.js";
import type { Simulation } from "../../simulate/simulation.js";
import { escapeMrkdwn } from "./escape-mrkdwn.js";
import { formatDateTime, formatTimeNear } from "./format-time.js";

/** Section text limit is 3000; lines are packed below it. */
const SECTION_CHARS = 2800;
/** Slack allows 50 blocks per message; a few are kept for headers and the footer. */
const MAX_BLOCKS = 45;

type Block = { type: "section"; text: { type: "mrkdwn"; text: string } } | { type: "context"; elements: { type: "mrkdwn"; text: string }[] } | { type: "divider" };

const section = (text: string): Block => ({ type: "section", text: { type: "mrkdwn", text } });
const context = (text: string): Block => ({ type: "context", elements: [{ type: "mrkdwn", text }] });

/**
 * `/oncall simulate`'s answer: per alert group the route and chain, then one line per event
 * (`14:03 CET (+5m) · step 2 · SMS · SMS to Alice.`) in the asker's time zone, and how it ends.
 * Long timelines are cut at Slack's block limit, saying how many lines were left out (the CLI
 * prints them all).
 */
export function simulationMessage(sim: Simulation, zone: string): { text: string; blocks: Block[] } {
  const at = new Date(sim.at);
  const blocks: Block[] = [section(`*Simulated page* for *${escapeMrkdwn(sim.integration)}* (${sim.integrationType}), alert arriving ${formatDateTime(at, zone)}`)];
  let left = 0;
  for (const g of sim.groups) {
    blocks.push({ type: "divider" });
    const route = `${escapeMrkdwn(g.route.label)} → chain ${g.route.chain ? `*${escapeMrkdwn(g.route.chain)}*` : "_none_"}, channel ${g.route.channel ? escapeMrkdwn(g.route.channel) : "_none_"}`;
    blocks.push(section(`*${escapeMrkdwn(g.title)}* (${g.alerts} alert${g.alerts === 1 ? "" : "s"})\n${route}`));
    const lines = g.events.map((e) => {
      const label = eventLabel(e);
      const parts = [`\`${formatTimeNear(new Date(e.at), at, zone)}\` (${formatAfter(e.at - sim.at)})`];
      if (e.step !== null) parts.push(`step ${e.step}`);
      if (label) parts.push(`*${label}*`);
      parts.push(escapeMrkdwn(e.text));
      return parts.join(" · ");
    });
    let chunk = "";
    for (const [i, line] of lines.entries()) {
      if (chunk.length + line.length + 1 > SECTION_CHARS) {
        if (blocks.length >= MAX_BLOCKS) {
          left += lines.length - i;
          chunk = "";
          break;
        }
        blocks.push(section(chunk));
        chunk = "";
      }
      chunk += `${chunk ? "\n" : ""}${line}`;
    }
    if (chunk) blocks.push(section(chunk));
    blocks.push(context(`*End* (${formatTimeNear(new Date(g.end.at), at, zone)}): ${escapeMrkdwn(g.end.text)}`));
  }
  if (left > 0) blocks.push(context(`${left} more line${left === 1 ? "" : "s"} left out; \`calpage simulate\` prints them all.`));
  blocks.push(context(`Assumed: ${escapeMrkdwn(sim.assumptions.join(" "))} Nothing was stored or sent.`));
  const pages = sim.groups.reduce((n, g) => n + g.events.filter((e) => e.kind === "page").length, 0);
  return { text: `Simulated page for ${sim.integration}: ${pages} notification${pages === 1 ? "" : "s"}. Nothing was stored or sent.`, blocks };
}
