/**
 * The test tiers, by file (read by vitest.config.ts; `.ci/node24-tests` runs the unit and contract
 * tiers by name). docs/testing.md says which to run when.
 *
 * - unit: pure code and loopback-only stand-ins — no database, no child process, no timers that
 *   wait for real; the edit loop (`npm run test:unit`, well under a minute on two cores).
 * - contract: the store and job-queue contracts, each on SQLite and Postgres (tests/contract/backends.ts).
 * - integration: calpage in the test process against fake Slack/Twilio, feed servers and a real
 *   database, the CLI as a child process, the test-support helpers that start servers.
 * - e2e: whole calpage processes, a real Alertmanager, kill -9 drills and alert storms.
 */
export const TIERS = {
  unit: [
    "src/**/*.test.ts",
    "tests/support/fake-slack.test.ts",
    "tests/support/fake-twilio.test.ts",
    "tests/support/slack-signing.test.ts",
    "tests/support/tcp-proxy.test.ts",
    "tests/support/wait-for.test.ts",
  ],
  contract: ["tests/contract/**/*.test.ts"],
  integration: ["tests/**/*.test.ts"],
  e2e: ["tests/e2e/**/*.test.ts"],
} as const;

/** What the integration tier leaves to the others: every tests/ file belongs to exactly one tier. */
export const NOT_INTEGRATION = [...TIERS.unit, ...TIERS.contract, ...TIERS.e2e];
