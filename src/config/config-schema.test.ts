import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { Ajv, type ErrorObject } from "ajv";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { mapGrafanaOncall } from "../import/map-grafana-oncall.js";
import { readOncallDir } from "../import/read-oncall-export.js";
import { configJsonSchema, renderConfigSchema, SCHEMA_FILE } from "./config-schema.js";
import {
  ACCESS,
  CALL_UNTIL_ANSWERED,
  CONFIG,
  ESCALATION_CHAIN,
  IF_ALERTS,
  IF_TIME_WINDOW,
  INTEGRATION,
  isRequired,
  keysOf,
  MAPPING,
  NOTIFICATION_RULES,
  PAGING,
  RESOLVE_WHEN,
  ROUTE,
  SCHEDULE,
  STORM,
  USER,
  WEBHOOK_STEP,
  type ObjectShape,
} from "./config-shape.js";
import { parseConfig } from "./parse-config.js";

/**
 * calpage.schema.json (for editors) against the validator it is generated beside: the committed
 * file is what `npm run schema` writes, every example configuration passes both, and configs the
 * validator refuses for an unknown key, a wrong enum value or a wrong type are refused by the schema
 * too, at the same place.
 */

const ROOT = path.join(import.meta.dirname, "..", "..");
const ENV = { AM_TOKEN: "", GRAFANA_TOKEN: "grafana-token-0123456789", PRIMARY_ICS_URL: "https://calendar.example.com/p.ics", RATE_LIMIT: "100", POST: "true" };

function compile() {
  // VS Code extensions yaml-language-server reads (descriptions of enum values, pattern messages); not validation keywords.
  const ajv = new Ajv({ strict: true, allErrors: true, allowUnionTypes: true });
  ajv.addKeyword({ keyword: "enumDescriptions", schemaType: "array" });
  ajv.addKeyword({ keyword: "patternErrorMessage", schemaType: "string" });
  return ajv.compile(JSON.parse(readFileSync(path.join(ROOT, SCHEMA_FILE), "utf8")) as object);
}
const validate = compile();

function schemaErrors(yaml: string): ErrorObject[] {
  return validate(parse(yaml) ?? {}) ? [] : [...(validate.errors ?? [])];
}

function validatorProblems(yaml: string, env: Record<string, string> = ENV) {
  const result = parseConfig(yaml, "/etc/calpage/calpage.yaml", env);
  return result.ok ? [] : result.errors;
}

/** `integrations[0].routes[1].chain` -> `/integrations/0/routes/1/chain` */
function pointer(configPath: string): string {
  return configPath === "" ? "" : `/${configPath.replace(/\[(\d+)\]/g, ".$1").split(".").join("/")}`;
}

const USERS = "users:\n  - email: alice@example.com\n    name: Alice Example\n";
const BASE = `${USERS}schedules:\n  - name: primary\n    feed: https://calendar.example.com/p.ics\nescalation_chains:\n  - name: default\n    steps:\n      - notify_schedule: primary\n`;
const integration = (lines: string) => `${BASE}integrations:\n  - name: prod\n    type: alertmanager\n${lines}`;
const step = (lines: string) => `${USERS}schedules:\n  - name: primary\n    feed: https://calendar.example.com/p.ics\nescalation_chains:\n  - name: default\n    steps:\n${lines}`;

describe("calpage.schema.json", () => {
  it("is what `npm run schema` generates from config-shape.ts (run it after changing the shape)", () => {
    const committed = readFileSync(path.join(ROOT, SCHEMA_FILE), "utf8");
    expect(committed, "calpage.schema.json is out of date: run `npm run schema` and commit it").toBe(renderConfigSchema());
  });

  it("is a draft-07 schema that ajv compiles in strict mode", () => {
    expect(configJsonSchema().$schema).toBe("http://json-schema.org/draft-07/schema#");
    expect(typeof validate).toBe("function");
  });

  it("is named on the first line of the example calpage.yaml, for yaml-language-server", () => {
    const firstLine = readFileSync(path.join(ROOT, "calpage.yaml"), "utf8").split("\n")[0];
    expect(firstLine).toBe(`# yaml-language-server: $schema=./${SCHEMA_FILE}`);
  });
});

