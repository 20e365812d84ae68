const ELLIPSIS = "…";

// Never leave half of a surrogate pair at the end of a cut.
function cutAt(text: string, end: number): string {
  const last = text.charCodeAt(end - 1);
  return last >= 0xd800 && last <= 0xdbff ? text.slice(0, end - 1) : text.slice(0, end);
}

/** Shortens plain text to at most `max` UTF-16 units, ending with `…` when cut. */
export function truncatePlain(text: string, max: number): string {
  if (text.length <= max) return text;
  return cutAt(text, Math.max(0, max - ELLIPSIS.length)) + ELLIPSIS;
}

/**
 * Shortens mrkdwn to at most `max` UTF-16 units without cutting through an entity
 * (`&amp;`) or a `<…>` token (mention, link), which Slack would show as garbage.
 */
export function truncateMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  let head = cutAt(text, Math.max(0, max - ELLIPSIS.length));
  const open = head.lastIndexOf("<");
  if (open > head.lastIndexOf(">")) head = head.slice(0, open);
  const entity = /&[#a-zA-Z0-9]*$/.exec(head);
  if (entity) head = head.slice(0, entity.index);
  return head + ELLIPSIS;
}
