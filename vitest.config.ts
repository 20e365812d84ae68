import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "tests/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    globalSetup: ["tests/support/global-setup.ts"],
    // Suites share one Postgres server; each uses its own database, so files may run in parallel.
    fileParallelism: true,
    reporters: process.env.CALPAGE_JSON_REPORT ? ["default", ["json", { outputFile: process.env.CALPAGE_JSON_REPORT }]] : ["default"],
  },
});
