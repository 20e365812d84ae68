import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Config, ConfigProblem } from "./config-types.js";
import { parseConfig, suggest, type ParseConfigOptions } from "./parse-config.js";

const CONFIG_PATH = "/etc/calpage/calpage.yaml";
const TOKEN = "abcdefghijklmnop1234";

function parse(yaml: string, env: Record<string, string | undefined> = {}, options?: ParseConfigOptions) {
  return parseConfig(yaml, CONFIG_PATH, env, options);
}

function valid(yaml: string, env: Record<string, string | undefined> = {}, options?: ParseConfigOptions): Config {
  const result = parse(yaml, env, options);
  if (!result.ok) throw new Error(`expected a valid config, got:\n${result.errors.map((p) => `${p.line}: ${p.path}: ${p.message}`).join("\n")}`);
  return result.value;
}

function problems(yaml: string, env: Record<string, string | undefined> = {}, options?: ParseConfigOptions): ConfigProblem[] {
  const result = parse(yaml, env, options);
  if (result.ok) throw new Error("expected problems, but the config is valid");
  return result.errors;
}

/** Expected problem: [line, path, message pattern]. */
type Expected = [number | null, string, RegExp | string];

function expectProblems(actual: ConfigProblem[], expected: Expected[]): void {
  const shown = actual.map((p) => `${p.line}: ${p.path}: ${p.message}`).join("\n");
  expect(actual.map((p) => [p.line, p.path]), shown).toEqual(expected.map(([line, p]) => [line, p]));
  expected.forEach(([, , message], i) => {
    const got = actual[i]!.message;
    if (typeof message === "string") expect(got, shown).toBe(message);
    else expect(got, shown).toMatch(message);
  });
}

// Small building blocks; each test case is a whole file so its line numbers are visible.
const USERS = `users:
  - email: alice@example.com
    name: Alice Example
    aliases: [ali]
  - email: bob@example.com
    name: Bob Example
`; // 6 lines

const SCHEDULES = `schedules:
  - name: primary
    feed: https://calendar.example.com/primary.ics
`; // 3 lines -> users + schedules = 9 lines

const CHAINS = `escalation_chains:
  - name: default
    steps:
      - notify_schedule: primary
`; // 4 lines -> 13 lines

