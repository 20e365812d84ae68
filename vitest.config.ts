import { defineConfig } from "vitest/config";
import { NOT_INTEGRATION, TIERS } from "./tests/tiers.js";

/**
 * `npm test` runs every tier; `npm run test:unit` / `test:integration` / `test:e2e` run one
 * (`vitest run --project <tier>`). Which file belongs to which tier: tests/tiers.ts; which to run
 * when, and what the suite spends its time on: docs/testing.md.
 *
 * Vitest's default on two cores is ONE worker (cores − 1), so the wait-bound files (fake Slack,
 * child calpage processes, a real Alertmanager, timers) used to run strictly one after another.
 * The integration and e2e tiers run a few files at once instead: they mostly wait, and each uses
 * its own ports, temp folder and Postgres database. CALPAGE_TEST_WORKERS=<n> overrides the
 * per-tier worker counts (1 = the old one-file-at-a-time run, for a slow or busy machine).
 * Tiers with different worker counts must run one after another (vitest's sequence.groupOrder):
 * unit first (CPU-bound, seconds), then contract, integration and e2e together, four files at a
 * time, so the minutes-long e2e drills overlap the many shorter files instead of following them.
 */
const override = Number(process.env.CALPAGE_TEST_WORKERS) || undefined;
const workers = (n: number) => override ?? n;

const shared = {
  testTimeout: 60_000,
  hookTimeout: 120_000,
};

export default defineConfig({
  test: {
    reporters: process.env.CALPAGE_JSON_REPORT ? ["default", ["json", { outputFile: process.env.CALPAGE_JSON_REPORT }]] : ["default"],
    projects: [
      {
        test: {
          ...shared,
          name: "unit",
          sequence: { groupOrder: 0 },
          include: [...TIERS.unit],
          // Pure code and loopback-only stand-ins: no database, no child process, no shared state
          // between files (no module mocks, no global timers), so one context per worker will do.
          pool: "forks",
          // CALPAGE_TEST_ISOLATE=1 (the Node 24 tier): better-sqlite3's native Database, collected when a
          // shared worker exits, aborts Node 24 (node::RemoveEnvironmentCleanupHook); a fork per file does not.
          isolate: process.env.CALPAGE_TEST_ISOLATE === "1",
          maxWorkers: workers(2),
        },
      },
      {
        test: {
          ...shared,
          name: "contract",
          sequence: { groupOrder: 1 },
          include: [...TIERS.contract],
          // Each file makes its own Postgres databases (one per backend run) and SQLite files.
          globalSetup: ["tests/support/global-setup.ts"],
          fileParallelism: true,
          maxWorkers: workers(4),
        },
      },
      {
        test: {
          ...shared,
          name: "integration",
          sequence: { groupOrder: 1 },
          include: [...TIERS.integration],
          exclude: NOT_INTEGRATION,
          // Suites share one Postgres server; each uses its own database, so files may run in parallel.
          globalSetup: ["tests/support/global-setup.ts"],
          fileParallelism: true,
          maxWorkers: workers(4),
        },
      },
      {
        test: {
          ...shared,
          name: "e2e",
          sequence: { groupOrder: 1 },
          include: [...TIERS.e2e],
          globalSetup: ["tests/support/global-setup.ts"],
          fileParallelism: true,
          maxWorkers: workers(4),
        },
      },
    ],
  },
});