describe("calpage.schema.json accepts every example configuration", () => {
  const examples = [
    ...readdirSync(ROOT).filter((name) => /^calpage.*\.ya?ml$/.test(name)),
    ...readdirSync(path.join(ROOT, "examples"))
      .filter((name) => /^calpage.*\.ya?ml$/.test(name))
      .map((name) => `examples/${name}`),
  ];

  it.each(examples)("%s", (name) => {
    const text = readFileSync(path.join(ROOT, name), "utf8");
    expect(validatorProblems(text)).toEqual([]);
    expect(schemaErrors(text)).toEqual([]);
  });

  // README's calpage.yaml excerpts (its other YAML blocks say `# alertmanager.yml`) use only keys and values the schema knows.
  const readmeBlocks = [...readFileSync(path.join(ROOT, "README.md"), "utf8").matchAll(/^( *)```yaml\n([\s\S]*?)^ *```$/gm)]
    .map((m) => m[2]!.replace(new RegExp(`^${m[1]}`, "gm"), ""))
    .filter((block) => !block.startsWith("# alertmanager.yml"));
  it("README has calpage.yaml excerpts to check", () => expect(readmeBlocks.length).toBeGreaterThan(0));
  it.each(readmeBlocks.map((block) => [block.split("\n").find((line) => /^\w/.test(line)) ?? "", block]))("README excerpt starting %s", (_, block) => {
    const excerpt = parse(block) as Record<string, unknown>;
    expect(schemaErrors(stringify({ users: [], ...excerpt }))).toEqual([]);
  });

  it("the configuration `calpage import grafana-oncall` writes from the recorded OnCall export", async () => {
    const { data } = await readOncallDir(path.join(ROOT, "tests", "fixtures", "grafana-oncall"));
    const { yaml } = mapGrafanaOncall(data, new Date("2026-01-01T00:00:00Z"));
    expect(validatorProblems(yaml, {})).toEqual([]);
    expect(schemaErrors(yaml)).toEqual([]);
  });

  // The forms a schema could wrongly refuse: short forms, empty values, ${VAR} in typed text.
  it.each<[string, string]>([
    ["only users", "users: []\n"],
    ["empty optional values", `${USERS}timezone:\nschedules:\n  - name: primary\n    feed: ./p.ics\n    overrides_feed: null\n    channel: ""\n    refresh:\nstorm:\naccess:\n`],
    ["${VAR} in typed text", `timezone: \${TZ:-Europe/Berlin}\nusers:\n  - email: \${ALICE_EMAIL:-alice@example.com}\n    name: Alice\n    phone: "\${ALICE_PHONE:-+4915112345678}"\nschedules:\n  - name: primary\n    feed: \${PRIMARY_ICS_URL}\n    refresh: \${REFRESH:-5m}\n    channel: \${CHANNEL:-C0123ABCD}\nescalation_chains:\n  - name: \${CHAIN:-default}\n    steps:\n      - wait: \${WAIT:-1m}\n      - notify_schedule: primary\nintegrations:\n  - name: prod\n    type: \${TYPE:-alertmanager}\n    token: \${AM_TOKEN:-}\n`],
    ["short forms", `users:\n  - email: alice@example.com\n    name: Alice\n    aliases: ali\n    phone: "+49 (151) 1234-5678"\n    slack_handle: "@alice"\n    notification_rules:\n      default: sms\nnotification_rules:\n  default: slack_dm\n  important: [slack_dm, {wait: 1m}, call_until_answered, {call_until_answered: }, {call_until_answered: {every: 1m}}, sms:, call]\nstorm: off\nschedules:\n  - name: primary\n    feed: webcal://calendar.example.com/p.ics\n    user_group: "@oncall"\nescalation_chains:\n  - name: default\n    steps:\n      - if_time: "9:00 - 17:00 mon-fri Europe/Berlin"\n      - if_alerts: 5 alerts in 10m\n      - notify_users: alice\n        important:\n      - notify_round_robin: [alice@example.com, Alice]\n        important: true\n      - notify_channel: "@Here"\n      - webhook: https://hooks.example.com/page\n      - repeat\n  - name: other\n    steps:\n      - if_time: {from: "22:00", to: "06:00", days: mon-fri}\n      - if_alerts: {count: 0, within: 1m}\n      - webhook: {url: http://127.0.0.1:9/x, timeout: 5s, retries: 0}\n      - notify_user_group: S0123ABCD\n      - resolve: true\n`],
    ["storm: false", "users: []\nstorm: false\n"],
    ["quoted words with spaces around them", `${integration("").replace("type: alertmanager", 'type: " webhook "')}notification_rules:\n  default: " sms"\n  important: ["slack_dm ", {wait: 1m}, " call"]\n`],
    ["a webhook mapping and routes", integration(`    token: ""\n    mapping:\n      title: data.name\n      resolve_when: {path: data.state, equals: 0}\n    routes:\n      - matchers: '{severity="critical", team=~"db|infra"}'\n        chain: default\n      - matchers:\n        responders: Alice Example\n`).replace("type: alertmanager", "type: webhook")],
  ])("%s", (_, yaml) => {
    expect(validatorProblems(yaml)).toEqual([]);
    expect(schemaErrors(yaml)).toEqual([]);
  });
});

