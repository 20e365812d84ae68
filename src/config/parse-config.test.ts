import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Config, ConfigProblem } from "./config-types.js";
import { missingFeedFileText, parseConfig, suggest, type ParseConfigOptions } from "./parse-config.js";

const CONFIG_PATH = "/etc/calpage/calpage.yaml";
const NO_TWILIO = { accountSid: null, authToken: null, fromNumber: null, apiUrl: null };
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
        {
          email: "alice@example.com",
          name: "Alice Example",
          aliases: ["ali", "alice"],
          phone: "+4915112345678",
          slackId: "U012AB3CD",
          slackHandle: "alice",
          notificationRules: null,
          exportToken: null,
        },
        { email: "bob@example.com", name: "Bob Example", aliases: [], phone: null, slackId: null, slackHandle: null, notificationRules: null, exportToken: null },
      ],
      schedules: [
        {
          name: "primary",
          timezone: "America/New_York",
          feed: "webcal://calendar.example.com/primary.ics",
          overridesFeed: "https://calendar.example.com/overrides.ics",
          channel: "#oncall",
          refreshSeconds: 60,
          exportToken: null,
          userGroup: null,
          announce: true,
          reminders: [86_400, 3_600],
          handoff: "dm",
          nightWarnings: true,
        },
        {
          name: "secondary",
          timezone: "Europe/Berlin",
          feed: "/etc/calpage/feeds/secondary.ics",
          overridesFeed: null,
          channel: null,
          refreshSeconds: 300,
          exportToken: null,
          userGroup: null,
          announce: false,
          reminders: [86_400, 3_600],
          handoff: "dm",
        },
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
              postToSlack: true,
              responders: null,
              outgoingWebhooks: [],
            },
            {
              matchers: [
                { name: "env", op: "!=", value: "prod" },
                { name: "job", op: "!~", value: "test.*" },
              ],
              // Left out on the route: the integration's own chain and channel.
              chain: "default",
              channel: "C0123ABCD",
              postToSlack: true,
              responders: null,
              outgoingWebhooks: [],
            },
          ],
          postToSlack: true,
          mapping: null,
          heartbeatSeconds: null,
          rateLimitPerMinute: 6000,
          responders: null,
          outgoingWebhooks: [],
        },
        {
          name: "grafana",
          type: "grafana_alerting",
          token: `${TOKEN}-grafana`,
          chain: null,
          channel: null,
          routes: [],
          postToSlack: true,
          mapping: null,
          heartbeatSeconds: null,
          rateLimitPerMinute: 6000,
          responders: null,
          outgoingWebhooks: [],
        },
      ],
      notificationRules: { default: [{ type: "slack_dm" }], important: [{ type: "slack_dm" }] },
      paging: { smsPerWindow: 5, callsPerWindow: 3, windowSeconds: 900 },
      storm: { threshold: 5, windowSeconds: 60 },
      access: { admins: { emails: [], userGroups: [] }, responders: null, maxSilenceSeconds: 86_400, maxMaintenanceSeconds: 604_800, auditRetentionSeconds: 34_560_000 },
      api: { tokens: [] },
      env: {
        databaseUrl: null,
        sqlitePath: "./data/calpage.db",
        shutdownGraceMs: 10_000,
        port: 8080,
        host: null,
        metricsToken: null,
        metricsPort: null,
        metricsHost: "127.0.0.1",
        heartbeatUrl: null,
        logLevel: "info",
        logFormat: null,
        publicUrl: "http://localhost:8080",
        publicUrlSet: false,
        webLinkTtlSeconds: 43_200,
        slackSignIn: null,
        slack: { botToken: null, signingSecret: null, appToken: null, apiUrl: null },
        twilio: NO_TWILIO,
      },
    };
    expect(config).toEqual(expected);
  });

  it("needs only users; everything else has defaults", () => {
    const config = valid("users: []\n");
    expect(config).toMatchObject({ timezone: "UTC", users: [], schedules: [], escalationChains: [], integrations: [] });
  });

  it("reads reminders (longest first, off, one duration) and handoff", () => {
    const sched = (extra: string) => valid(`users: []\nschedules:\n  - name: a\n    feed: https://x.example.com/a.ics\n    channel: "#a"\n${extra}`).schedules[0]!;
    expect(sched("    reminders: [30m, 2d]\n    handoff: channel\n")).toMatchObject({ reminders: [172_800, 1_800], handoff: "channel" });
    expect(sched("    reminders: off\n    handoff: off\n")).toMatchObject({ reminders: [], handoff: "off" });
    expect(sched("    reminders: 1h\n").reminders).toEqual([3_600]);
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

  it("reads a user's own timezone; without one the user has none (the top-level timezone applies)", () => {
    const config = valid(`timezone: Europe/Berlin\nusers:\n  - {email: a@example.com, name: A, timezone: Asia/Tokyo}\n  - {email: b@example.com, name: B}\n`);
    expect(config.users.map((u) => u.timezone)).toEqual(["Asia/Tokyo", undefined]);
    expectProblems(problems("users:\n  - email: a@example.com\n    name: A\n    timezone: Tokio\n"), [[4, "users[0].timezone", /unknown time zone "Tokio"/]]);
  });

  it("checks local feed files through options.fileExists, with absolute paths, and warns about missing ones", () => {
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
    const result = parse(yaml, {}, { fileExists });
    expect(result.ok && result.value.warnings).toEqual([{ line: 5, path: "schedules[0].overrides_feed", message: missingFeedFileText("/etc/calpage/missing.ics") }]);
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
    ["an unknown top-level key without a near match", "users: []\nfoo: 1\n", [[2, "foo", 'unknown key "foo"; expected one of timezone, users, schedules, escalation_chains, integrations, notification_rules, paging, storm, access, api']]],
    ["an unclosed flow list", "users: []\nschedules: [\n", [[2, "", /^invalid YAML: /]]],
    // --- storm summaries
    ["a storm threshold of 1", "users: []\nstorm:\n  threshold: 1\n", [[3, "storm.threshold", "expected a whole number of new alert groups from 2 to 100000 like 5, found the number 1"]]],
    ["a storm window too short", "users: []\nstorm: {threshold: 5, window: 5s}\n", [[2, "storm.window", "window must be from 10s to 1h, found 5s"]]],
    ["storm as a number", "users: []\nstorm: 10\n", [[2, "storm", "expected storm settings like {threshold: 5, window: 1m}, or off, found the number 10"]]],
    ["a misspelled storm key", "users: []\nstorm:\n  treshold: 5\n", [[3, "storm.treshold", 'unknown key "treshold" (did you mean "threshold"?)']]],
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
      [[14, "escalation_chains[0].steps[1].notfy_users", 'unknown step type "notfy_users" (did you mean "notify_users"?); expected one of wait, notify_schedule, notify_users, notify_round_robin, notify_user_group, notify_channel, webhook, resolve, repeat, if_time, if_alerts']],
    ],
    [
      "a step with two types",
      `${USERS}${SCHEDULES}${CHAINS}      - wait: 5m\n        repeat: 2\n`,
      [[14, "escalation_chains[0].steps[1]", 'a step has exactly one type, found wait and repeat; put each in its own "- " item (step types: wait, notify_schedule, notify_users, notify_round_robin, notify_user_group, notify_channel, webhook, resolve, repeat, if_time, if_alerts)']],
    ],
    ["a step with only important", `${USERS}${SCHEDULES}${CHAINS}      - important: true\n`, [[14, "escalation_chains[0].steps[1]", /^a step needs a type; expected one of wait, notify_schedule, notify_users, notify_round_robin, notify_user_group, notify_channel, webhook, resolve, repeat, if_time, if_alerts/]]],
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
      [[15, "escalation_chains[0].steps[1].important", "important applies only to notify_schedule, notify_users, notify_round_robin, notify_user_group steps, not to wait"]],
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
      "an integration without type (a missing token is fine: calpage generates one)",
      `${USERS}integrations:\n  - name: am\n`,
      [[8, "integrations[0].type", "missing; expected one of alertmanager, grafana_alerting, webhook, formatted_webhook, grafana, pagerduty"]],
    ],
    [
      "a published example token",
      `${USERS}integrations:\n  - name: am\n    type: webhook\n    token: change-me-alertmanager-token\n`,
      [[10, "integrations[0].token", 'the token is a published example value (it starts with "change-me"), so anyone could use the webhook URL; set your own (e.g. openssl rand -hex 16)']],
    ],
    [
      "a published example token from a ${VAR:-default}",
      `${USERS}integrations:\n  - name: am\n    type: webhook\n    token: \${AM_TOKEN:-Change-Me-please-0123456}\n`,
      [[10, "integrations[0].token", /^the token is a published example value/]],
    ],
    [
      "a misspelled type",
      `${USERS}integrations:\n  - name: am\n    type: alert_manager\n    token: ${TOKEN}\n`,
      [[9, "integrations[0].type", 'unknown integration type "alert_manager" (did you mean "alertmanager"?); expected one of alertmanager, grafana_alerting, webhook, formatted_webhook, grafana, pagerduty']],
    ],
    ["an unknown type", `${USERS}integrations:\n  - name: am\n    type: opsgenie\n    token: ${TOKEN}\n`, [[9, "integrations[0].type", 'unknown integration type "opsgenie"; expected one of alertmanager, grafana_alerting, webhook, formatted_webhook, grafana, pagerduty']]],
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

describe("parseConfig: integration tokens left to calpage", () => {
  const yaml = (token: string) => `users: []\nintegrations:\n  - name: am\n    type: webhook\n${token}`;

  it.each([
    ["left out", "", {}],
    ["empty after ${AM_TOKEN:-}", "    token: ${AM_TOKEN:-}\n", {}],
    ["${AM_TOKEN:-} with AM_TOKEN empty", "    token: ${AM_TOKEN:-}\n", { AM_TOKEN: "" }],
    ["an empty string", '    token: ""\n', {}],
    ["null", "    token: null\n", {}],
  ])("a token %s is null in the parsed config (generated at start)", (_what, token, env) => {
    const config = valid(yaml(token), env);
    expect(config.integrations).toHaveLength(1);
    expect(config.integrations[0]!.token).toBeNull();
  });

  it("a set ${AM_TOKEN:-} is used as given", () => {
    expect(valid(yaml("    token: ${AM_TOKEN:-}\n"), { AM_TOKEN: TOKEN }).integrations[0]!.token).toBe(TOKEN);
  });

  it("an export token that is a published example is refused too", () => {
    const text = `users:\n  - email: alice@example.com\n    name: Alice\n    export_token: change-me-alice-calendar\n`;
    expectProblems(problems(text), [[4, "users[0].export_token", /^the token is a published example value .*the calendar export URL/]]);
  });
});

describe("parseConfig: access", () => {
  const users = `users:\n  - email: alice@example.com\n    name: Alice Example\n    aliases: [ali]\n  - email: bob@example.com\n    name: Bob Example\n`;
  const integration = (extra: string) => `integrations:\n  - name: db\n    type: webhook\n    token: ${TOKEN}\n${extra}`;

  it("reads admins and responders by email, name or alias and Slack user groups (@handle or id), and the bounds", () => {
    const config = valid(
      `${users}access:\n  admins: [ali, "@sre-leads", S0123ABCD]\n  responders: Bob Example\n  max_silence: 8h\n  max_maintenance: 2d\n  audit_retention: 90d\n` +
        integration(`    responders: ["@db-team"]\n    routes:\n      - matchers: ['severity="critical"']\n        responders: [alice@example.com]\n      - matchers: ['severity="info"']\n`),
    );
    expect(config.access).toEqual({
      admins: { emails: ["alice@example.com"], userGroups: ["sre-leads", "S0123ABCD"] },
      responders: { emails: ["bob@example.com"], userGroups: [] },
      maxSilenceSeconds: 8 * 3600,
      maxMaintenanceSeconds: 2 * 86_400,
      auditRetentionSeconds: 90 * 86_400,
    });
    expect(config.integrations[0]!.responders).toEqual({ emails: [], userGroups: ["db-team"] });
    // A route without its own responders has the integration's.
    expect(config.integrations[0]!.routes.map((r) => r.responders)).toEqual([
      { emails: ["alice@example.com"], userGroups: [] },
      { emails: [], userGroups: ["db-team"] },
    ]);
  });

  it("defaults: no admins, every user responds, 24h silence, 7d maintenance, 400 days of audit trail", () => {
    expect(valid(users).access).toEqual({ admins: { emails: [], userGroups: [] }, responders: null, maxSilenceSeconds: 86_400, maxMaintenanceSeconds: 604_800, auditRetentionSeconds: 400 * 86_400 });
  });

  it.each<[string, string, Expected[]]>([
    ["an unknown person", "access:\n  admins: [carol@example.com]\n", [[8, "access.admins[0]", /^"carol@example.com" is not a user in calpage.yaml; name a user by email, name or alias, or a Slack user group as @handle$/]]],
    ["a near miss", "access:\n  admins: [Alice Exampel]\n", [[8, "access.admins[0]", /is not a user in calpage.yaml \(did you mean "Alice Example"\?\)/]]],
    ["an unknown key", "access:\n  admin: [ali]\n", [[8, "access.admin", /^unknown key "admin" \(did you mean "admins"\?\)/]]],
    ["a silence bound too short", "access:\n  max_silence: 10s\n", [[8, "access.max_silence", "max_silence must be at least 1m, found 10s"]]],
    ["not a duration", "access:\n  max_maintenance: forever\n", [[8, "access.max_maintenance", /^expected a duration like/]]],
    ["a number as a person", "access:\n  responders: [42]\n", [[8, "access.responders[0]", /^expected a person/]]],
  ])("%s is reported with its line", (_what, access, expected) => {
    expectProblems(problems(users + access), expected);
  });

  it("an integration's or route's responders naming nobody known is reported on its line", () => {
    const text = users + integration(`    responders: [zed]\n    routes:\n      - matchers: ['a="b"']\n        responders: ["@ok", nobody@example.com]\n`);
    expectProblems(problems(text), [
      [11, "integrations[0].responders[0]", /^"zed" is not a user in calpage.yaml/],
      [14, "integrations[0].routes[0].responders[1]", /^"nobody@example.com" is not a user in calpage.yaml/],
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
    expect(valid(yaml, { DATABASE_URL: "", PORT: "", SLACK_BOT_TOKEN: "", HOST: "", METRICS_TOKEN: "", METRICS_PORT: "" }).env).toEqual({
      databaseUrl: null,
      sqlitePath: "./data/calpage.db",
      shutdownGraceMs: 10_000,
      port: 8080,
      host: null,
      metricsToken: null,
      metricsPort: null,
      metricsHost: "127.0.0.1",
      heartbeatUrl: null,
      logLevel: "info",
      logFormat: null,
      publicUrl: "http://localhost:8080",
      publicUrlSet: false,
      webLinkTtlSeconds: 43_200,
      slackSignIn: null,
      slack: { botToken: null, signingSecret: null, appToken: null, apiUrl: null },
      twilio: NO_TWILIO,
    });
  });

  it("reads every variable", () => {
    const env = valid(yaml, {
      DATABASE_URL: "postgresql://calpage:pw@db:5432/calpage",
      CALPAGE_DATA_DIR: "/var/lib/calpage/",
      PORT: "3000",
      HOST: "0.0.0.0",
      METRICS_TOKEN: "metrics-token-0123456789",
      METRICS_PORT: "9464",
      METRICS_HOST: "::",
      HEARTBEAT_URL: "https://hc-ping.example.com/0f4c1a2e-secret",
      PUBLIC_URL: "https://oncall.example.com/",
      SLACK_BOT_TOKEN: "xoxb-1",
      SLACK_SIGNING_SECRET: "secret",
      SLACK_APP_TOKEN: "xapp-1",
      SLACK_API_URL: "http://127.0.0.1:4000/api",
      SHUTDOWN_GRACE: "30s",
      LOG_LEVEL: "DEBUG",
      LOG_FORMAT: "pretty",
      WEB_LINK_TTL: "2d",
      SLACK_CLIENT_ID: "1234.5678",
      SLACK_CLIENT_SECRET: "client-secret-abc",
    }).env;
    expect(env).toEqual({
      databaseUrl: "postgresql://calpage:pw@db:5432/calpage",
      sqlitePath: "/var/lib/calpage/calpage.db",
      shutdownGraceMs: 30_000,
      port: 3000,
      host: "0.0.0.0",
      metricsToken: "metrics-token-0123456789",
      metricsPort: 9464,
      metricsHost: "::",
      heartbeatUrl: "https://hc-ping.example.com/0f4c1a2e-secret",
      logLevel: "debug",
      logFormat: "pretty",
      publicUrl: "https://oncall.example.com",
      publicUrlSet: true,
      webLinkTtlSeconds: 172_800,
      slackSignIn: { clientId: "1234.5678", clientSecret: "client-secret-abc" },
      slack: { botToken: "xoxb-1", signingSecret: "secret", appToken: "xapp-1", apiUrl: "http://127.0.0.1:4000/api" },
      twilio: NO_TWILIO,
    });
  });

  it("derives PUBLIC_URL from PORT", () => {
    expect(valid(yaml, { PORT: "9000" }).env.publicUrl).toBe("http://localhost:9000");
    expect(valid(yaml, { DATABASE_URL: "postgres://x@y/z" }).env.databaseUrl).toBe("postgres://x@y/z");
    // An encoded @ in the password, and an @ after the host (in the query), are fine.
    expect(valid(yaml, { DATABASE_URL: "postgres://calpage:p%40ss@db:5432/calpage" }).env.databaseUrl).toBe("postgres://calpage:p%40ss@db:5432/calpage");
    expect(valid(yaml, { DATABASE_URL: "postgres://u:p@db/calpage?application_name=a@b" }).env.databaseUrl).toBe("postgres://u:p@db/calpage?application_name=a@b");
    expect(valid(yaml, { SHUTDOWN_GRACE: "45" }).env.shutdownGraceMs).toBe(45_000);
  });

  it.each<[Record<string, string>, Expected[]]>([
    [{ DATABASE_URL: "mysql://db/calpage" }, [[null, "env.DATABASE_URL", /^expected a Postgres URL like postgres:\/\//]]],
    [{ WEB_LINK_TTL: "forever" }, [[null, "env.WEB_LINK_TTL", /^expected how long a web view link .* lasts, like 12h or 2d \(1 min to 30 days\), found "forever"/]]],
    [{ WEB_LINK_TTL: "40d" }, [[null, "env.WEB_LINK_TTL", /\(1 min to 30 days\)/]]],
    [{ SLACK_CLIENT_ID: "1234.5678" }, [[null, "env.SLACK_CLIENT_SECRET", /^is missing: "Sign in with Slack" needs both SLACK_CLIENT_ID and SLACK_CLIENT_SECRET/]]],
    [{ SLACK_CLIENT_SECRET: "shh-secret" }, [[null, "env.SLACK_CLIENT_ID", /^is missing: .*set both, or neither/]]],
    [{ DATABASE_URL: "./data/calpage.db" }, [[null, "env.DATABASE_URL", /leave it unset to use SQLite/]]],
    [{ DATABASE_URL: "postgres://calpage:p@ss@db:5432/calpage" }, [[null, "env.DATABASE_URL", /host is ambiguous.*@ is %40/]]],
    [{ DATABASE_URL: "postgres://calpage:pa/ss@db:5432/calpage" }, [[null, "env.DATABASE_URL", /cannot be read as a URL.*\/ is %2F/]]],
    [{ DATABASE_URL: "postgres://calpage:pw@db:99999/calpage" }, [[null, "env.DATABASE_URL", /cannot be read as a URL/]]],
    [{ SHUTDOWN_GRACE: "soon" }, [[null, "env.SHUTDOWN_GRACE", 'expected how long shutdown may wait for requests and jobs, like 10s or 1m (1 s to 1 h), found "soon"']]],
    [{ SHUTDOWN_GRACE: "0" }, [[null, "env.SHUTDOWN_GRACE", /1 s to 1 h/]]],
    [{ PORT: "http" }, [[null, "env.PORT", 'expected a port number from 1 to 65535, found "http"']]],
    [{ HEARTBEAT_URL: "hc-ping.com/secret-uuid" }, [[null, "env.HEARTBEAT_URL", "expected an http:// or https:// URL to ping every minute, like https://hc-ping.com/<uuid>"]]],
    [{ LOG_LEVEL: "verbose" }, [[null, "env.LOG_LEVEL", 'expected debug, info, warn or error (the least important log lines to write), found "verbose"']]],
    [{ LOG_FORMAT: "text" }, [[null, "env.LOG_FORMAT", 'expected json or pretty (one JSON object a line, or readable lines), found "text"']]],
    [{ PORT: "0" }, [[null, "env.PORT", /from 1 to 65535/]]],
    [{ PORT: "65536" }, [[null, "env.PORT", /from 1 to 65535/]]],
    [{ PORT: "80.5" }, [[null, "env.PORT", /from 1 to 65535/]]],
    [{ PUBLIC_URL: "oncall.example.com" }, [[null, "env.PUBLIC_URL", /^expected an http:\/\/ or https:\/\/ URL/]]],
    [{ SLACK_API_URL: "ftp://x" }, [[null, "env.SLACK_API_URL", /^expected an http:\/\/ or https:\/\/ URL/]]],
    [{ HOST: "http://0.0.0.0" }, [[null, "env.HOST", 'expected an address to listen on like 0.0.0.0, :: or 127.0.0.1, found "http://0.0.0.0"']]],
    [{ METRICS_HOST: "local host" }, [[null, "env.METRICS_HOST", /^expected an address to listen on/]]],
    [{ METRICS_PORT: "metrics" }, [[null, "env.METRICS_PORT", 'expected a port number from 1 to 65535, found "metrics"']]],
    [{ PORT: "9000", METRICS_PORT: "9000" }, [[null, "env.METRICS_PORT", /^is the same as PORT \(9000\); use another port/]]],
    [{ METRICS_TOKEN: "short-secret" }, [[null, "env.METRICS_TOKEN", "is 12 characters long; use at least 16 (e.g. openssl rand -hex 16)"]]],
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
    ["grouping", ["title", "grouping_key", "grouping_key_long"], "grouping_key"],
    ["grp", ["grp_key"], null],
  ])("%s in %j -> %s", (word, candidates, expected) => {
    expect(suggest(word, candidates)).toBe(expected);
  });
});

// ---------------------------------------------------------------------------------------------
// Notification rules, paging, exports, user groups, the newer escalation steps, integration
// options and Twilio.

const EXPORT_TOKEN = "export-token-0123456789";

describe("parseConfig: every newer option, valid", () => {
  it("produces notification rules, paging, exports, user groups, steps and integration options", () => {
    const config = valid(`timezone: Europe/Berlin
notification_rules:
  default: [slack_dm, {wait: 5m}, sms]
  important:
    - slack_dm
    - call_until_answered: {every: 1m, times: 3}
paging: {sms_per_window: 2, calls_per_window: 1, window: 30m}
users:
  - email: alice@example.com
    name: Alice Example
    aliases: [ali]
    phone: "+4915112345678"
    export_token: ${EXPORT_TOKEN}-alice
    notification_rules:
      important: [call, {wait: 2m}, call_until_answered]
  - email: bob@example.com
    name: Bob Example
  - email: carol@example.com
    name: Carol Example
    notification_rules:
      default: slack_dm
schedules:
  - name: primary
    feed: https://calendar.example.com/primary.ics
    channel: "#oncall"
    export_token: ${EXPORT_TOKEN}
    user_group: "@oncall-primary"
  - name: quiet
    feed: https://calendar.example.com/quiet.ics
    channel: "#quiet"
    announce: false
  - name: silent
    feed: https://calendar.example.com/silent.ics
escalation_chains:
  - name: default
    steps:
      - if_alerts: "5 in 10m"
      - notify_round_robin: [ali, Bob Example, alice@example.com]
        important: true
      - notify_round_robin: BOB@example.com
      - notify_user_group: "@oncall-db"
        important: true
      - notify_user_group: S0123ABCD
      - notify_channel: "@here"
      - notify_channel: channel
      - webhook: https://hooks.example.com/page
      - webhook: {url: "http://127.0.0.1:9000/x?key=\${HOOK_KEY:-k}", timeout: 30s, retries: 0}
      - if_time: "09:00-17:00 mon-fri"
      - if_time: {from: "22:00", to: "06:00", days: [sat, sun], timezone: America/New_York}
      - if_time: {from: "8:00", to: "24:00", days: mon-wed}
      - if_alerts: {count: 0, within: 1h}
      - resolve
  - name: short
    steps:
      - notify_users: ali
      - resolve: true
  - name: again
    steps:
      - notify_users: ali
      - repeat
integrations:
  - name: hooks
    type: webhook
    token: ${TOKEN}
    post_to_slack: false
    heartbeat: 5m
    rate_limit: 100
    channel: "#alerts"
    mapping:
      title: data.alert.name
      message: data.alert.text
      grouping_key: data.alert.id
      severity: alerts[0].labels.severity
      resolve_when: {path: data.state, equals: ok}
    routes:
      - matchers: ['severity="critical"']
        post_to_slack: true
      - matchers: ['severity="info"']
  - name: am
    type: alertmanager
    token: ${TOKEN}-am
    routes:
      - matchers: ['severity="info"']
        post_to_slack: false
  - name: flags
    type: webhook
    token: ${TOKEN}-flags
    mapping:
      resolve_when: {path: resolved, equals: true}
`);
    expect(config.notificationRules).toEqual({
      default: [{ type: "slack_dm" }, { type: "wait", seconds: 300 }, { type: "sms" }],
      important: [{ type: "slack_dm" }, { type: "call_until_answered", everySeconds: 60, times: 3 }],
    });
    expect(config.paging).toEqual({ smsPerWindow: 2, callsPerWindow: 1, windowSeconds: 1800 });
    expect(config.users.map((u) => [u.email, u.exportToken, u.notificationRules])).toEqual([
      [
        "alice@example.com",
        `${EXPORT_TOKEN}-alice`,
        {
          // Left out: the team-wide ladder.
          default: config.notificationRules.default,
          important: [{ type: "call" }, { type: "wait", seconds: 120 }, { type: "call_until_answered", everySeconds: 120, times: 5 }],
        },
      ],
      // No rules of her own; the team-wide sms step is not a problem for a user without phone.
      ["bob@example.com", null, null],
      ["carol@example.com", null, { default: [{ type: "slack_dm" }], important: config.notificationRules.important }],
    ]);
    expect(config.schedules.map((s) => [s.name, s.exportToken, s.userGroup, s.announce])).toEqual([
      ["primary", EXPORT_TOKEN, "oncall-primary", true],
      ["quiet", null, null, false],
      ["silent", null, null, false],
    ]);
    expect(config.escalationChains.map((c) => c.steps)).toEqual([
      [
        { type: "if_alerts", count: 5, withinSeconds: 600 },
        { type: "notify_round_robin", users: ["alice@example.com", "bob@example.com"], important: true },
        { type: "notify_round_robin", users: ["bob@example.com"], important: false },
        { type: "notify_user_group", group: "oncall-db", important: true },
        { type: "notify_user_group", group: "S0123ABCD", important: false },
        { type: "notify_channel", mention: "here" },
        { type: "notify_channel", mention: "channel" },
        { type: "webhook", url: "https://hooks.example.com/page", timeoutSeconds: 10, retries: 3 },
        { type: "webhook", url: "http://127.0.0.1:9000/x?key=k", timeoutSeconds: 30, retries: 0 },
        { type: "if_time", from: "09:00", to: "17:00", days: ["mon", "tue", "wed", "thu", "fri"], timezone: "Europe/Berlin" },
        { type: "if_time", from: "22:00", to: "06:00", days: ["sat", "sun"], timezone: "America/New_York" },
        { type: "if_time", from: "08:00", to: "24:00", days: ["mon", "tue", "wed"], timezone: "Europe/Berlin" },
        { type: "if_alerts", count: 0, withinSeconds: 3600 },
        { type: "resolve" },
      ],
      [
        { type: "notify_users", users: ["alice@example.com"], important: false },
        { type: "resolve" },
      ],
      [
        { type: "notify_users", users: ["alice@example.com"], important: false },
        { type: "repeat", times: 3 },
      ],
    ]);
    const [hooks, am, flags] = config.integrations;
    expect(hooks).toMatchObject({
      postToSlack: false,
      heartbeatSeconds: 300,
      rateLimitPerMinute: 100,
      mapping: {
        title: "data.alert.name",
        message: "data.alert.text",
        groupingKey: "data.alert.id",
        severity: "alerts[0].labels.severity",
        resolveWhen: { path: "data.state", equals: "ok" },
      },
    });
    // Routes inherit the integration's post_to_slack unless they set their own.
    expect(hooks!.routes.map((r) => r.postToSlack)).toEqual([true, false]);
    expect(am).toMatchObject({ postToSlack: true, mapping: null, heartbeatSeconds: null, rateLimitPerMinute: 6000 });
    expect(am!.routes.map((r) => r.postToSlack)).toEqual([false]);
    // A YAML boolean or number in equals means its text.
    expect(flags!.mapping).toEqual({ resolveWhen: { path: "resolved", equals: "true" } });
  });

  it("defaults: Slack DM ladders, 5 SMS and 3 calls per 15m", () => {
    const config = valid("users: []\n");
    expect(config.notificationRules).toEqual({ default: [{ type: "slack_dm" }], important: [{ type: "slack_dm" }] });
    expect(config.paging).toEqual({ smsPerWindow: 5, callsPerWindow: 3, windowSeconds: 900 });
  });

  it("fills in what the top-level notification_rules and paging leave out", () => {
    const config = valid("users: []\nnotification_rules:\n  important: [call]\npaging:\n  window: 1h\n");
    expect(config.notificationRules).toEqual({ default: [{ type: "slack_dm" }], important: [{ type: "call" }] });
    expect(config.paging).toEqual({ smsPerWindow: 5, callsPerWindow: 3, windowSeconds: 3600 });
  });

  it("gives a user who writes empty notification_rules the team-wide ladders", () => {
    const config = valid("notification_rules: {important: [sms]}\nusers:\n  - email: a@example.com\n    name: A\n    phone: '+4915112345678'\n    notification_rules: {}\n");
    expect(config.users[0]!.notificationRules).toEqual({ default: [{ type: "slack_dm" }], important: [{ type: "sms" }] });
  });

  it("gives if_time windows the top-level timezone (UTC when none)", () => {
    const yaml = (tz: string) => `${tz}users: []\nescalation_chains:\n  - name: a\n    steps:\n      - if_time: "09:00-17:00"\n      - wait: 1m\n`;
    expect(valid(yaml("")).escalationChains[0]!.steps[0]).toMatchObject({ timezone: "UTC" });
    expect(valid(yaml("timezone: Asia/Tokyo\n")).escalationChains[0]!.steps[0]).toMatchObject({ timezone: "Asia/Tokyo" });
  });
});

describe("parseConfig: ladders the paging limits would cut are warnings", () => {
  it("reports the team-wide and each user's own ladder on its line, once, and still accepts the file", () => {
    const config = valid(`notification_rules:
  default: [slack_dm]
  important: [sms, sms, sms]
paging: {sms_per_window: 2, calls_per_window: 3, window: 15m}
users:
  - email: alice@example.com
    name: Alice Example
    phone: "+4915112345678"
    notification_rules:
      important:
        - call_until_answered: {every: 2m, times: 5}
  - email: bob@example.com
    name: Bob Example
    phone: "+4915112345679"
`);
    expectProblems(config.warnings ?? [], [
      [3, "notification_rules.important", "this ladder sends 3 texts within 15m but paging.sms_per_window is 2: text 3 would be held back (sent later, bundled into one SMS); use fewer sms steps or raise the limit"],
      [10, "users[0].notification_rules.important", /^this ladder places 5 calls within 15m but paging\.calls_per_window is 3: calls 4 and 5 would be held back/],
    ]);
    // Bob inherits the team-wide ladder: not reported again for him.
    expect(config.users[1]!.notificationRules).toBeNull();
    expect(config.users[0]!.notificationRules?.important).toEqual([{ type: "call_until_answered", everySeconds: 120, times: 5 }]);
  });

  it("a ladder that fits the limits gives no warnings", () => {
    const config = valid(`paging: {calls_per_window: 3, window: 15m}
users:
  - email: alice@example.com
    name: Alice Example
    phone: "+4915112345678"
    notification_rules:
      important: [call, {wait: 5m}, {call_until_answered: {every: 5m, times: 2}}]
`);
    expect(config.warnings).toBeUndefined();
  });

  it("the defaults count too: a bare call_until_answered (every 2m, 5 calls) with 3 calls per 15m", () => {
    const config = valid(`notification_rules:\n  important: [call_until_answered]\nusers: []\n`);
    expectProblems(config.warnings ?? [], [[2, "notification_rules.important", /places 5 calls within 15m but paging\.calls_per_window is 3/]]);
  });

  it("an invalid file reports its errors (warnings come once it is valid)", () => {
    expectProblems(problems(`notification_rules:\n  important: [call_until_answered]\nusers: 3\n`), [[3, "users", /^expected a list of users/]]);
  });
});

// A user with a phone and one without (6 lines).
const PHONES = `users:
  - email: alice@example.com
    name: Alice Example
    phone: "+4915112345678"
  - email: bob@example.com
    name: Bob Example
`;
const HOOK = `integrations:\n  - name: hook\n    type: webhook\n    token: ${TOKEN}\n`; // 4 lines

describe("parseConfig: problems with the newer options", () => {
  it.each<[string, string, Expected[]]>([
    // --- a user's notification rules
    [
      "sms, call and call_until_answered for a user without phone",
      `${PHONES}    notification_rules:\n      default: [slack_dm, {wait: 1m}, sms]\n      important:\n        - call\n        - call_until_answered: {times: 2}\n`,
      [
        [8, "users[1].notification_rules.default[2]", "sms needs a phone number for bob@example.com"],
        [10, "users[1].notification_rules.important[0]", "call needs a phone number for bob@example.com"],
        [11, "users[1].notification_rules.important[1]", "call_until_answered needs a phone number for bob@example.com"],
      ],
    ],
    [
      "sms for a user whose phone is bad: only the phone is reported",
      `users:\n  - email: a@example.com\n    name: A\n    phone: "12"\n    notification_rules: {default: [sms]}\n`,
      [[4, "users[0].phone", /^expected a phone number in E\.164 form/]],
    ],
    [
      "an unknown ladder step",
      `${PHONES}    notification_rules:\n      default: [sm, text, wait]\n`,
      [
        [8, "users[1].notification_rules.default[0]", 'unknown notification step "sm" (did you mean "sms"?); expected slack_dm, sms, call, call_until_answered or wait: 2m'],
        [8, "users[1].notification_rules.default[1]", 'unknown notification step "text"; expected slack_dm, sms, call, call_until_answered or wait: 2m'],
        [8, "users[1].notification_rules.default[2]", "wait needs a duration, like - wait: 2m"],
      ],
    ],
    [
      "ladder steps written as mappings",
      `${PHONES}    notification_rules:\n      default:\n        - wait: 0s\n        - slack_dm: 1\n        - {slack_dm: null, sms: null}\n        - cal:\n        - 5\n`,
      [
        [9, "users[1].notification_rules.default[0].wait", /^wait must be longer than 0s/],
        [10, "users[1].notification_rules.default[1].slack_dm", "slack_dm takes no value; write it as - slack_dm"],
        [11, "users[1].notification_rules.default[2]", 'a step has exactly one type, found slack_dm and sms; put each in its own "- " item'],
        [12, "users[1].notification_rules.default[3].cal", /^unknown notification step "cal" \(did you mean "call"\?\)/],
        [13, "users[1].notification_rules.default[4]", /^expected a notification step: slack_dm, sms, call, call_until_answered or \{wait: 2m\}, found the number 5/],
      ],
    ],
    [
      "call_until_answered settings out of range",
      `${PHONES.replace("Bob Example", 'Bob Example\n    phone: "+4915187654321"')}    notification_rules:\n      important:\n        - call_until_answered: {every: 2s, times: 21}\n        - call_until_answered: {tims: 2}\n        - call_until_answered: 3\n`,
      [
        [10, "users[1].notification_rules.important[0].call_until_answered.every", "every must be at least 5s, found 2s"],
        [10, "users[1].notification_rules.important[0].call_until_answered.times", "expected a whole number of calls from 1 to 20 like 5, found the number 21"],
        [11, "users[1].notification_rules.important[1].call_until_answered.tims", 'unknown key "tims" (did you mean "times"?)'],
        [12, "users[1].notification_rules.important[2].call_until_answered", /^expected call settings like \{every: 2m, times: 5\} \(empty: every 2m, 5 times\), found the number 3/],
      ],
    ],
    [
      "an empty ladder and a ladder that only waits",
      `${PHONES}    notification_rules:\n      default: []\n      important: [{wait: 1m}]\n`,
      [
        [8, "users[1].notification_rules.default", "expected at least one step, like [slack_dm, {wait: 2m}, call] (leave the key out for the team-wide rules)"],
        [9, "users[1].notification_rules.important", /^the ladder only waits and never notifies; add slack_dm, sms, call or call_until_answered/],
      ],
    ],
    [
      "a misspelled ladder key and rules that are not a mapping",
      `${PHONES}    notification_rules:\n      defualt: [slack_dm]\n  - email: carol@example.com\n    name: Carol\n    notification_rules: [slack_dm]\n`,
      [
        [8, "users[1].notification_rules.defualt", 'unknown key "defualt" (did you mean "default"?)'],
        [11, "users[2].notification_rules", /^expected notification rules like \{default: \[slack_dm, \{wait: 2m\}, call\], important: \[call\]\}, found a list/],
      ],
    ],

    // --- team-wide notification rules and paging
    [
      "team-wide rules: checked, but phone steps are fine (people without phone are skipped when paging)",
      `notification_rules:\n  default: [slack_dm, {wait: 5m}, sms]\n  important: [slack_dm, smss]\n  urgent: [call]\n${PHONES}`,
      [
        [3, "notification_rules.important[1]", /^unknown notification step "smss" \(did you mean "sms"\?\)/],
        [4, "notification_rules.urgent", 'unknown key "urgent"; expected one of default, important'],
      ],
    ],
    ["team-wide rules as a list", "notification_rules: [slack_dm]\nusers: []\n", [[1, "notification_rules", /^expected notification rules like .*, found a list$/]]],
    [
      "paging limits out of range",
      `paging:\n  sms_per_window: 0\n  calls_per_window: "3"\n  window: 5s\n  windows: 1h\nusers: []\n`,
      [
        [2, "paging.sms_per_window", "expected a whole number of SMS of at least 1 like 5, found the number 0"],
        [3, "paging.calls_per_window", 'expected a whole number of calls of at least 1 like 3, found "3" (leave out the quotes)'],
        [4, "paging.window", "window must be at least 10s, found 5s"],
        [5, "paging.windows", 'unknown key "windows" (did you mean "window"?)'],
      ],
    ],
    ["paging as a number", "paging: 5\nusers: []\n", [[1, "paging", "expected paging limits like {sms_per_window: 5, calls_per_window: 3, window: 15m}, found the number 5"]]],
    ["a fractional sms limit", "paging: {sms_per_window: 1.5}\nusers: []\n", [[1, "paging.sms_per_window", /found the number 1.5$/]]],

    // --- export tokens
    [
      "bad export tokens",
      `users:\n  - email: a@example.com\n    name: A\n    export_token: short\n  - email: b@example.com\n    name: B\n    export_token: has/slash+plus=0123456\n  - email: c@example.com\n    name: C\n    export_token: 12345678901234567890\n`,
      [
        [4, "users[0].export_token", "the token is 5 characters long; use at least 16 (e.g. openssl rand -hex 16)"],
        [7, "users[1].export_token", "the token may only contain A-Z, a-z, 0-9, _ and - (it is part of the calendar export URL)"],
        [10, "users[2].export_token", /^expected a secret like \$\{ALICE_ICS_TOKEN\} \(at least 16 characters of A-Z, a-z, 0-9, _ and -\), found a number; quote it$/],
      ],
    ],
    [
      "an export token used twice (user and schedule share one URL space)",
      `users:\n  - email: a@example.com\n    name: A\n    export_token: ${EXPORT_TOKEN}\nschedules:\n  - name: a\n    feed: a.ics\n    export_token: ${EXPORT_TOKEN}\n  - name: b\n    feed: b.ics\n    export_token: ${EXPORT_TOKEN}\n`,
      [
        [8, "schedules[0].export_token", "the same export token is used by users[0]; each calendar export needs its own token"],
        [11, "schedules[1].export_token", "the same export token is used by users[0]; each calendar export needs its own token"],
      ],
    ],
    ["an unset export token variable", `users: []\nschedules:\n  - name: a\n    feed: a.ics\n    export_token: \${ICS_TOKEN}\n`, [[5, "schedules[0].export_token", "environment variable ICS_TOKEN is not set"]]],

    // --- schedules: user groups and announcements
    [
      "bad and shared user groups",
      `users: []\nschedules:\n  - name: a\n    feed: a.ics\n    user_group: on call\n  - name: b\n    feed: b.ics\n    user_group: OnCall-DB\n  - name: c\n    feed: c.ics\n    user_group: "@oncall-db"\n`,
      [
        [5, "schedules[0].user_group", 'expected a Slack user group handle like oncall-db (letters, digits, ., _ and -) or a user group id like S0123ABCD, found "on call"'],
        [11, "schedules[2].user_group", "the user group @oncall-db is already kept by schedules[1]; a user group can follow only one schedule"],
      ],
    ],
    [
      "announce without a channel, and announce that is not a boolean",
      `users: []\nschedules:\n  - name: a\n    feed: a.ics\n    announce: true\n  - name: b\n    feed: b.ics\n    channel: "#b"\n    announce: "yes"\n  - name: c\n    feed: c.ics\n    channel: oncall\n    announce: true\n`,
      [
        [5, "schedules[0].announce", 'announce needs a channel to post in; add channel: "#oncall" to the schedule (or leave announce out)'],
        [9, "schedules[1].announce", 'expected true or false, found "yes"'],
        // A bad channel is reported once, not again as "announce without a channel".
        [12, "schedules[2].channel", /^expected a Slack channel like "#oncall"/],
      ],
    ],
    ["a misspelled schedule option", "users: []\nschedules:\n  - name: a\n    feed: a.ics\n    usergroup: oncall\n", [[5, "schedules[0].usergroup", 'unknown key "usergroup" (did you mean "user_group"?)']]],
    [
      "reminders that are too short, not durations, and a handoff that is no choice or has no channel",
      `users: []\nschedules:\n  - name: a\n    feed: a.ics\n    reminders: [1d, 10s, soon]\n    handoff: email\n  - name: b\n    feed: b.ics\n    handoff: channel\n`,
      [
        [5, "schedules[0].reminders[1]", "a reminder must be from 1m to 14d, found 10s"],
        [5, "schedules[0].reminders[2]", 'expected a duration like 5m, found "soon"'],
        [6, "schedules[0].handoff", 'expected dm, channel or off, found "email"'],
        [9, "schedules[1].handoff", 'handoff: channel needs a channel to post in; add channel: "#oncall" to the schedule (or use handoff: dm)'],
      ],
    ],

    // --- escalation steps
    [
      "round-robin problems",
      `${USERS}${SCHEDULES}${CHAINS}      - notify_round_robin: []\n      - notify_round_robin: [ali, Bob Exmaple]\n      - notify_round_robin: {a: 1}\n`,
      [
        [14, "escalation_chains[0].steps[1].notify_round_robin", /^expected at least one user; expected a list of users/],
        [15, "escalation_chains[0].steps[2].notify_round_robin[1]", /^no user "Bob Exmaple" \(did you mean "Bob Example"\?\)/],
        [16, "escalation_chains[0].steps[3].notify_round_robin", /^expected a list of users \(email, name or alias\) like \[alice@example.com, Bob Example\], found a mapping/],
      ],
    ],
    [
      "user group and channel mention problems",
      `${USERS}${SCHEDULES}${CHAINS}      - notify_user_group: on call\n      - notify_user_group:\n      - notify_channel: everyone\n      - notify_channel: here\n        important: true\n`,
      [
        [14, "escalation_chains[0].steps[1].notify_user_group", /^expected a Slack user group handle like oncall-db .*, found "on call"/],
        [15, "escalation_chains[0].steps[2].notify_user_group", "missing; expected a Slack user group handle like oncall-db"],
        [16, "escalation_chains[0].steps[3].notify_channel", `expected here or channel (an @here or @channel mention in the alert's channel), found "everyone"`],
        [18, "escalation_chains[0].steps[4].important", "important applies only to notify_schedule, notify_users, notify_round_robin, notify_user_group steps, not to notify_channel"],
      ],
    ],
    [
      "webhook problems",
      `${USERS}${SCHEDULES}${CHAINS}      - webhook: ftp://hooks.example.com/x\n      - webhook: {timeout: 90s, retries: 11, retry: 1}\n      - webhook: {url: "https://h.example.com", timeout: 0s}\n      - webhook:\n`,
      [
        [14, "escalation_chains[0].steps[1].webhook", 'expected an http:// or https:// URL like https://hooks.example.com/page, found "ftp://hooks.example.com/x"'],
        [15, "escalation_chains[0].steps[2].webhook.retry", 'unknown key "retry"; expected one of url, timeout, retries'],
        [15, "escalation_chains[0].steps[2].webhook.url", "missing; expected an http:// or https:// URL like https://hooks.example.com/page"],
        [15, "escalation_chains[0].steps[2].webhook.timeout", "timeout must be from 1s to 1m, found 1m30s"],
        [15, "escalation_chains[0].steps[2].webhook.retries", "expected a whole number of retries from 0 to 10 like 3, found the number 11"],
        [16, "escalation_chains[0].steps[3].webhook.timeout", "timeout must be from 1s to 1m, found 0s"],
        [17, "escalation_chains[0].steps[4].webhook", "missing; expected an http:// or https:// URL like https://hooks.example.com/page"],
      ],
    ],
    [
      "resolve problems",
      `${USERS}${SCHEDULES}${CHAINS}      - resolve: false\n      - resolve: now\n      - resolv\n      - resolve\n      - wait: 1m\n`,
      [
        [14, "escalation_chains[0].steps[1].resolve", "resolve: false does nothing; remove the step, or write - resolve"],
        [15, "escalation_chains[0].steps[2].resolve", 'expected - resolve (or resolve: true), found "now"'],
        [16, "escalation_chains[0].steps[3]", /^unknown step type "resolv" \(did you mean "resolve"\?\); expected one of wait, /],
        [17, "escalation_chains[0].steps[4]", "resolve ends the chain, so the steps after it never run; make it the last step"],
      ],
    ],
    ["a bare step that needs a value", `${USERS}${SCHEDULES}${CHAINS}      - wait\n`, [[14, "escalation_chains[0].steps[1]", "wait needs a value, like - wait: 5m"]]],
    [
      "if_time in the string form",
      `${USERS}${SCHEDULES}${CHAINS}      - if_time: "9-17"\n      - if_time: "09:00-09:00 mon-fry Europe/Berln"\n      - if_time: "24:00-06:00"\n      - wait: 1m\n`,
      [
        [14, "escalation_chains[0].steps[1].if_time", /^cannot read "9-17"/],
        [14, "escalation_chains[0].steps[1].if_time", /^expected a time window like "09:00-17:00 mon-fri Europe\/Berlin" \(days and time zone are optional\), found "9-17"/],
        [15, "escalation_chains[0].steps[2].if_time", /^the window starts and ends at 09:00/],
        [15, "escalation_chains[0].steps[2].if_time", /^unknown day "fry" \(did you mean "fri"\?\)/],
        [15, "escalation_chains[0].steps[2].if_time", /^unknown time zone "Europe\/Berln"/],
        [16, "escalation_chains[0].steps[3].if_time", "a window cannot start at 24:00; start it at 00:00"],
      ],
    ],
    [
      "if_time in the mapping form",
      `${USERS}${SCHEDULES}${CHAINS}      - if_time:\n          from: "25:00"\n          days: [mon, funday]\n          timezone: Berlin\n          tz: UTC\n      - if_time: {from: "10:00", to: "10:00", days: []}\n      - if_time: 9\n      - wait: 1m\n`,
      [
        [14, "escalation_chains[0].steps[1].if_time.to", /^missing; expected a time of day from 00:00 to 24:00 like 09:00/],
        [15, "escalation_chains[0].steps[1].if_time.from", 'expected a time of day from 00:00 to 24:00 like 09:00, found "25:00"'],
        [16, "escalation_chains[0].steps[1].if_time.days[1]", /^unknown day "funday"; expected mon, tue/],
        [17, "escalation_chains[0].steps[1].if_time.timezone", /^unknown time zone "Berlin"/],
        [18, "escalation_chains[0].steps[1].if_time.tz", /^unknown key "tz"/],
        [19, "escalation_chains[0].steps[2].if_time.days", "expected at least one day, like [mon, tue] (leave days out for every day)"],
        [19, "escalation_chains[0].steps[2].if_time.to", /^the window starts and ends at 10:00/],
        [20, "escalation_chains[0].steps[3].if_time", /^expected a time window like "09:00-17:00 mon-fri Europe\/Berlin" or \{from: "09:00", to: "17:00", days: \[mon, tue\]\}, found the number 9/],
      ],
    ],
    [
      "if_alerts problems",
      `${USERS}${SCHEDULES}${CHAINS}      - if_alerts: "5 in 0s"\n      - if_alerts: "five in 10m"\n      - if_alerts: "5 within 10m"\n      - if_alerts: {count: -1, within: 10m}\n      - if_alerts: {count: 5}\n      - if_alerts: 5\n      - wait: 1m\n`,
      [
        [14, "escalation_chains[0].steps[1].if_alerts", /^the time span must be longer than 0s/],
        [15, "escalation_chains[0].steps[2].if_alerts", /^expected a whole number of alerts of at least 0 before "in", like "5 in 10m" or \{count: 5, within: 10m\}, found "five"/],
        [16, "escalation_chains[0].steps[3].if_alerts", /^expected an alert count like "5 in 10m" or \{count: 5, within: 10m\} \(more than 5 alerts in the last 10 minutes\), found "5 within 10m"/],
        [17, "escalation_chains[0].steps[4].if_alerts.count", "expected a whole number of alerts of at least 0 like 5, found the number -1"],
        [18, "escalation_chains[0].steps[5].if_alerts.within", "missing; expected a duration like 5m"],
        [19, "escalation_chains[0].steps[6].if_alerts", /^expected an alert count like "5 in 10m" or \{count: 5, within: 10m\}, found the number 5/],
      ],
    ],
    [
      "a condition as the last step",
      `${USERS}${SCHEDULES}${CHAINS}      - if_time: "09:00-17:00"\n  - name: b\n    steps:\n      - notify_schedule: primary\n      - if_alerts: "1 in 5m"\n`,
      [
        [14, "escalation_chains[0].steps[1].if_time", "if_time as the last step guards nothing; put the steps it should guard after it"],
        [18, "escalation_chains[1].steps[1].if_alerts", "if_alerts as the last step guards nothing; put the steps it should guard after it"],
      ],
    ],

    // --- integrations
    [
      "post_to_slack, heartbeat and rate_limit problems",
      `${USERS}${SCHEDULES}${CHAINS}${HOOK}    post_to_slack: no\n    heartbeat: 2s\n    rate_limit: 0\n    routes:\n      - post_to_slack: 1\n  - name: hook2\n    type: webhook\n    token: ${TOKEN}-2\n    heartbeat: 300\n    rate_limit: many\n`,
      [
        [18, "integrations[0].post_to_slack", 'expected true or false, found "no"'],
        [19, "integrations[0].heartbeat", "heartbeat must be at least 5s, found 2s"],
        [20, "integrations[0].rate_limit", "expected a whole number of alerts per minute of at least 1 like 6000, found the number 0"],
        [22, "integrations[0].routes[0].post_to_slack", "expected true or false, found the number 1"],
        [26, "integrations[1].heartbeat", "expected a duration like 5m, found the number 300 (add a unit: s, m, h, d or w)"],
        [27, "integrations[1].rate_limit", 'expected a whole number of alerts per minute of at least 1 like 6000, found "many"'],
      ],
    ],
    [
      "a mapping on an alertmanager integration",
      `${USERS}integrations:\n  - name: am\n    type: alertmanager\n    token: ${TOKEN}\n    mapping: {title: data.name}\n`,
      [[11, "integrations[0].mapping", "mapping applies only to type: webhook integrations; alertmanager payloads have a fixed format"]],
    ],
    [
      "a mapping on a formatted_webhook integration (Grafana OnCall's fixed shape)",
      `${USERS}integrations:\n  - name: oncall\n    type: formatted_webhook\n    token: ${TOKEN}\n    mapping: {title: data.name}\n`,
      [[11, "integrations[0].mapping", "mapping applies only to type: webhook integrations; formatted_webhook payloads have a fixed format (type: webhook reads the same fields by default and takes a mapping)"]],
    ],
    [
      "bad mapping paths",
      `${USERS}${HOOK}    mapping:\n      title: data..name\n      message: 5\n      grouping: id\n      severity: "labels[x]"\n      resolve_when: {path: "state.", equals: ""}\n  - name: hook2\n    type: webhook\n    token: ${TOKEN}-2\n    mapping:\n      resolve_when: data.state\n`,
      [
        [12, "integrations[0].mapping.title", 'expected a JSON path like data.alert.name or alerts[0].labels.severity, found "data..name"'],
        [13, "integrations[0].mapping.message", /^expected a JSON path like data\.alert\.name or alerts\[0\]\.labels\.severity, found the number 5/],
        [14, "integrations[0].mapping.grouping", 'unknown key "grouping" (did you mean "grouping_key"?)'],
        [15, "integrations[0].mapping.severity", 'expected a JSON path like data.alert.name or alerts[0].labels.severity, found "labels[x]"'],
        [16, "integrations[0].mapping.resolve_when.path", /found "state\."$/],
        [16, "integrations[0].mapping.resolve_when.equals", "expected the value that means resolved, like resolved or ok, found an empty value"],
        [21, "integrations[1].mapping.resolve_when", 'expected a condition like {path: data.state, equals: resolved}, found "data.state"'],
      ],
    ],
    [
      "a mapping that is not a mapping",
      `${USERS}${HOOK}    mapping: [title]\n`,
      [[11, "integrations[0].mapping", /^expected a mapping of fields to JSON paths like \{title: data\.name, grouping_key: data\.id\}, found a list/]],
    ],
  ])("%s", (_name, yaml, expected) => {
    expectProblems(problems(yaml), expected);
  });
});

describe("parseConfig: Twilio environment", () => {
  const yaml = "users: []\n";
  const all = { TWILIO_ACCOUNT_SID: "AC0123456789abcdef0123456789abcdef", TWILIO_AUTH_TOKEN: "auth-secret", TWILIO_FROM_NUMBER: "+1 555 123 0001" };

  it("reads all four variables; the number is normalized and the API URL loses its trailing /", () => {
    expect(valid(yaml, { ...all, TWILIO_API_URL: "http://127.0.0.1:4010/" }).env.twilio).toEqual({
      accountSid: "AC0123456789abcdef0123456789abcdef",
      authToken: "auth-secret",
      fromNumber: "+15551230001",
      apiUrl: "http://127.0.0.1:4010",
    });
  });

  it("is all null when none is set (empty counts as unset); the API URL alone is fine", () => {
    expect(valid(yaml, { TWILIO_ACCOUNT_SID: "", TWILIO_AUTH_TOKEN: " " }).env.twilio).toEqual(NO_TWILIO);
    expect(valid(yaml, { TWILIO_API_URL: "https://api.twilio.com" }).env.twilio).toEqual({ ...NO_TWILIO, apiUrl: "https://api.twilio.com" });
  });

  it.each<[Record<string, string>, Expected[]]>([
    [
      { TWILIO_ACCOUNT_SID: all.TWILIO_ACCOUNT_SID },
      [
        [
          null,
          "env.TWILIO_AUTH_TOKEN",
          "TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER are not set; SMS and phone calls need TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER together (or none of them)",
        ],
      ],
    ],
    [{ TWILIO_AUTH_TOKEN: "x", TWILIO_FROM_NUMBER: "+15551230001" }, [[null, "env.TWILIO_ACCOUNT_SID", /^TWILIO_ACCOUNT_SID is not set; SMS and phone calls need/]]],
    [{ TWILIO_AUTH_TOKEN: "x" }, [[null, "env.TWILIO_ACCOUNT_SID", /^TWILIO_ACCOUNT_SID and TWILIO_FROM_NUMBER are not set;/]]],
    [{ ...all, TWILIO_ACCOUNT_SID: "SK0123" }, [[null, "env.TWILIO_ACCOUNT_SID", "expected a Twilio account SID starting with AC (Twilio Console -> Account info)"]]],
    [{ ...all, TWILIO_FROM_NUMBER: "0151 1234" }, [[null, "env.TWILIO_FROM_NUMBER", 'expected a phone number in E.164 form like +4915112345678 (a + and 8 to 15 digits), found "0151 1234"']]],
    [{ TWILIO_API_URL: "localhost:4010" }, [[null, "env.TWILIO_API_URL", 'expected an http:// or https:// URL like https://api.twilio.com, found "localhost:4010"']]],
  ])("%j", (env, expected) => {
    expectProblems(problems(yaml, env), expected);
  });

  it("never repeats the auth token in a message", () => {
    const result = parse(yaml, { TWILIO_AUTH_TOKEN: "very-secret-token" });
    expect(JSON.stringify(result)).not.toContain("very-secret-token");
  });
});

describe("parseConfig: storm summaries", () => {
  const storm = (yaml: string) => valid(yaml).storm;
  it("defaults to 5 new groups a minute, takes threshold and window, and can be turned off", () => {
    expect(storm("users: []\n")).toEqual({ threshold: 5, windowSeconds: 60 });
    expect(storm("users: []\nstorm: {threshold: 4, window: 2m}\n")).toEqual({ threshold: 4, windowSeconds: 120 });
    expect(storm("users: []\nstorm: {threshold: 25}\n")).toEqual({ threshold: 25, windowSeconds: 60 });
    expect(storm("users: []\nstorm: off\n")).toBeNull();
    expect(storm("users: []\nstorm: false\n")).toBeNull();
  });
});

describe("parseConfig: ack_timeout", () => {
  const chain = (ackTimeout: string) => `${USERS}${SCHEDULES}escalation_chains:
  - name: default
    ack_timeout: ${ackTimeout}
    steps:
      - notify_schedule: primary
`; // ack_timeout on line 12

  it("takes a duration (answer within 5m by default) or {after, answer_within}", () => {
    expect(valid(chain("30m")).escalationChains[0]!.ackTimeout).toEqual({ afterSeconds: 1800, answerWithinSeconds: 300 });
    expect(valid(chain("{after: 1h, answer_within: 10m}")).escalationChains[0]!.ackTimeout).toEqual({ afterSeconds: 3600, answerWithinSeconds: 600 });
    expect(valid(`${USERS}${SCHEDULES}${CHAINS}`).escalationChains[0]!.ackTimeout).toBeUndefined();
  });

  it("names the key and line of a bad value", () => {
    expectProblems(problems(chain("soon")), [[12, "escalation_chains[0].ack_timeout", /expected a duration like 5m/]]);
    expectProblems(problems(chain("8d")), [[12, "escalation_chains[0].ack_timeout", "ack_timeout must be from 1s to 7d, found 8d"]]);
    expectProblems(problems(chain("{after: 30m, answer_in: 5m}")), [[12, "escalation_chains[0].ack_timeout.answer_in", /unknown key "answer_in".*answer_within/]]);
    expectProblems(problems(chain("{answer_within: 5m}")), [[12, "escalation_chains[0].ack_timeout.after", /missing/]]);
  });
});

describe("a user's timezone", () => {
  it("is read when it is an IANA zone, and left out when absent", () => {
    const c = valid("users:\n  - email: ada@example.com\n    name: Ada\n    timezone: America/New_York\n  - email: bo@example.com\n    name: Bo\n");
    expect(c.users.map((u) => u.timezone)).toEqual(["America/New_York", undefined]);
  });

  it("an unknown zone is refused with its line and path", () => {
    const found = problems("users:\n  - email: ada@example.com\n    name: Ada\n    timezone: Europe/Berln\n");
    expect(found.map((p) => [p.line, p.path])).toEqual([[4, "users[0].timezone"]]);
    expect(found[0]!.message).toMatch(/Europe\/Berln/);
  });
});

describe("a schedule's night_warnings", () => {
  const schedule = (extra: string) => `users: []\nschedules:\n  - name: primary\n    feed: https://calendar.example.com/a.ics\n${extra}`;

  it("is on for a schedule with a channel unless set to false, and off without a channel", () => {
    expect(valid(schedule("")).schedules[0]!.nightWarnings).toBeUndefined();
    expect(valid(schedule('    channel: "#oncall"\n')).schedules[0]!.nightWarnings).toBe(true);
    expect(valid(schedule('    channel: "#oncall"\n    night_warnings: true\n')).schedules[0]!.nightWarnings).toBe(true);
    expect(valid(schedule('    channel: "#oncall"\n    night_warnings: false\n')).schedules[0]!.nightWarnings).toBeUndefined();
  });

  it("needs a channel to post in, and must be true or false", () => {
    expect(problems(schedule("    night_warnings: true\n")).map((p) => [p.line, p.path, p.message])).toEqual([
      [5, "schedules[0].night_warnings", 'night_warnings are posted in the schedule\'s channel; add channel: "#oncall" to the schedule (or set night_warnings: false)'],
    ]);
    expect(problems(schedule('    channel: "#oncall"\n    night_warnings: sometimes\n')).map((p) => p.path)).toEqual(["schedules[0].night_warnings"]);
  });
});
