import type { Config } from "./config-types.js";

/**
 * Every secret value the configuration holds, for the redactor: tokens in URLs, API tokens, the Slack and
 * Twilio credentials, the database password, outgoing webhooks' signing secrets and static header values.
 */
export function configSecrets(config: Config): (string | null)[] {
  const { slack, twilio } = config.env;
  return [
    ...config.integrations.map((i) => i.token),
    ...config.integrations.flatMap((i) => [...i.outgoingWebhooks, ...i.routes.flatMap((r) => r.outgoingWebhooks)]).flatMap((h) => [h.secret, ...Object.values(h.headers)]),
    ...config.users.map((u) => u.exportToken),
    ...config.schedules.map((s) => s.exportToken),
    ...config.api.tokens.map((t) => t.token),
    slack.botToken,
    slack.signingSecret,
    slack.appToken,
    config.env.slackSignIn?.clientSecret ?? null,
    twilio.authToken,
    config.env.metricsToken,
    config.env.heartbeatUrl,
    databasePassword(config.env.databaseUrl),
  ];
}

function databasePassword(url: string | null): string | null {
  if (url === null) return null;
  try {
    return decodeURIComponent(new URL(url).password) || null;
  } catch {
    return null;
  }
}
