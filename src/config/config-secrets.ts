import type { Config } from "./config-types.js";

/** Every secret value the configuration holds, for the redactor: tokens in URLs and the Slack and Twilio credentials. */
export function configSecrets(config: Config): (string | null)[] {
  const { slack, twilio } = config.env;
  return [
    ...config.integrations.map((i) => i.token),
    ...config.users.map((u) => u.exportToken),
    ...config.schedules.map((s) => s.exportToken),
    slack.botToken,
    slack.signingSecret,
    slack.appToken,
    twilio.authToken,
    config.env.metricsToken,
  ];
}
