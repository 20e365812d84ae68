/**
 * What the `notify.user_group` step needs from the chat: who is in a user group and who a
 * member is. Implemented by the Slack Web API adapter (src/slack/slack-api.ts), wired in src/app.
 */
export interface UserGroupDirectory {
  /** Member ids of a user group given by handle (without @) or id; null when there is no such group. */
  userGroupMembers(group: string): Promise<string[] | null>;
  /** A member's email; null when hidden or unknown. */
  userEmail(memberId: string): Promise<string | null>;
}
