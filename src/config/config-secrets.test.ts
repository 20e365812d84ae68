import { describe, expect, it } from "vitest";
import { configSecrets } from "./config-secrets.js";
import { parseConfig } from "./parse-config.js";

describe("configSecrets", () => {
  it("lists every token and credential the config holds, and nothing else", () => {
    const yaml = `users:
  - email: a@example.com
    name: A
    phone: "+15550000001"
    export_token: user-export-token-0123
schedules:
  - name: primary
    feed: https://calendar.example.com/basic.ics
    export_token: schedule-export-token-0123
integrations:
  - name: am
    type: alertmanager
    token: integration-token-0123456
  - name: generated
    type: webhook
`;
    const parsed = parseConfig(yaml, "/tmp/calpage.yaml", {
      DATABASE_URL: "postgres://calpage:db%20password-0123@db:5432/calpage",
      SLACK_BOT_TOKEN: "xoxb-bot",
      SLACK_SIGNING_SECRET: "signing-secret",
      SLACK_APP_TOKEN: "xapp-app",
      TWILIO_ACCOUNT_SID: "AC0123",
      TWILIO_AUTH_TOKEN: "twilio-auth",
      TWILIO_FROM_NUMBER: "+15550009999",
      METRICS_TOKEN: "metrics-token-0123456789",
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    expect(configSecrets(parsed.value).filter((s) => s !== null)).toEqual([
      "integration-token-0123456",
      "user-export-token-0123",
      "schedule-export-token-0123",
      "xoxb-bot",
      "signing-secret",
      "xapp-app",
      "twilio-auth",
      "metrics-token-0123456789",
      "db password-0123",
    ]);
  });
});
