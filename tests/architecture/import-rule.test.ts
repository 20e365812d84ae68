import { join } from "node:path";
import { ESLint } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../src/shared/package-root.js";

/**
 * The import rule of docs/architecture.md, as eslint.config.js enforces it: domain folders never
 * import an adapter (Slack, HTTP, a store backend, a job runner) or the packages behind one;
 * adapters and the composition roots (src/app, src/cli) may import the domain.
 */
const root = packageRoot();
const DOMAIN = ["alerts", "escalation", "schedule", "notify", "paging", "access", "templates", "webhooks", "simulate", "report"];

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: root, overrideConfigFile: join(root, "eslint.config.js") });
});

/** The import-rule complaints about `source` if it were the file at `filePath`: [line, message]. */
async function importErrors(filePath: string, source: string): Promise<[number, string][]> {
  const [result] = await eslint.lintText(source, { filePath: join(root, filePath) });
  return result!.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => [m.line, m.message]);
}

const uses = (names: string[]) => `\nexport const used = [${names.join(", ")}];\n`;

describe("the import rule (eslint no-restricted-imports)", () => {
  it.each(DOMAIN)("refuses a Slack import in src/%s, saying where the code belongs", async (domain) => {
    const errors = await importErrors(`src/${domain}/new-thing.ts`, `import { SlackApiError } from "../slack/slack-api.js";${uses(["SlackApiError"])}`);
    expect(errors).toHaveLength(1);
    expect(errors[0]![0]).toBe(1);
    expect(errors[0]![1]).toContain("'../slack/slack-api.js'");
    expect(errors[0]![1]).toContain("implement it in src/slack");
  });

  it("refuses type-only imports and deeper files too (src/paging/settings)", async () => {
    const errors = await importErrors("src/paging/settings/new-thing.ts", `import type { SlackUserCache } from "../../slack/slack-user-cache.js";\nexport type T = SlackUserCache;\n`);
    expect(errors.map(([line]) => line)).toEqual([1]);
  });

  it("refuses every kind of adapter: Slack packages, HTTP, composition roots, store backends, raw SQL, job runners, drivers, Twilio SDK, logging", async () => {
    const lines = [
      `import { App } from "@slack/bolt";`,
      `import { send } from "../http/send.js";`,
      `import { createCalpage } from "../app/create-calpage.js";`,
      `import { cliContext } from "../cli/cli-context.js";`,
      `import { createSqliteStore } from "../store/sqlite-store.js";`,
      `import { createPgStore } from "../store/pg-store.js";`,
      `import { num } from "../store/db.js";`,
      `import * as schema from "../store/pg/schema.js";`,
      `import { runner } from "../jobs/graphile-job-runner.js";`,
      `import { queue } from "../jobs/sqlite-job-queue.js";`,
      `import { sql } from "drizzle-orm";`,
      `import { Pool } from "pg";`,
      `import Database from "better-sqlite3";`,
      `import { run } from "graphile-worker";`,
      `import twilio from "twilio";`,
      `import pino from "pino";`,
    ];
    const names = ["App", "send", "createCalpage", "cliContext", "createSqliteStore", "createPgStore", "num", "schema", "runner", "queue", "sql", "Pool", "Database", "run", "twilio", "pino"];
    const errors = await importErrors("src/escalation/new-thing.ts", lines.join("\n") + uses(names));
    expect(errors.map(([line]) => line)).toEqual(lines.map((_, i) => i + 1));
  });

  it("allows what the domain may use: its ports, the store's interface and records, the job queue's types, config, shared, other domain folders", async () => {
    const source = [
      `import type { Store, Tx } from "../store/store.js";`,
      `import type { PageRecord } from "../store/repositories/pages-repository.js";`,
      `import type { TaskHandler } from "../jobs/job-queue.js";`,
      `import type { Config } from "../config/config-types.js";`,
      `import { newId } from "../shared/ids.js";`,
      `import { requestSlackSync } from "../alerts/request-slack-sync.js";`,
      `import type { DirectMessagePort } from "./direct-message-port.js";`,
      `import { DateTime } from "luxon";`,
      `import { createServer } from "node:http";`,
    ].join("\n");
    const names = ["newId", "requestSlackSync", "DateTime", "createServer"];
    expect(await importErrors("src/notify/new-thing.ts", source + uses(names) + "export type T = [Store, Tx, PageRecord, TaskHandler, Config, DirectMessagePort];\n")).toEqual([]);
  });

  it("lets adapters and the composition roots import Slack and the domain", async () => {
    const source = `import { SlackApiError } from "../slack/slack-api.js";\nimport { makePageHandler } from "../notify/page-handler.js";\nimport { App } from "@slack/bolt";${uses(["SlackApiError", "makePageHandler", "App"])}`;
    for (const file of ["src/slack/new-thing.ts", "src/app/new-thing.ts", "src/cli/new-thing.ts", "src/http/new-thing.ts"]) {
      expect(await importErrors(file, source)).toEqual([]);
    }
  });

  it("keeps the nested Twilio adapter (src/notify/twilio) to notify and paging; only its tests use the twilio SDK", async () => {
    const adapter = `import type { TwilioApi } from "../notify/twilio/twilio-api.js";\nexport type T = TwilioApi;\n`;
    expect(await importErrors("src/paging/new-thing.ts", adapter)).toEqual([]);
    expect(await importErrors("src/notify/new-thing.ts", `import type { TwilioApi } from "./twilio/twilio-api.js";\nexport type T = TwilioApi;\n`)).toEqual([]);
    for (const domain of ["alerts", "escalation", "schedule", "access", "templates", "webhooks", "simulate", "report"]) {
      expect((await importErrors(`src/${domain}/new-thing.ts`, adapter)).map(([line]) => line)).toEqual([1]);
    }
    const sdk = `import twilio from "twilio";${uses(["twilio"])}`;
    expect(await importErrors("src/notify/twilio/new-thing.test.ts", sdk)).toEqual([]);
    expect((await importErrors("src/notify/twilio/new-thing.ts", sdk)).map(([line]) => line)).toEqual([1]);
  });
});