describe("parseConfig: a valid file", () => {
  it("produces the typed config with every field", () => {
    const config = valid(`
timezone: Europe/Berlin
users:
  - email: Alice@Example.com
    name: Alice Example
    aliases: [ali, alice]
    phone: "+49 151 1234-5678"
    slack_id: U012AB3CD
    slack_handle: "@alice"
  - email: bob@example.com
    name: Bob Example
schedules:
  - name: primary
    feed: webcal://calendar.example.com/primary.ics
    overrides_feed: https://calendar.example.com/overrides.ics
    timezone: America/New_York
    channel: "#oncall"
    refresh: 1m
  - name: secondary
    feed: ./feeds/secondary.ics
escalation_chains:
  - name: default
    steps:
      - notify_schedule: primary
      - wait: 5m
      - notify_users: [ALI, Bob Example, alice@example.com]
        important: true
      - repeat: 2
  - name: critical
    steps:
      - notify_users: bob@example.com
      - repeat:
integrations:
  - name: prod-alertmanager
    type: alertmanager
    token: ${TOKEN}
    chain: default
    channel: C0123ABCD
    routes:
      - matchers: ['severity="critical"', 'team=~"db|infra"']
        chain: critical
        channel: "#alerts-critical"
      - matchers: '{env!="prod", job!~"test.*"}'
  - name: grafana
    type: grafana_alerting
    token: ${TOKEN}-grafana
`);
    const expected: Config = {
      path: CONFIG_PATH,
      timezone: "Europe/Berlin",
      users: [
        { email: "alice@example.com", name: "Alice Example", aliases: ["ali", "alice"], phone: "+4915112345678", slackId: "U012AB3CD", slackHandle: "alice" },
        { email: "bob@example.com", name: "Bob Example", aliases: [], phone: null, slackId: null, slackHandle: null },
      ],
      schedules: [
        {
          name: "primary",
          timezone: "America/New_York",
          feed: "webcal://calendar.example.com/primary.ics",
          overridesFeed: "https://calendar.example.com/overrides.ics",
          channel: "#oncall",
          refreshSeconds: 60,
        },
        { name: "secondary", timezone: "Europe/Berlin", feed: "/etc/calpage/feeds/secondary.ics", overridesFeed: null, channel: null, refreshSeconds: 300 },
      ],
      escalationChains: [
        {
          name: "default",
          steps: [
            { type: "notify_schedule", schedule: "primary", important: false },
            { type: "wait", seconds: 300 },
            { type: "notify_users", users: ["alice@example.com", "bob@example.com"], important: true },
            { type: "repeat", times: 2 },
          ],
        },
        {
          name: "critical",
          steps: [
            { type: "notify_users", users: ["bob@example.com"], important: false },
            { type: "repeat", times: 3 },
          ],
        },
      ],
      integrations: [
        {
          name: "prod-alertmanager",
          type: "alertmanager",
          token: TOKEN,
          chain: "default",
          channel: "C0123ABCD",
          routes: [
            {
              matchers: [
                { name: "severity", op: "=", value: "critical" },
                { name: "team", op: "=~", value: "db|infra" },
              ],
              chain: "critical",
              channel: "#alerts-critical",
            },
            {
              matchers: [
                { name: "env", op: "!=", value: "prod" },
                { name: "job", op: "!~", value: "test.*" },
              ],
              // Left out on the route: the integration's own chain and channel.
              chain: "default",
              channel: "C0123ABCD",
            },
          ],
        },
        { name: "grafana", type: "grafana_alerting", token: `${TOKEN}-grafana`, chain: null, channel: null, routes: [] },
      ],
      env: {
        databaseUrl: null,
        sqlitePath: "./data/calpage.db",
        port: 8080,
        publicUrl: "http://localhost:8080",
        slack: { botToken: null, signingSecret: null, appToken: null, apiUrl: null },
      },
    };
    expect(config).toEqual(expected);
  });

  it("needs only users; everything else has defaults", () => {
    const config = valid("users: []\n");
    expect(config).toMatchObject({ timezone: "UTC", users: [], schedules: [], escalationChains: [], integrations: [] });
  });

  it("gives schedules the top-level timezone by default (UTC when none)", () => {
    const feed = "https://x.example.com/a.ics";
    expect(valid(`users: []\nschedules: [{name: a, feed: "${feed}"}]\n`).schedules[0]!.timezone).toBe("UTC");
    expect(valid(`timezone: Asia/Tokyo\nusers: []\nschedules: [{name: a, feed: "${feed}"}]\n`).schedules[0]!.timezone).toBe("Asia/Tokyo");
  });

  it.each([
    ["./oncall.ics", "/etc/calpage/oncall.ics"],
    ["feeds/../oncall.ics", "/etc/calpage/oncall.ics"],
    ["/var/lib/feeds/oncall.ics", "/var/lib/feeds/oncall.ics"],
    ["file:///var/lib/feeds/oncall.ics", "/var/lib/feeds/oncall.ics"],
    ["https://calendar.google.com/calendar/ical/x/basic.ics", "https://calendar.google.com/calendar/ical/x/basic.ics"],
    ["http://intranet.example.com/oncall.ics", "http://intranet.example.com/oncall.ics"],
    ["webcal://p01-calendars.icloud.com/x", "webcal://p01-calendars.icloud.com/x"],
  ])("feed %s -> %s", (feed, expected) => {
    expect(valid(`users: []\nschedules:\n  - name: a\n    feed: ${feed}\n`).schedules[0]!.feed).toBe(expected);
  });

  it("checks local feed files through options.fileExists, with absolute paths", () => {
    const asked: string[] = [];
    const fileExists = (p: string) => {
      asked.push(p);
      return p.endsWith("present.ics");
    };
    const yaml = `users: []
schedules:
  - name: a
    feed: ./present.ics
    overrides_feed: ./missing.ics
  - name: b
    feed: https://x.example.com/remote.ics
`;
    expectProblems(problems(yaml, {}, { fileExists }), [[5, "schedules[0].overrides_feed", "file not found: /etc/calpage/missing.ics"]]);
    expect(asked).toEqual(["/etc/calpage/present.ics", "/etc/calpage/missing.ics"]);
  });

  it("resolves a relative config path to an absolute Config.path", () => {
    const result = parseConfig("users: []\n", "calpage.yaml", {});
    expect(result.ok && result.value.path).toBe(path.resolve("calpage.yaml"));
  });

  it.each([
    ["1", 1],
    ["", 3],
    ["null", 3],
    ["~", 3],
  ])("repeat: %j -> %d times", (value, times) => {
    const config = valid(`${USERS}${SCHEDULES}escalation_chains:\n  - name: a\n    steps:\n      - notify_schedule: primary\n      - repeat: ${value}\n`);
    expect(config.escalationChains[0]!.steps[1]).toEqual({ type: "repeat", times });
  });

  it("resolves notify_users by email, name or alias, case-insensitively, without duplicates", () => {
    const config = valid(`${USERS}escalation_chains:
  - name: a
    steps:
      - notify_users: [BOB@EXAMPLE.COM, bob example, Ali, Alice Example]
      - notify_users: Ali
`);
    expect(config.escalationChains[0]!.steps).toEqual([
      { type: "notify_users", users: ["bob@example.com", "alice@example.com"], important: false },
      { type: "notify_users", users: ["alice@example.com"], important: false },
    ]);
  });

  it("treats `key:  # note` as an empty value with a comment, not as a swallowed #channel", () => {
    const config = valid("users: []\nschedules:\n  - name: a\n    feed: a.ics\n    channel:  # none yet\n    overrides_feed: # later\n");
    expect(config.schedules[0]).toMatchObject({ channel: null, overridesFeed: null });
  });

  it("supports YAML anchors and aliases", () => {
    const config = valid(`${USERS}${SCHEDULES}escalation_chains:
  - name: a
    steps: &steps
      - notify_schedule: primary
      - wait: 1m
  - name: b
    steps: *steps
`);
    expect(config.escalationChains[1]!.steps).toEqual(config.escalationChains[0]!.steps);
  });
});