describe("calpage.schema.json refuses what the validator refuses for a key, an enum value or a type", () => {
  // [case, config, path the validator reports, its message]
  it.each<[string, string, string, RegExp]>([
    ["a misspelled top-level key", "users: []\nstrom: off\n", "strom", /unknown key "strom" \(did you mean "storm"\?\)/],
    ["a misspelled user key", "users:\n  - email: a@example.com\n    name: A\n    phnoe: \"+4915112345678\"\n", "users[0].phnoe", /unknown key "phnoe"/],
    ["a misspelled schedule key", `${USERS}schedules:\n  - name: primary\n    feed: ./p.ics\n    refesh: 5m\n`, "schedules[0].refesh", /did you mean "refresh"/],
    ["a misspelled integration key", integration("    chian: default\n"), "integrations[0].chian", /did you mean "chain"/],
    ["a misspelled route key", integration("    routes:\n      - matcher: ['a=\"b\"']\n"), "integrations[0].routes[0].matcher", /did you mean "matchers"/],
    ["a misspelled mapping key", integration("    mapping: {titel: data.name}\n").replace("type: alertmanager", "type: webhook"), "integrations[0].mapping.titel", /did you mean "title"/],
    ["a misspelled access key", "users: []\naccess:\n  admin: []\n", "access.admin", /did you mean "admins"/],
    ["a misspelled paging key", "users: []\npaging:\n  sms_per_windw: 2\n", "paging.sms_per_windw", /did you mean "sms_per_window"/],
    ["a misspelled call_until_answered key", "users: []\nnotification_rules:\n  default: [{call_until_answered: {tims: 3}}]\n", "notification_rules.default[0].call_until_answered.tims", /did you mean "times"/],
    ["a missing required key", "users:\n  - name: Alice\n", "users[0].email", /^missing; expected an email address/],
    ["missing users", "timezone: UTC\n", "users", /^missing; expected a list of users/],
    ["an unknown integration type", integration("").replace("type: alertmanager", "type: alertmanagr"), "integrations[0].type", /unknown integration type "alertmanagr" \(did you mean "alertmanager"\?\)/],
    ["an unknown step type", step("      - notify_scheduel: primary\n"), "escalation_chains[0].steps[0].notify_scheduel", /unknown step type "notify_scheduel" \(did you mean "notify_schedule"\?\)/],
    ["an unknown bare step", step("      - resolved\n"), "escalation_chains[0].steps[0]", /unknown step type "resolved"/],
    ["two types in one step", step("      - wait: 5m\n        notify_schedule: primary\n"), "escalation_chains[0].steps[0]", /a step has exactly one type/],
    ["important on a wait", step("      - notify_schedule: primary\n      - wait: 5m\n        important: true\n"), "escalation_chains[0].steps[1].important", /important applies only to/],
    ["an unknown ladder rung", "users: []\nnotification_rules:\n  default: [slack_dm, phone]\n", "notification_rules.default[1]", /unknown notification step "phone"/],
    ["notify_channel: everyone", step("      - notify_channel: everyone\n"), "escalation_chains[0].steps[0].notify_channel", /expected here or channel/],
    ["storm: on", "users: []\nstorm: on\n", "storm", /expected storm settings like/],
    ["a number for a duration", `${USERS}schedules:\n  - name: primary\n    feed: ./p.ics\n    refresh: 300\n`, "schedules[0].refresh", /found the number 300 \(add a unit/],
    ["a duration without unit", step("      - wait: 5 minutes please\n"), "escalation_chains[0].steps[0].wait", /expected a duration like 5m/],
    ["a quoted number", integration("    rate_limit: \"100\"\n"), "integrations[0].rate_limit", /leave out the quotes/],
    // ${VAR} gives text, which the validator refuses for numbers and true/false: so does the schema.
    ["${VAR} for a number", integration("    rate_limit: ${RATE_LIMIT}\n"), "integrations[0].rate_limit", /found "100" \(leave out the quotes\)/],
    ["${VAR} for true/false", integration("    post_to_slack: ${POST}\n"), "integrations[0].post_to_slack", /expected true or false, found "true"/],
    ["a number out of range", "users: []\nstorm: {threshold: 1}\n", "storm.threshold", /from 2 to 100000/],
    ["too many calls", "users: []\nnotification_rules:\n  default: [{call_until_answered: {times: 21}}]\n", "notification_rules.default[0].call_until_answered.times", /from 1 to 20/],
    ["text for true/false", integration("    post_to_slack: yes\n"), "integrations[0].post_to_slack", /expected true or false, found "yes"/],
    ["an unquoted phone number", "users:\n  - email: a@example.com\n    name: A\n    phone: +4915112345678\n", "users[0].phone", /phone numbers must be quoted/],
    ["a mapping for a name", "users:\n  - email: a@example.com\n    name: {first: A}\n", "users[0].name", /found a mapping/],
    ["users as a mapping", "users:\n  alice: alice@example.com\n", "users", /found a mapping/],
    ["an unquoted #channel", integration("    channel: alerts\n"), "integrations[0].channel", /expected a Slack channel like "#oncall"/],
    ["a lower-case Slack id", "users:\n  - email: a@example.com\n    name: A\n    slack_id: u012ab3cd\n", "users[0].slack_id", /expected a Slack member id/],
    ["a name with capitals", `${USERS}schedules:\n  - name: Primary\n    feed: ./p.ics\n`, "schedules[0].name", /expected a lower-case name/],
    ["a short token", integration("    token: short\n"), "integrations[0].token", /the token is 5 characters long/],
    ["a token with a slash", integration("    token: abcdefghijklmnop/qrst\n"), "integrations[0].token", /may only contain/],
    ["an email without @", "users:\n  - email: alice.example.com\n    name: A\n", "users[0].email", /expected an email address/],
    ["an ftp feed", `${USERS}schedules:\n  - name: primary\n    feed: ftp://example.com/a.ics\n`, "schedules[0].feed", /unsupported URL scheme/],
    ["a webhook to ftp", step("      - webhook: ftp://example.com/x\n"), "escalation_chains[0].steps[0].webhook", /expected an http:\/\/ or https:\/\/ URL/],
    ["an empty step list", "users: []\nescalation_chains:\n  - name: x\n    steps: []\n", "escalation_chains[0].steps", /expected at least one step/],
    ["an empty ladder", "users: []\nnotification_rules:\n  default: []\n", "notification_rules.default", /expected at least one step/],
    ["repeat: -1", step("      - notify_schedule: primary\n      - repeat: -1\n"), "escalation_chains[0].steps[1].repeat", /whole number of repeats of at least 1/],
    ["resolve: false", step("      - notify_schedule: primary\n      - resolve: false\n"), "escalation_chains[0].steps[1].resolve", /resolve: false does nothing/],
    ["a rung with a value", "users: []\nnotification_rules:\n  default: [{sms: twice}]\n", "notification_rules.default[0].sms", /sms takes no value/],
  ])("%s", (_, yaml, configPath, message) => {
    const problems = validatorProblems(yaml);
    expect(
      problems.map((p) => p.path),
      problems.map((p) => `${p.path}: ${p.message}`).join("\n"),
    ).toContain(configPath);
    expect(problems.find((p) => p.path === configPath)?.message).toMatch(message);

    const errors = schemaErrors(yaml);
    expect(errors, "the schema accepts it").not.toEqual([]);
    // The schema points at the same value, or (an unknown key) at its mapping naming the key.
    const where = pointer(configPath);
    const at = errors.filter(
      (e) =>
        e.instancePath === where ||
        (e.keyword === "additionalProperties" && `${e.instancePath}/${String(e.params.additionalProperty)}` === where) ||
        (e.keyword === "required" && `${e.instancePath}/${String(e.params.missingProperty)}` === where),
    );
    expect(at, errors.map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`).join("\n")).not.toEqual([]);
  });
});

describe("config-shape.ts: the validator and the schema agree on which keys are required", () => {
  // One value for (nearly) every key; each section below loses one key at a time.
  const FULL = {
    timezone: "Europe/Berlin",
    users: [
      {
        email: "alice@example.com",
        name: "Alice Example",
        aliases: ["ali"],
        phone: "+4915112345678",
        slack_id: "U012AB3CD",
        slack_handle: "alice",
        notification_rules: { default: ["slack_dm"], important: ["slack_dm", { call_until_answered: { every: "5m", times: 3 } }] },
        export_token: "alice-export-token-0123",
      },
    ],
    schedules: [
      {
        name: "primary",
        feed: "https://calendar.example.com/p.ics",
        overrides_feed: "https://calendar.example.com/o.ics",
        timezone: "Europe/Berlin",
        channel: "#oncall",
        refresh: "5m",
        export_token: "primary-export-token-0123",
        user_group: "oncall-primary",
      },
    ],
    escalation_chains: [
      {
        name: "default",
        steps: [
          { notify_schedule: "primary", important: true },
          { webhook: { url: "https://hooks.example.com/page", timeout: "5s", retries: 2 } },
          { if_time: { from: "09:00", to: "17:00", days: ["mon"], timezone: "Europe/Berlin" } },
          { if_alerts: { count: 5, within: "10m" } },
          { wait: "1m" },
        ],
      },
    ],
    integrations: [
      {
        name: "hooks",
        type: "webhook",
        token: "hooks-token-0123456789",
        chain: "default",
        channel: "#alerts",
        routes: [{ matchers: ['severity="critical"'], chain: "default", channel: "#alerts-critical", post_to_slack: true, responders: ["Alice Example"] }],
        post_to_slack: true,
        mapping: { title: "data.title", message: "data.text", grouping_key: "data.id", severity: "data.level", resolve_when: { path: "data.state", equals: "ok" } },
        heartbeat: "5m",
        rate_limit: 100,
        responders: ["alice@example.com"],
      },
    ],
    notification_rules: { default: ["slack_dm"], important: ["slack_dm"] },
    paging: { sms_per_window: 5, calls_per_window: 3, window: "15m" },
    storm: { threshold: 5, window: "1m" },
    access: { admins: ["alice@example.com"], responders: ["@oncall"], max_silence: "24h", max_maintenance: "7d", audit_retention: "400d" },
  };

  const SECTIONS: [string, ObjectShape][] = [
    ["", CONFIG],
    ["users[0]", USER],
    ["users[0].notification_rules", NOTIFICATION_RULES],
    ["users[0].notification_rules.important[1].call_until_answered", CALL_UNTIL_ANSWERED],
    ["schedules[0]", SCHEDULE],
    ["escalation_chains[0]", ESCALATION_CHAIN],
    ["escalation_chains[0].steps[1].webhook", WEBHOOK_STEP],
    ["escalation_chains[0].steps[2].if_time", IF_TIME_WINDOW],
    ["escalation_chains[0].steps[3].if_alerts", IF_ALERTS],
    ["integrations[0]", INTEGRATION],
    ["integrations[0].routes[0]", ROUTE],
    ["integrations[0].mapping", MAPPING],
    ["integrations[0].mapping.resolve_when", RESOLVE_WHEN],
    ["notification_rules", NOTIFICATION_RULES],
    ["paging", PAGING],
    ["storm", STORM],
    ["access", ACCESS],
  ];

  const at = (root: unknown, configPath: string): Record<string, unknown> =>
    pointer(configPath)
      .split("/")
      .slice(1)
      .reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], root) as Record<string, unknown>;

  it("the full sample is valid for both", () => {
    const yaml = stringify(FULL);
    expect(validatorProblems(yaml)).toEqual([]);
    expect(schemaErrors(yaml)).toEqual([]);
  });

  it.each(SECTIONS)("%s: only the keys the shape allows, each left out in turn", (sectionPath, shape) => {
    const keys = Object.keys(at(FULL, sectionPath));
    expect(keys.filter((key) => !keysOf(shape).includes(key))).toEqual([]);
    for (const key of keys) {
      const config = structuredClone(FULL);
      delete at(config, sectionPath)[key];
      const yaml = stringify(config);
      const keyPath = sectionPath === "" ? key : `${sectionPath}.${key}`;
      const problems = validatorProblems(yaml).filter((p) => p.path === keyPath);
      const errors = schemaErrors(yaml);
      if (isRequired(shape, key)) {
        expect(problems.map((p) => p.message), keyPath).toEqual([expect.stringMatching(/^missing; expected /)]);
        expect(
          errors.some((e) => e.keyword === "required" && e.instancePath === pointer(sectionPath) && e.params.missingProperty === key),
          `${keyPath}: ${JSON.stringify(errors)}`,
        ).toBe(true);
      } else {
        expect(problems, keyPath).toEqual([]);
        expect(errors, keyPath).toEqual([]);
      }
    }
  });
});
