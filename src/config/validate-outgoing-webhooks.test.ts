import { describe, expect, it } from "vitest";
import { configSecrets } from "./config-secrets.js";
import type { ConfigProblem } from "./config-types.js";
import { parseConfig } from "./parse-config.js";

const TOKEN = "abcdefghijklmnop1234";
const SECRET = "whsec-0123456789abcdef";

// Lines 1-5: no users and the integration; hooks start on line 6.
const yaml = (hooks: string) => `users: []
integrations:
  - name: prod
    type: alertmanager
    token: ${TOKEN}
${hooks}`;

function problems(text: string, env: Record<string, string> = {}): string[] {
  const r = parseConfig(text, "/etc/calpage/calpage.yaml", env);
  if (r.ok) throw new Error("expected problems, but the config is valid");
  return r.errors.map((p: ConfigProblem) => `${p.line}: ${p.path}: ${p.message}`);
}

function valid(text: string, env: Record<string, string> = {}) {
  const r = parseConfig(text, "/etc/calpage/calpage.yaml", env);
  if (!r.ok) throw new Error(r.errors.map((p) => `${p.line}: ${p.path}: ${p.message}`).join("\n"));
  return r.value;
}

describe("outgoing_webhooks in calpage.yaml", () => {
  it("reads hooks on the integration and on a route, with defaults and ${ENV} secrets", () => {
    const config = valid(
      yaml(`    outgoing_webhooks:
      - url: https://tickets.example.com/calpage
        secret: \${TICKETS_SECRET}
    routes:
      - matchers: ['team="db"']
        outgoing_webhooks:
          - url: http://127.0.0.1:9000/status
            events: [opened, resolved]
            secret: ${SECRET}
            timeout: 3s
            retries: 0
            headers: {Authorization: "Bearer \${STATUS_TOKEN}", X-Team: db}
`),
      { TICKETS_SECRET: "tickets-secret-0123456789", STATUS_TOKEN: "status-token-0123456789" },
    );
    const i = config.integrations[0]!;
    expect(i.outgoingWebhooks).toEqual([
      {
        url: "https://tickets.example.com/calpage",
        events: ["opened", "acknowledged", "unacknowledged", "resolved", "unresolved", "escalated", "silenced", "unsilenced"],
        secret: "tickets-secret-0123456789",
        timeoutSeconds: 10,
        retries: 5,
        headers: {},
      },
    ]);
    expect(i.routes[0]!.outgoingWebhooks).toEqual([
      {
        url: "http://127.0.0.1:9000/status",
        events: ["opened", "resolved"],
        secret: SECRET,
        timeoutSeconds: 3,
        retries: 0,
        headers: { Authorization: "Bearer status-token-0123456789", "X-Team": "db" },
      },
    ]);
    // Secrets and header values are redacted from logs like every other credential.
    const secrets = configSecrets(config);
    expect(secrets).toContain("tickets-secret-0123456789");
    expect(secrets).toContain(SECRET);
    expect(secrets).toContain("Bearer status-token-0123456789");
  });

  it("reports each mistake at its line and path, without repeating secrets", () => {
    const found = problems(
      yaml(`    outgoing_webhooks:
      - url: ftp://tickets.example.com/x
        secret: ${SECRET}
      - url: https://a.example.com/
        events: [opend, closed]
        secret: short-secret
        timeout: 45s
        retries: 11
      - url: https://b.example.com/
        secret: 12345678901234567890
        headers: {X-Calpage-Signature: forged, Content-Type: text/plain, "bad header": x, X-Ok: ""}
      - secret: ${SECRET}
        retry: 3
`),
    );
    expect(found).toEqual([
      '7: integrations[0].outgoing_webhooks[0].url: expected an http:// or https:// URL like https://tickets.example.com/calpage, found "ftp://tickets.example.com/x"',
      '10: integrations[0].outgoing_webhooks[1].events[0]: unknown event "opend" (did you mean "opened"?); expected one of opened, acknowledged, unacknowledged, resolved, unresolved, escalated, silenced, unsilenced',
      '10: integrations[0].outgoing_webhooks[1].events[1]: unknown event "closed"; expected one of opened, acknowledged, unacknowledged, resolved, unresolved, escalated, silenced, unsilenced',
      "11: integrations[0].outgoing_webhooks[1].secret: the secret is 12 characters long; use at least 16 (e.g. openssl rand -hex 32)",
      "12: integrations[0].outgoing_webhooks[1].timeout: timeout must be from 1s to 30s, found 45s",
      "13: integrations[0].outgoing_webhooks[1].retries: expected a whole number of retries from 0 to 10 like 5, found the number 11",
      "15: integrations[0].outgoing_webhooks[2].secret: expected a signing secret like ${TICKETS_WEBHOOK_SECRET} (at least 16 characters; e.g. openssl rand -hex 32), found a number; quote it",
      "16: integrations[0].outgoing_webhooks[2].headers.X-Calpage-Signature: calpage sets X-Calpage-Signature itself (the X-Calpage-* signature headers, Content-Type, User-Agent and the HTTP framing); remove it",
      "16: integrations[0].outgoing_webhooks[2].headers.Content-Type: calpage sets Content-Type itself (the X-Calpage-* signature headers, Content-Type, User-Agent and the HTTP framing); remove it",
      "16: integrations[0].outgoing_webhooks[2].headers.bad header: \"bad header\" is not a valid header name (letters, digits and !#$%&'*+.^_`|~- only)",
      "16: integrations[0].outgoing_webhooks[2].headers.X-Ok: the header's value is empty",
      "17: integrations[0].outgoing_webhooks[3].url: missing; expected an http:// or https:// URL like https://tickets.example.com/calpage",
      '18: integrations[0].outgoing_webhooks[3].retry: unknown key "retry"; expected one of url, events, secret, timeout, retries, headers',
    ]);
    expect(found.join("\n")).not.toContain("12345678901234567890");
    expect(found.join("\n")).not.toContain("short-secret");
  });

  it("requires a secret, and refuses the same URL twice in one list", () => {
    expect(
      problems(
        yaml(`    routes:
      - matchers: ['team="db"']
        outgoing_webhooks:
          - url: https://tickets.example.com/calpage
            secret: ${SECRET}
          - url: https://tickets.example.com/calpage
            events: resolved
`),
      ),
    ).toEqual([
      "11: integrations[0].routes[0].outgoing_webhooks[1].url: the same URL is already integrations[0].routes[0].outgoing_webhooks[0]; list it once with every event it should get",
      "11: integrations[0].routes[0].outgoing_webhooks[1].secret: missing; expected a signing secret like ${TICKETS_WEBHOOK_SECRET} (at least 16 characters; e.g. openssl rand -hex 32) — every request is signed with it, so the receiver can tell it came from calpage",
    ]);
  });

  it("takes a single event as text, and refuses an empty event list", () => {
    const one = valid(yaml(`    outgoing_webhooks:\n      - {url: "https://a.example.com/", events: acknowledged, secret: ${SECRET}}\n`));
    expect(one.integrations[0]!.outgoingWebhooks[0]!.events).toEqual(["acknowledged"]);
    expect(problems(yaml(`    outgoing_webhooks:\n      - {url: "https://a.example.com/", events: [], secret: ${SECRET}}\n`))).toEqual([
      "7: integrations[0].outgoing_webhooks[0].events: expected at least one event (leave events out for all of them); expected a list of events from opened, acknowledged, unacknowledged, resolved, unresolved, escalated, silenced, unsilenced (left out: all of them)",
    ]);
  });
});
