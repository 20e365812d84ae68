export * from "./action-ids.js";
export type * from "./alert-group-view.js";
export { alertGroupMessage, alertGroupFallbackText, ALERT_GROUP_BLOCK_IDS } from "./alert-group-message.js";
export { alertGroupActions } from "./alert-group-actions.js";
export { directPageMessage, DIRECT_PAGE_BLOCK_IDS } from "./direct-page-message.js";
export { escalationLogReply, ESCALATION_LOG_KIND_EMOJI } from "./escalation-log-reply.js";
export { escapeMrkdwn } from "./escape-mrkdwn.js";
export { SLACK_LIMITS } from "./truncate.js";
export { blockKitProblems } from "./block-kit-problems.js";
