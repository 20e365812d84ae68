/** An actor as log text: a Slack user id (`U…`) becomes a mention, anything else stays a name. */
export const mention = (actor: string): string => (/^[UW][A-Z0-9]+$/.test(actor) ? `<@${actor}>` : actor);
