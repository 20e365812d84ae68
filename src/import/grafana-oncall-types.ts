/**
 * The objects of Grafana OnCall's public API v1 (`/api/v1/…`) that the importer reads, as its
 * serializers write them (engine/apps/public_api/serializers). Fields the importer does not use
 * are left out; every field is optional because older OnCall versions leave some out.
 */

export interface OncallUser {
  id: string;
  email?: string | null;
  username?: string | null;
  /** One Slack identity (the serializer) or a list of them (the docs' example). */
  slack?: { user_id?: string | null } | { user_id?: string | null }[] | null;
  is_phone_number_verified?: boolean;
  /** Not in the public API; read when a recorded response (or a future version) has it. */
  phone_number?: string | null;
  verified_phone_number?: string | null;
  timezone?: string | null;
  teams?: string[] | null;
}

export interface OncallSchedule {
  id: string;
  name: string;
  team_id?: string | null;
  /** `ical`, `calendar` or `web`. */
  type?: string;
  time_zone?: string | null;
  ical_url_primary?: string | null;
  ical_url_overrides?: string | null;
  shifts?: string[] | null;
  slack?: { channel_id?: string | null; user_group_id?: string | null } | null;
}

export interface OncallShift {
  id: string;
  name?: string | null;
  /** `single_event`, `recurrent_event`, `rolling_users` or `override`. */
  type: string;
  schedule?: string | null;
  time_zone?: string | null;
  level?: number | null;
  /** Wall time in the shift's (else the schedule's) zone: `2020-09-10T08:00:00`. */
  start: string;
  rotation_start?: string | null;
  /** Seconds. */
  duration: number;
  /** `hourly`, `daily`, `weekly`, `monthly`. */
  frequency?: string | null;
  interval?: number | null;
  until?: string | null;
  week_start?: string | null;
  by_day?: string[] | null;
  by_month?: number[] | null;
  by_monthday?: number[] | null;
  users?: string[] | null;
  rolling_users?: string[][] | null;
  start_rotation_from_user_index?: number | null;
}

export interface OncallEscalationChain {
  id: string;
  name: string;
  team_id?: string | null;
}

export interface OncallEscalationPolicy {
  id: string;
  escalation_chain_id: string;
  position?: number;
  type: string;
  duration?: number | null;
  important?: boolean;
  persons_to_notify?: string[] | null;
  persons_to_notify_next_each_time?: string[] | null;
  notify_on_call_from_schedule?: string | null;
  group_to_notify?: string | null;
  team_to_notify?: string | null;
  action_to_trigger?: string | null;
  notify_if_time_from?: string | null;
  notify_if_time_to?: string | null;
  num_alerts_in_window?: number | null;
  num_minutes_in_window?: number | null;
  severity?: string | null;
}

export interface OncallRouteSlack {
  channel_id?: string | null;
  enabled?: boolean | null;
}

export interface OncallIntegration {
  id: string;
  name: string;
  team_id?: string | null;
  type: string;
  /** `<base>/integrations/v1/<kind>/<token>/` */
  link?: string | null;
  default_route?: { id?: string; escalation_chain_id?: string | null; slack?: OncallRouteSlack | null } | null;
  templates?: Record<string, unknown> | null;
}

export interface OncallRoute {
  id: string;
  integration_id: string;
  escalation_chain_id?: string | null;
  /** `regex` (default), `jinja2` or `labels`. */
  routing_type?: string | null;
  routing_regex?: string | null;
  position?: number;
  is_the_last_route?: boolean;
  slack?: OncallRouteSlack | null;
}

export interface OncallUserGroup {
  id: string;
  type?: string;
  slack?: { id?: string | null; name?: string | null; handle?: string | null } | null;
}

export interface OncallWebhook {
  id: string;
  name?: string | null;
  is_webhook_enabled?: boolean;
  url?: string | null;
  http_method?: string | null;
  data?: string | null;
  username?: string | null;
  authorization_header?: string | null;
  headers?: string | null;
  trigger_type?: string | null;
}

export interface OncallNotificationRule {
  id: string;
  user_id: string;
  position?: number;
  important?: boolean;
  /** `wait`, `notify_by_slack`, `notify_by_sms`, `notify_by_phone_call`, `notify_by_telegram`, `notify_by_email`, `notify_by_mobile_app`… */
  type: string;
  /** Seconds, for `wait`. */
  duration?: number | null;
}

/** Everything the importer reads, one list per endpoint (all pages). */
export interface OncallExport {
  users: OncallUser[];
  schedules: OncallSchedule[];
  onCallShifts: OncallShift[];
  escalationChains: OncallEscalationChain[];
  escalationPolicies: OncallEscalationPolicy[];
  integrations: OncallIntegration[];
  routes: OncallRoute[];
  userGroups: OncallUserGroup[];
  webhooks: OncallWebhook[];
  personalNotificationRules: OncallNotificationRule[];
}

/**
 * The endpoint (under `/api/v1/`) of each list, and whether an OnCall without it (404), or a key
 * that may not read it (403), is read as empty.
 */
export const ONCALL_ENDPOINTS: readonly { key: keyof OncallExport; endpoint: string; optional: boolean }[] = [
  { key: "users", endpoint: "users", optional: false },
  { key: "schedules", endpoint: "schedules", optional: false },
  { key: "onCallShifts", endpoint: "on_call_shifts", optional: false },
  { key: "escalationChains", endpoint: "escalation_chains", optional: false },
  { key: "escalationPolicies", endpoint: "escalation_policies", optional: false },
  { key: "integrations", endpoint: "integrations", optional: false },
  { key: "routes", endpoint: "routes", optional: false },
  { key: "userGroups", endpoint: "user_groups", optional: true },
  { key: "webhooks", endpoint: "webhooks", optional: true },
  // Readable with a user's API key only (not a service account token).
  { key: "personalNotificationRules", endpoint: "personal_notification_rules", optional: true },
];
