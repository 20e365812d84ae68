/**
 * The `notify_channel` step's message: an @here / @channel that pings, then the group, whose title
 * comes from the alert's source — escaped (`&`, `<`, `>`) so a title like `<!everyone>` or a
 * `<https://…|link>` shows literally and pings or links nothing.
 */
export function channelMentionText(mention: "here" | "channel", number: number, title: string): string {
  const safe = title.replace(/[&<>]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : "&gt;"));
  return `<!${mention}> #${number} ${safe} is still firing and unacknowledged.`;
}
