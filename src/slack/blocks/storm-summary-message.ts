import type { KnownBlock } from "@slack/types";
import { alertCountsText, type AlertCounts } from "../../alerts/alert-counts-text.js";
import type { AlertGroupState } from "./alert-group-view.js";
import { STATE_EMOJI, STATE_LABEL } from "./alert-group-status.js";
import { formatClock } from "./format-time.js";
import { escapeMrkdwnInline, safeUrl } from "./mrkdwn-parts.js";
import { SLACK_LIMITS } from "./truncate.js";

/** One group as the storm summary lists it. */
export interface StormSummaryGroup extends AlertCounts {
  number: number;
  title: string;
  state: AlertGroupState;
  /** The group's own message in the channel, once it is posted; null until then. */
  link: string | null;
}

export interface StormSummaryView {
  startedAt: Date;
  /** Set once the storm is over. */
  endedAt: Date | null;
  /** Every group of the storm, how many there are (the list may hold only the first of them). */
  total: number;
  /** The first groups of the storm, oldest first. */
  groups: readonly StormSummaryGroup[];
}

/** Lines the list shows at most; past it, one line says how many more there are. */
export const STORM_SUMMARY_MAX_LINES = 100;
/** Titles are cut to this many characters, so a line stays one line. */
const TITLE_CHARS = 80;
/** Room for the list: every block but the header, the explanation and the "more" line. */
const LIST_BLOCKS = SLACK_LIMITS.blocksPerMessage - 3;

/**
 * The one channel message of a storm: a header with the count, one line per new group
 * (`🔴 #123 <link|Title> · Firing · 5 alerts`, the link once the group's own message exists),
 * packed into sections within Slack's limits, and a closing line once the storm is over.
 */
export function stormSummaryMessage(view: StormSummaryView, opts: { timezone: string }): { text: string; blocks: KnownBlock[] } {
  const groupsWord = view.total === 1 ? "new alert group" : "new alert groups";
  const since = formatClock(view.startedAt, opts.timezone);
  const text = view.endedAt
    ? `Alert storm over: ${view.total} ${groupsWord} from ${since} to ${formatClock(view.endedAt, opts.timezone)}`
    : `⛈️ Alert storm: ${view.total} ${groupsWord} since ${since}`;
  const blocks: KnownBlock[] = [{ type: "header", text: { type: "plain_text", text: text.slice(0, SLACK_LIMITS.headerText), emoji: true } }];
  blocks.push({
    type: "context",
    elements: [
      {
        type: "mrkdwn",
        text: view.endedAt
          ? "The storm is over: each group has its own message below, with its buttons."
          : "Too many new alert groups at once for one message each right away: they are listed here as they arrive, and each gets its own message (with buttons) as Slack allows, one a second. Whoever is on call was notified directly.",
      },
    ],
  });

  const lines = view.groups.slice(0, STORM_SUMMARY_MAX_LINES).map(groupLine);
  let shown = 0;
  let section: string[] = [];
  let size = 0;
  const sections: string[] = [];
  for (const line of lines) {
    if (size + line.length + 1 > SLACK_LIMITS.sectionText) {
      if (sections.length + 1 >= LIST_BLOCKS) break;
      sections.push(section.join("\n"));
      section = [];
      size = 0;
    }
    section.push(line);
    size += line.length + 1;
    shown++;
  }
  if (section.length > 0) sections.push(section.join("\n"));
  for (const s of sections) blocks.push({ type: "section", text: { type: "mrkdwn", text: s } });
  if (view.total > shown) {
    const more = view.total - shown;
    blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: `…and ${more} more ${more === 1 ? "group" : "groups"}: \`/oncall alerts\` lists the open ones.` }] });
  }
  return { text, blocks };
}

function groupLine(g: StormSummaryGroup): string {
  const title = escapeMrkdwnInline(g.title, TITLE_CHARS) || "(no title)";
  const href = g.link !== null ? safeUrl(g.link) : null;
  const titled = href ? `<${href}|${title}>` : title;
  return `${STATE_EMOJI[g.state]} *#${g.number}* ${titled} · ${STATE_LABEL[g.state]} · ${alertCountsText(g)}`;
}

/** A Slack link to a message (the workspace is the reader's own). */
export function slackMessageLink(channelId: string, ts: string): string {
  return `https://slack.com/archives/${channelId}/p${ts.replace(".", "")}`;
}
