import { truncateMrkdwn, truncatePlain } from "../../shared/truncate-text.js";
import { escapeMrkdwn } from "./escape-mrkdwn.js";

export { truncateMrkdwn, truncatePlain };

/** Length limits of Slack's Block Kit that the builders stay within. */
export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  contextElements: 10,
  contextText: 3000,
  headerText: 150,
  buttonText: 75,
  optionText: 75,
  placeholderText: 150,
  actionsElements: 25,
  blockId: 255,
  actionId: 255,
  buttonValue: 2000,
} as const;

/** Escapes outside text for mrkdwn and shortens the result to at most `max` units. */
export function escapeTruncated(text: string, max: number): string {
  // Escaping can at most quintuple the length; cutting first keeps huge inputs cheap.
  return truncateMrkdwn(escapeMrkdwn(truncatePlain(text, max + 1)), max);
}
