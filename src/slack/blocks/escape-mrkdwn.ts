const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };

/**
 * Escapes the three characters Slack's mrkdwn treats as control characters, so
 * user-provided text such as `<!channel>` or `<@U1>` shows literally and never
 * pings anyone or forms a link. Apply it to every piece of outside text placed in
 * a mrkdwn field or in a message's top-level `text`; never to markup we build.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/[&<>]/g, (c) => ENTITIES[c] ?? c);
}
