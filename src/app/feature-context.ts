import type { AccessService } from "../access/access-service.js";
import type { GuardedGroupActions } from "../access/guarded-group-actions.js";
import type { GroupActions } from "../alerts/group-actions.js";
import type { IngestService } from "../alerts/ingest-service.js";
import type { Config } from "../config/config-types.js";
import type { EscalationDeps } from "../escalation/escalation-deps.js";
import type { Metrics } from "../http/metrics.js";
import type { TwilioApi } from "../notify/twilio/twilio-api.js";
import type { ScheduleService } from "../schedule/schedule-service.js";
import type { SlackApi } from "../slack/slack-api.js";
import type { SlackUserCache } from "../slack/slack-user-cache.js";
import type { SlackPersonZones } from "../slack/slack-person-zones.js";
import type { SlackPrincipals } from "../slack/slack-principals.js";
import type { Store } from "../store/store.js";

/** What the composition root hands every feature. */
export interface FeatureContext {
  config: Config;
  store: Store;
  slack: SlackApi;
  slackUsers: SlackUserCache;
  /** People's time zones (calpage.yaml, else their Slack profile, else the top-level timezone). Optional for contexts built by hand. */
  zones?: SlackPersonZones;
  schedules: ScheduleService;
  /** Unchecked group actions: for jobs and the system itself. People's actions go through `guarded`. */
  actions: GroupActions;
  /** Group actions checked against the access rules and audited. */
  guarded: GuardedGroupActions;
  access: AccessService;
  principals: SlackPrincipals;
  ingest: IngestService;
  escalation: EscalationDeps;
  metrics: Metrics;
  log: (line: string) => void;
  now: () => number;
  /** Twilio's REST API; null when Twilio is not configured. Optional while the composition root does not pass it yet. */
  twilio?: TwilioApi | null;
}