describe("parseConfig: problems, each with its path and line", () => {
  it.each<[string, string, Expected[]]>([
    // --- file shape and YAML syntax
    ["an empty file", "", [[null, "users", /^missing; expected a list of users/]]],
    ["a comment-only file", "# nothing yet\n", [[null, "users", /^missing; expected a list of users/]]],
    ["a list at the top", "- users\n", [[1, "", 'expected a mapping with users:, schedules:, escalation_chains: and integrations:, found a list']]],
    [
      "a misspelled top-level key",
      "user: []\n",
      [
        [1, "user", 'unknown key "user" (did you mean "users"?)'],
        [1, "users", /^missing/],
      ],
    ],
    ["an unknown top-level key without a near match", "users: []\nfoo: 1\n", [[2, "foo", 'unknown key "foo"; expected one of timezone, users, schedules, escalation_chains, integrations']]],
    ["an unclosed flow list", "users: []\nschedules: [\n", [[2, "", /^invalid YAML: /]]],
    ["an unclosed quote", 'users: []\ntimezone: "Europe/Berlin\n', [[2, "", /^invalid YAML: Missing closing "quote/]]],
    ["tab indentation", "users:\n\t- email: a@example.com\n", [[2, "users", /^invalid YAML: Tabs are not allowed/]]],
    [
      "a duplicate key",
      "users:\n  - email: alice@example.com\n    name: Alice\n    email: bob@example.com\n",
      [[4, "users[0].email", 'duplicate key "email" (each key may appear only once in a mapping)']],
    ],
    ["two YAML documents", "users: []\n---\nusers: []\n", [[2, "", /more than one YAML document/]]],
    ["an unknown anchor", "users: *people\n", [[1, "users", "unknown anchor: *people (define &people before using it)"]]],
    ["an invalid timezone", "timezone: Europe/Berlinn\nusers: []\n", [[1, "timezone", 'unknown time zone "Europe/Berlinn"; expected an IANA time zone like Europe/Berlin or America/New_York']]],
    ["a Windows timezone name", "timezone: W. Europe Standard Time\nusers: []\n", [[1, "timezone", /unknown time zone/]]],
    ["a non-text timezone", "timezone: 1\nusers: []\n", [[1, "timezone", /expected an IANA time zone like Europe\/Berlin, found the number 1/]]],
    ["users as a mapping", "users:\n  alice: alice@example.com\n", [[1, "users", /^expected a list of users .*, found a mapping$/]]],

    // --- users
    [
      "a user without email and name",
      "users:\n  - aliases: [x]\n",
      [
        [2, "users[0].email", /^missing; expected an email address like alice@example.com/],
        [2, "users[0].name", /^missing; expected the person's name/],
      ],
    ],
    [
      "a misspelled user key",
      "users:\n  - emial: alice@example.com\n    name: Alice\n",
      [
        [2, "users[0].emial", 'unknown key "emial" (did you mean "email"?)'],
        [2, "users[0].email", /^missing/],
      ],
    ],
    ["an invalid email", "users:\n  - email: alice.example.com\n    name: Alice\n", [[2, "users[0].email", 'expected an email address like alice@example.com, found "alice.example.com"']]],
    [
      "duplicate emails differing in case",
      "users:\n  - email: alice@example.com\n    name: Alice\n  - email: Alice@Example.COM\n    name: Alice Again\n",
      [[4, "users[1].email", "duplicate user email alice@example.com (also users[0]); emails are compared case-insensitively"]],
    ],
    ["an empty name", 'users:\n  - email: a@example.com\n    name: ""\n', [[3, "users[0].name", /found an empty value/]]],
    [
      "an alias that is another user's name",
      "users:\n  - email: alice@example.com\n    name: Alice\n  - email: bob@example.com\n    name: Bob\n    aliases: [bobby, alice]\n",
      [[6, "users[1].aliases[1]", '"alice" already identifies users[0] (alice@example.com); names and aliases must be unique across users']],
    ],
    [
      "an unquoted phone number",
      "users:\n  - email: a@example.com\n    name: A\n    phone: +4915112345678\n",
      [[4, "users[0].phone", /^phone numbers must be quoted, like phone: "\+4915112345678"/]],
    ],
    ["a phone number without +", 'users:\n  - email: a@example.com\n    name: A\n    phone: "015112345678"\n', [[4, "users[0].phone", /E\.164 form like "\+4915112345678" \(a \+ and 8 to 15 digits\), found "015112345678"/]]],
    ["a too short phone number", 'users:\n  - email: a@example.com\n    name: A\n    phone: "+123"\n', [[4, "users[0].phone", /E\.164/]]],
    ["a bad slack_id", "users:\n  - email: a@example.com\n    name: A\n    slack_id: alice\n", [[4, "users[0].slack_id", 'expected a Slack member id like U012AB3CD, found "alice"']]],
    ["aliases that are not text", "users:\n  - email: a@example.com\n    name: A\n    aliases: [ok, {x: 1}]\n", [[4, "users[0].aliases[1]", /expected a non-empty text, found a mapping/]]],

    // --- schedules
    [
      "a schedule with a bad name and no feed",
      "users: []\nschedules:\n  - name: Primary Rota\n",
      [
        [3, "schedules[0].name", 'expected a lower-case name like primary (letters a-z, digits, - and _), found "Primary Rota"'],
        [3, "schedules[0].feed", /^missing; expected a calendar feed: an https:\/\/ or webcal:\/\/ URL, or a file path like \.\/oncall\.ics/],
      ],
    ],
    [
      "duplicate schedule names",
      "users: []\nschedules:\n  - name: primary\n    feed: a.ics\n  - name: primary\n    feed: b.ics\n",
      [[5, "schedules[1].name", 'duplicate schedule name "primary" (also schedules[0]); names must be unique']],
    ],
    ["an ftp feed", "users: []\nschedules:\n  - name: a\n    feed: ftp://example.com/a.ics\n", [[4, "schedules[0].feed", /^unsupported URL scheme in "ftp:\/\/example\.com\/a\.ics"/]]],
    ["a URL without host", "users: []\nschedules:\n  - name: a\n    feed: https://\n", [[4, "schedules[0].feed", /malformed URL/]]],
    ["a refresh below 30s", "users: []\nschedules:\n  - name: a\n    feed: a.ics\n    refresh: 10s\n", [[5, "schedules[0].refresh", /^refresh must be at least 30s/]]],
    ["a refresh without unit", "users: []\nschedules:\n  - name: a\n    feed: a.ics\n    refresh: 300\n", [[5, "schedules[0].refresh", "expected a duration like 5m, found the number 300 (add a unit: s, m, h, d or w)"]]],
    ["a bad schedule timezone", "users: []\nschedules:\n  - name: a\n    feed: a.ics\n    timezone: Berlin\n", [[5, "schedules[0].timezone", /unknown time zone "Berlin"/]]],
    [
      "an unquoted #channel (a YAML comment)",
      "users: []\nschedules:\n  - name: a\n    feed: a.ics\n    channel: #oncall\n",
      [[5, "schedules[0].channel", '"#oncall" was read as a YAML comment; quote it: "#oncall"']],
    ],
    [
      "a channel name without #",
      "users: []\nschedules:\n  - name: a\n    feed: a.ics\n    channel: oncall\n",
      [[5, "schedules[0].channel", 'expected a Slack channel like "#oncall" (quoted; lower-case) or a channel id like C0123ABCD, found "oncall"']],
    ],
    ["a misspelled schedule key", "users: []\nschedules:\n  - name: a\n    feed: a.ics\n    overide_feed: b.ics\n", [[5, "schedules[0].overide_feed", 'unknown key "overide_feed" (did you mean "overrides_feed"?)']]],

    // --- escalation chains
    ["a chain without steps", `${USERS}escalation_chains:\n  - name: a\n`, [[8, "escalation_chains[0].steps", /^missing; expected a list of steps/]]],
    ["a chain with an empty step list", `${USERS}escalation_chains:\n  - name: a\n    steps: []\n`, [[9, "escalation_chains[0].steps", "expected at least one step, like - notify_schedule: primary"]]],
    [
      "duplicate chain names",
      `${USERS}${SCHEDULES}escalation_chains:\n  - name: a\n    steps: [{wait: 1m}]\n  - name: a\n    steps: [{wait: 1m}]\n`,
      [[13, "escalation_chains[1].name", 'duplicate escalation chain name "a" (also escalation_chains[0]); names must be unique']],
    ],
    [
      "an unknown step type",
      `${USERS}${SCHEDULES}${CHAINS}      - notfy_users: [ali]\n`,
      [[14, "escalation_chains[0].steps[1].notfy_users", 'unknown step type "notfy_users" (did you mean "notify_users"?); expected one of wait, notify_schedule, notify_users, repeat']],
    ],
    [
      "a step with two types",
      `${USERS}${SCHEDULES}${CHAINS}      - wait: 5m\n        repeat: 2\n`,
      [[14, "escalation_chains[0].steps[1]", 'a step has exactly one type, found wait and repeat; put each in its own "- " item (step types: wait, notify_schedule, notify_users, repeat)']],
    ],
    ["a step with only important", `${USERS}${SCHEDULES}${CHAINS}      - important: true\n`, [[14, "escalation_chains[0].steps[1]", /^a step needs a type; expected one of wait, notify_schedule, notify_users, repeat/]]],
    ["a step written as text", `${USERS}${SCHEDULES}${CHAINS}      - wait 5m\n`, [[14, "escalation_chains[0].steps[1]", /^expected a step like - wait: 5m \(step types: .*\), found "wait 5m"/]]],
    ["a wait without unit", `${USERS}${SCHEDULES}${CHAINS}      - wait: 5\n`, [[14, "escalation_chains[0].steps[1].wait", /^expected a duration like 5m, found the number 5/]]],
    ["a wait that is not a duration", `${USERS}${SCHEDULES}${CHAINS}      - wait: five minutes\n`, [[14, "escalation_chains[0].steps[1].wait", 'expected a duration like 5m, found "five minutes"']]],
    ["a zero wait", `${USERS}${SCHEDULES}${CHAINS}      - wait: 0s\n`, [[14, "escalation_chains[0].steps[1].wait", /^wait must be longer than 0s/]]],
    ["an empty wait", `${USERS}${SCHEDULES}${CHAINS}      - wait:\n`, [[14, "escalation_chains[0].steps[1].wait", /^missing; expected a duration like 5m/]]],
    [
      "a missing schedule",
      `${USERS}${SCHEDULES}${CHAINS}      - notify_schedule: primray\n`,
      [[14, "escalation_chains[0].steps[1].notify_schedule", 'no schedule named "primray" (did you mean "primary"?); defined: primary']],
    ],
    ["a schedule when none are defined", `${USERS}escalation_chains:\n  - name: a\n    steps:\n      - notify_schedule: primary\n`, [[10, "escalation_chains[0].steps[0].notify_schedule", 'no schedule named "primary"; no schedules are defined']]],
    [
      "unknown users",
      `${USERS}${SCHEDULES}${CHAINS}      - notify_users: [ali, Bob Exmaple, carol]\n`,
      [
        [14, "escalation_chains[0].steps[1].notify_users[1]", 'no user "Bob Exmaple" (did you mean "Bob Example"?); users are matched by email, name or alias (case-insensitive)'],
        [14, "escalation_chains[0].steps[1].notify_users[2]", 'no user "carol"; users are matched by email, name or alias (case-insensitive)'],
      ],
    ],
    ["an unknown single user", `${USERS}${SCHEDULES}${CHAINS}      - notify_users: Alicia Example\n`, [[14, "escalation_chains[0].steps[1].notify_users", /^no user "Alicia Example" \(did you mean "Alice Example"\?\)/]]],
    ["an empty notify_users list", `${USERS}${SCHEDULES}${CHAINS}      - notify_users: []\n`, [[14, "escalation_chains[0].steps[1].notify_users", /^expected at least one user/]]],
    [
      "important on a wait",
      `${USERS}${SCHEDULES}${CHAINS}      - wait: 1m\n        important: true\n`,
      [[15, "escalation_chains[0].steps[1].important", "important applies only to notify_schedule and notify_users steps, not to wait"]],
    ],
    ["important that is not a boolean", `${USERS}${SCHEDULES}${CHAINS}        important: yes\n`, [[14, "escalation_chains[0].steps[0].important", 'expected true or false, found "yes"']]],
    [
      "repeat before the last step",
      `${USERS}${SCHEDULES}${CHAINS}      - repeat: 2\n      - wait: 1m\n`,
      [[14, "escalation_chains[0].steps[1].repeat", "repeat must be the last step (it starts the chain over from the first step)"]],
    ],
    ["repeat as the only step", `${USERS}escalation_chains:\n  - name: a\n    steps:\n      - repeat: 2\n`, [[10, "escalation_chains[0].steps[0].repeat", "repeat needs steps before it to repeat"]]],
    ["repeat zero", `${USERS}${SCHEDULES}${CHAINS}      - repeat: 0\n`, [[14, "escalation_chains[0].steps[1].repeat", /^expected a whole number of repeats of at least 1 like 2 \(empty means 3\), found the number 0/]]],
    ["repeat fractional", `${USERS}${SCHEDULES}${CHAINS}      - repeat: 1.5\n`, [[14, "escalation_chains[0].steps[1].repeat", /found the number 1.5/]]],
    ["repeat as text", `${USERS}${SCHEDULES}${CHAINS}      - repeat: twice\n`, [[14, "escalation_chains[0].steps[1].repeat", /found "twice"/]]],

    // --- integrations
    [
      "an integration without type and token",
      `${USERS}integrations:\n  - name: am\n`,
      [
        [8, "integrations[0].type", "missing; expected one of alertmanager, grafana_alerting, webhook"],
        [8, "integrations[0].token", /^missing; expected a secret like \$\{AM_TOKEN\}/],
      ],
    ],
    [
      "a misspelled type",
      `${USERS}integrations:\n  - name: am\n    type: alert_manager\n    token: ${TOKEN}\n`,
      [[9, "integrations[0].type", 'unknown integration type "alert_manager" (did you mean "alertmanager"?); expected one of alertmanager, grafana_alerting, webhook']],
    ],
    ["an unknown type", `${USERS}integrations:\n  - name: am\n    type: pagerduty\n    token: ${TOKEN}\n`, [[9, "integrations[0].type", 'unknown integration type "pagerduty"; expected one of alertmanager, grafana_alerting, webhook']]],
    ["a short token", `${USERS}integrations:\n  - name: am\n    type: webhook\n    token: abc123\n`, [[10, "integrations[0].token", "the token is 6 characters long; use at least 16 (e.g. openssl rand -hex 16)"]]],
    ["a token with URL-unsafe characters", `${USERS}integrations:\n  - name: am\n    type: webhook\n    token: abc/def+ghi=jklmnop\n`, [[10, "integrations[0].token", /^the token may only contain A-Z, a-z, 0-9, _ and -/]]],
    ["a numeric token", `${USERS}integrations:\n  - name: am\n    type: webhook\n    token: 12345678901234567890\n`, [[10, "integrations[0].token", /found a number; quote it$/]]],
    [
      "a token shared by two integrations",
      `${USERS}integrations:\n  - name: a\n    type: webhook\n    token: ${TOKEN}\n  - name: b\n    type: webhook\n    token: ${TOKEN}\n`,
      [[13, "integrations[1].token", "the same token is used by integrations[0]; each integration needs its own token"]],
    ],
    [
      "duplicate integration names",
      `${USERS}integrations:\n  - name: a\n    type: webhook\n    token: ${TOKEN}\n  - name: a\n    type: webhook\n    token: ${TOKEN}-2\n`,
      [[11, "integrations[1].name", 'duplicate integration name "a" (also integrations[0]); names must be unique']],
    ],
    [
      "a misspelled chain key (chian)",
      `${USERS}${SCHEDULES}${CHAINS}integrations:\n  - name: am\n    type: alertmanager\n    token: ${TOKEN}\n    chian: default\n`,
      [[18, "integrations[0].chian", 'unknown key "chian" (did you mean "chain"?)']],
    ],
    [
      "a missing chain",
      `${USERS}${SCHEDULES}${CHAINS}integrations:\n  - name: am\n    type: alertmanager\n    token: ${TOKEN}\n    chain: defualt\n`,
      [[18, "integrations[0].chain", 'no escalation chain named "defualt" (did you mean "default"?); defined: default']],
    ],
    [
      "route problems",
      `${USERS}${SCHEDULES}${CHAINS}integrations:
  - name: am
    type: alertmanager
    token: ${TOKEN}
    routes:
      - matchers: ['severity="critical"', 'team=~"(db"', 42]
        chain: critical
      - matcher: 'a="1"'
        channel: "#ok"
      - matchers: '{a="1", b}'
`,
      [
        [19, "integrations[0].routes[0].matchers[1]", `invalid matcher 'team=~"(db"': invalid regular expression: Unterminated group`],
        [19, "integrations[0].routes[0].matchers[2]", /^expected a matcher like 'severity="critical"' \(quote the whole matcher\), found the number 42/],
        [20, "integrations[0].routes[0].chain", 'no escalation chain named "critical"; defined: default'],
        [21, "integrations[0].routes[1].matcher", 'unknown key "matcher" (did you mean "matchers"?)'],
        [23, "integrations[0].routes[2].matchers", /^invalid matcher 'b': expected a label name, an operator/],
      ],
    ],

    // --- ${VAR}
    [
      "an unset variable without default (reported once, not also as a bad token)",
      `${USERS}integrations:\n  - name: am\n    type: alertmanager\n    token: \${AM_TOKEN}\n`,
      [[10, "integrations[0].token", "environment variable AM_TOKEN is not set"]],
    ],
    [
      "an unset variable inside a route",
      `${USERS}integrations:\n  - name: am\n    type: alertmanager\n    token: ${TOKEN}\n    routes:\n      - channel: "\${CRIT_CHANNEL}"\n`,
      [[12, "integrations[0].routes[0].channel", "environment variable CRIT_CHANNEL is not set"]],
    ],
    ["a malformed reference", "users: []\ntimezone: ${TZ\n", [[2, "timezone", /^unterminated \$\{ in "\$\{TZ"/]]],
  ])("%s", (_name, yaml, expected) => {
    expectProblems(problems(yaml), expected);
  });

  it("reports every problem of a file at once, in line order", () => {
    const yaml = `timezone: Mars/Olympus
users:
  - email: alice@example.com
    name: Alice
    phone: +4915112345678
  - email: bob
    name: Bob
schedules:
  - name: primary
    feed: ftp://example.com/x.ics
  - name: primary
    feed: ./b.ics
escalation_chains:
  - name: default
    steps:
      - notify_schedule: secondary
      - wait: 5
      - notify_users: [alice, carol]
      - repeat: 2
      - wait: 1m
integrations:
  - name: am
    type: alertmanager
    token: \${AM_TOKEN}
    chian: default
    routes:
      - matchers: ['team=~"(db"']
        chain: important
`;
    const all = problems(yaml, { PORT: "http" });
    expectProblems(all, [
      [1, "timezone", /unknown time zone "Mars\/Olympus"/],
      [5, "users[0].phone", /must be quoted/],
      [6, "users[1].email", /expected an email address/],
      [10, "schedules[0].feed", /unsupported URL scheme/],
      [11, "schedules[1].name", /duplicate schedule name "primary"/],
      [16, "escalation_chains[0].steps[0].notify_schedule", /no schedule named "secondary"/],
      [17, "escalation_chains[0].steps[1].wait", /expected a duration like 5m/],
      [18, "escalation_chains[0].steps[2].notify_users[1]", /no user "carol"/],
      [19, "escalation_chains[0].steps[3].repeat", /repeat must be the last step/],
      [24, "integrations[0].token", "environment variable AM_TOKEN is not set"],
      [25, "integrations[0].chian", /did you mean "chain"/],
      [27, "integrations[0].routes[0].matchers[0]", /invalid regular expression/],
      [28, "integrations[0].routes[0].chain", /no escalation chain named "important"/],
      [null, "env.PORT", /expected a port number/],
    ]);
  });
});

describe("parseConfig: ${VAR} substitution", () => {
  const yaml = (token: string) => `users: []\nintegrations:\n  - name: am\n    type: webhook\n    token: ${token}\n`;

  it.each([
    ["${AM_TOKEN}", { AM_TOKEN: TOKEN }, TOKEN],
    ["${AM_TOKEN:-default-token-0123456}", {}, "default-token-0123456"],
    ["${AM_TOKEN:-default-token-0123456}", { AM_TOKEN: "" }, "default-token-0123456"],
    ["${AM_TOKEN:-default-token-0123456}", { AM_TOKEN: TOKEN }, TOKEN],
    ["prefix-${AM_TOKEN}", { AM_TOKEN: TOKEN }, `prefix-${TOKEN}`],
    ['"${AM_TOKEN}"', { AM_TOKEN: TOKEN }, TOKEN],
    ["'${AM_TOKEN}'", { AM_TOKEN: TOKEN }, TOKEN],
  ])("token %s with %j -> %s", (token, env, expected) => {
    expect(valid(yaml(token), env).integrations[0]!.token).toBe(expected);
  });

  it("keeps $${ as a literal ${ (which then fails validation as a token)", () => {
    expectProblems(problems(yaml("$${AM_TOKEN}abcdefghijklmnop")), [[5, "integrations[0].token", /may only contain/]]);
  });

  it("substitutes in any string value, not in keys or numbers", () => {
    const config = valid(
      `timezone: \${TZ:-UTC}\nusers:\n  - email: \${ONCALL_EMAIL}\n    name: "\${ONCALL_NAME:-On Call}"\n    aliases: ["$\${literal}"]\n`,
      { ONCALL_EMAIL: "oncall@example.com", TZ: "Europe/Paris" },
    );
    expect(config.timezone).toBe("Europe/Paris");
    expect(config.users[0]).toMatchObject({ email: "oncall@example.com", name: "On Call", aliases: ["${literal}"] });
  });
});

describe("parseConfig: environment", () => {
  const yaml = "users: []\n";

  it("uses defaults when nothing is set (empty counts as unset)", () => {
    expect(valid(yaml, { DATABASE_URL: "", PORT: "", SLACK_BOT_TOKEN: "" }).env).toEqual({
      databaseUrl: null,
      sqlitePath: "./data/calpage.db",
      port: 8080,
      publicUrl: "http://localhost:8080",
      slack: { botToken: null, signingSecret: null, appToken: null, apiUrl: null },
    });
  });

  it("reads every variable", () => {
    const env = valid(yaml, {
      DATABASE_URL: "postgresql://calpage:pw@db:5432/calpage",
      CALPAGE_DATA_DIR: "/var/lib/calpage/",
      PORT: "3000",
      PUBLIC_URL: "https://oncall.example.com/",
      SLACK_BOT_TOKEN: "xoxb-1",
      SLACK_SIGNING_SECRET: "secret",
      SLACK_APP_TOKEN: "xapp-1",
      SLACK_API_URL: "http://127.0.0.1:4000/api",
    }).env;
    expect(env).toEqual({
      databaseUrl: "postgresql://calpage:pw@db:5432/calpage",
      sqlitePath: "/var/lib/calpage/calpage.db",
      port: 3000,
      publicUrl: "https://oncall.example.com",
      slack: { botToken: "xoxb-1", signingSecret: "secret", appToken: "xapp-1", apiUrl: "http://127.0.0.1:4000/api" },
    });
  });

  it("derives PUBLIC_URL from PORT", () => {
    expect(valid(yaml, { PORT: "9000" }).env.publicUrl).toBe("http://localhost:9000");
    expect(valid(yaml, { DATABASE_URL: "postgres://x@y/z" }).env.databaseUrl).toBe("postgres://x@y/z");
  });

  it.each<[Record<string, string>, Expected[]]>([
    [{ DATABASE_URL: "mysql://db/calpage" }, [[null, "env.DATABASE_URL", /^expected a Postgres URL like postgres:\/\//]]],
    [{ DATABASE_URL: "./data/calpage.db" }, [[null, "env.DATABASE_URL", /leave it unset to use SQLite/]]],
    [{ PORT: "http" }, [[null, "env.PORT", 'expected a port number from 1 to 65535, found "http"']]],
    [{ PORT: "0" }, [[null, "env.PORT", /from 1 to 65535/]]],
    [{ PORT: "65536" }, [[null, "env.PORT", /from 1 to 65535/]]],
    [{ PORT: "80.5" }, [[null, "env.PORT", /from 1 to 65535/]]],
    [{ PUBLIC_URL: "oncall.example.com" }, [[null, "env.PUBLIC_URL", /^expected an http:\/\/ or https:\/\/ URL/]]],
    [{ SLACK_API_URL: "ftp://x" }, [[null, "env.SLACK_API_URL", /^expected an http:\/\/ or https:\/\/ URL/]]],
    [
      { DATABASE_URL: "sqlite", PORT: "x" },
      [
        [null, "env.DATABASE_URL", /Postgres URL/],
        [null, "env.PORT", /port number/],
      ],
    ],
  ])("%j", (env, expected) => {
    expectProblems(problems(yaml, env), expected);
  });

  it("reports env problems together with file problems", () => {
    expectProblems(problems("users: []\ntimezone: nowhere\n", { PORT: "-1" }), [
      [2, "timezone", /unknown time zone/],
      [null, "env.PORT", /port number/],
    ]);
  });
});

describe("suggest", () => {
  it.each([
    ["chian", ["name", "chain", "channel"], "chain"],
    ["notfy_users", ["wait", "notify_users"], "notify_users"],
    ["Name", ["name"], "name"],
    ["name", ["name"], null],
    ["xyz", ["name", "chain"], null],
    ["primray", ["Primary", "primary"], "primary"],
  ])("%s in %j -> %s", (word, candidates, expected) => {
    expect(suggest(word, candidates)).toBe(expected);
  });
});
