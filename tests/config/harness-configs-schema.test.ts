import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv } from "ajv";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { SCHEMA_FILE } from "../../src/config/config-schema.js";
import { parseConfig } from "../../src/config/parse-config.js";
import { AM_TOKEN, weeklyRotaIcs, writeConfig } from "../e2e/harness.js";
import { meConfigYaml } from "../me/me-harness.js";

/**
 * The configurations the test harnesses write (the end-to-end tests' calpage.yaml and the
 * `/oncall me` tests') are valid for calpage, and so for calpage.schema.json.
 */

const root = join(import.meta.dirname, "..", "..");
const ajv = new Ajv({ strict: true, allErrors: true, allowUnionTypes: true });
ajv.addKeyword({ keyword: "enumDescriptions", schemaType: "array" });
ajv.addKeyword({ keyword: "patternErrorMessage", schemaType: "string" });
const validate = ajv.compile(JSON.parse(readFileSync(join(root, SCHEMA_FILE), "utf8")) as object);

function check(yaml: string, configPath: string) {
  const result = parseConfig(yaml, configPath, { AM_TOKEN });
  expect(result.ok ? [] : result.errors).toEqual([]);
  validate(parse(yaml));
  expect(validate.errors ?? []).toEqual([]);
}

describe("the harnesses' configurations pass calpage.schema.json", () => {
  const dir = mkdtempSync(join(tmpdir(), "calpage-schema-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ["a plain chain", "      - notify_schedule: primary"],
    ["waits, important pages, repeat", "      - notify_schedule: primary\n        important: true\n      - wait: 1h\n      - notify_users: [alice@example.com, Bob Example]\n      - repeat: 2"],
  ])("tests/e2e/harness.ts writeConfig: %s", (_, chain) => {
    const path = writeConfig(dir, { ics: weeklyRotaIcs("Alice Example", new Date()), chain, access: "access:\n  admins: [alice@example.com]\n" });
    check(readFileSync(path, "utf8"), path);
  });

  it("tests/me/me-harness.ts meConfigYaml: people with and without phones and their own ladders", () => {
    const yaml = meConfigYaml({
      alice: { phone: "+15550001111", default: "[slack_dm, {wait: 1m}, sms]", important: "[call_until_answered]" },
      bob: { phone: null, default: "slack_dm" },
    });
    check(yaml, join(dir, "calpage.yaml"));
  });
});
