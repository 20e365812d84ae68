import { describe, expect, it } from "vitest";
import { configSecrets } from "./config-secrets.js";
import { parseConfig } from "./parse-config.js";

const USERS = `users:
  - email: alice@example.com
    name: Alice Example
    aliases: [ali]
  - email: bob@example.com
    name: Bob Example
`; // 6 lines: api: starts on line 7

const READ = "r3ad-token-for-the-grafana-panel-0001";
const WRITE = "wr1te-token-for-the-deploy-robot-0001";

function parse(api: string, env: Record<string, string> = {}) {
  return parseConfig(`${USERS}${api}`, "/etc/calpage/calpage.yaml", env);
}

function problemLines(api: string, env: Record<string, string> = {}): string[] {
  const r = parse(api, env);
  if (r.ok) throw new Error("expected problems, but the config is valid");
  return r.errors.map((p) => `${p.line}: ${p.path}: ${p.message}`);
}

describe("calpage.yaml api: section", () => {
  it("reads tokens from the environment, with their scope and the person a write token acts as (by name or alias)", () => {
    const r = parse(
      `api:
  tokens:
    - name: grafana-panel
      token: \${API_READ}
      scope: read
    - name: deploy-bot
      token: \${API_WRITE}
      scope: write
      as: ali
`,
      { API_READ: READ, API_WRITE: WRITE },
    );
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.value.api.tokens).toEqual([
      { name: "grafana-panel", token: READ, scope: "read", as: null },
      { name: "deploy-bot", token: WRITE, scope: "write", as: "alice@example.com" },
    ]);
    // Both are secrets the log redactor knows.
    expect(configSecrets(r.value)).toEqual(expect.arrayContaining([READ, WRITE]));
  });

  it("no api: section means no tokens", () => {
    const r = parse("");
    expect(r.ok && r.value.api).toEqual({ tokens: [] });
  });

  it("reports each bad token at its line, without repeating the secret", () => {
    const lines = problemLines(
      `api:
  tokens:
    - name: short
      token: only-twenty-chars-xx
      scope: read
    - name: example
      token: change-me-please-this-is-an-example
      scope: read
    - name: robot
      token: ${WRITE}
      scope: write
    - name: typo
      token: ${READ}
      scope: raed
    - name: stranger
      token: another-long-enough-token-000001
      scope: write
      as: sam@example.com
    - name: robot
      token: ${READ}
      scope: read
      secret: x
`,
    );
    expect(lines).toEqual([
      "10: api.tokens[0].token: the token is 20 characters long; use at least 24 (e.g. openssl rand -hex 16)",
      expect.stringMatching(/^13: api\.tokens\[1\]\.token: the token is a published example value \(it starts with "change-me"\)/),
      expect.stringMatching(/^15: api\.tokens\[2\]\.as: missing; expected a user of calpage\.yaml .*the access rules \(responders, max_silence, admins\) apply as in Slack$/),
      '20: api.tokens[3].scope: unknown scope "raed" (did you mean "read"?); expected read (GET requests only) or write (also acknowledge, resolve and silence)',
      expect.stringMatching(/^24: api\.tokens\[4\]\.as: "sam@example\.com" is not a user in calpage\.yaml/),
      '25: api.tokens[5].name: duplicate API token name "robot" (also api.tokens[2]); names must be unique',
      "26: api.tokens[5].token: the same token is used by api.tokens[3]; each API token needs its own secret",
      expect.stringMatching(/^28: api\.tokens\[5\]\.secret: unknown key "secret"/),
    ]);
    for (const l of lines) expect(l).not.toContain(READ);
  });

  it("a token variable that is not set is reported where it is used", () => {
    expect(problemLines(`api:\n  tokens:\n    - name: ci\n      token: \${API_TOKEN}\n      scope: read\n`)).toEqual(["10: api.tokens[0].token: environment variable API_TOKEN is not set"]);
  });
});
