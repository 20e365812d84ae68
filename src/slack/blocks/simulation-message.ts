import type { KnownBlock } from "@slack/types";
import { eventLabel, formatAfter } from "../../simulate/format-simulation.js";
import type { Simulation } from "../../simulate/simulation.js";
import { escapeMrkdwn } from "./escape-mrkdwn.js";
import { formatDateTime, formatTimeNear } from "./format-time.js";
import { escapeTruncated, SLACK_LIMITS } from "./truncate.js";

/** Lines are packed into sections below Slack's section text limit. */
const SECTION_CHARS = SLACK_LIMITS.sectionText - 200;
/** One timeline line at most (a long list of people on call). */
const LINE_CHARS = 1000;
/** Blocks kept free for the footer lines. */
const FOOTER_BLOCKS = 2;

const section = (text: string): KnownBlock => ({ type: "section", text: { type: "mrkdwn", text } });
const context = (text: string): KnownBlock => ({ type: "context", elements: [{ type: "mrkdwn", text }] });

/**
 * `/oncall simulate`'s answer: per alert group the route and chain, then one line per event
 * (`14:03 CET (+5m) · step 2 · *SMS* · SMS to Alice.`) in the asker's time zone, and how it
 * ends. A timeline longer than one Slack message allows is cut, saying how many lines were
 * left out (`calpage simulate` prints them all).
 */
export function simulationMessage(sim: Simulation, zone: string): { text: string; blocks: KnownBlock[] } {
  const at = new Date(sim.at);
  const max = SLACK_LIMITS.blocksPerMessage - FOOTER_BLOCKS;
  const blocks: KnownBlock[] = [section(`*Simulated page* for *${escapeMrkdwn(sim.integration)}* (${sim.integrationType}), alert arriving ${formatDateTime(at, zone)}`)];
  let leftLines = 0;
  let leftGroups = 0;
  for (const g of sim.groups) {
    // A group needs at least its divider, heading and end line.
    if (blocks.length + 3 > max) {
      leftGroups++;
      continue;
    }
    blocks.push({ type: "divider" });
    const route = `${escapeMrkdwn(g.route.label)} → chain ${g.route.chain ? `*${escapeMrkdwn(g.route.chain)}*` : "_none_"}, channel ${g.route.channel ? escapeMrkdwn(g.route.channel) : "_none_"}`;
    blocks.push(section(`*${escapeTruncated(g.title, 500)}* (${g.alerts} alert${g.alerts === 1 ? "" : "s"})\n${route}`));
    const chunks: { text: string; lines: number }[] = [];
    for (const e of g.events) {
      const label = eventLabel(e);
      const parts = [`\`${formatTimeNear(new Date(e.at), at, zone)}\` (${formatAfter(e.at - sim.at)})`];
      if (e.step !== null) parts.push(`step ${e.step}`);
      if (label) parts.push(`*${label}*`);
      parts.push(escapeTruncated(e.text, LINE_CHARS));
      const line = parts.join(" · ");
      const last = chunks.at(-1);
      if (last && last.text.length + line.length + 1 <= SECTION_CHARS) {
        last.text += `\n${line}`;
        last.lines++;
      } else chunks.push({ text: line, lines: 1 });
    }
    for (const chunk of chunks) {
      // Room is kept for this group's end line.
      if (blocks.length + 2 > max) leftLines += chunk.lines;
      else blocks.push(section(chunk.text));
    }
    blocks.push(context(`*End* (${formatTimeNear(new Date(g.end.at), at, zone)}): ${escapeMrkdwn(g.end.text)}`));
  }
  const left = [leftLines > 0 ? `${leftLines} more line${leftLines === 1 ? "" : "s"}` : "", leftGroups > 0 ? `${leftGroups} more group${leftGroups === 1 ? "" : "s"}` : ""].filter(Boolean);
  if (left.length > 0) blocks.push(context(`${left.join(" and ")} left out: this message is full. \`calpage simulate\` prints them all.`));
  blocks.push(context(`Assumed: ${escapeMrkdwn(sim.assumptions.join(" "))} Nothing was stored or sent.`));
  const pages = sim.groups.reduce((n, g) => n + g.events.filter((e) => e.kind === "page").length, 0);
  return { text: `Simulated page for ${sim.integration}: ${pages} notification${pages === 1 ? "" : "s"}. Nothing was stored or sent.`, blocks };
}
