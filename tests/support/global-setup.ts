import type { TestProject } from "vitest/node";
import { dropRunDatabases, newRunTag, resolvePgAdminUrl } from "./postgres.js";

/**
 * Vitest global setup: finds (or starts) the Postgres server every suite shares and hands its
 * admin URL to test files as `inject('pgAdminUrl')`; suites make their own databases with
 * `createTestDatabase`. A run with no usable server still starts, so pure tests run; suites that
 * need Postgres fail (or skip) with `inject('pgAdminSource')` as the reason.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const runTag = newRunTag();
  project.provide("pgRunTag", runTag);
  let server: Awaited<ReturnType<typeof resolvePgAdminUrl>> | undefined;
  try {
    server = await resolvePgAdminUrl();
    console.log(`[postgres] tests use ${server.description}`);
    project.provide("pgAdminUrl", server.url);
    project.provide("pgAdminSource", server.description);
  } catch (error) {
    const reason = `no Postgres server: ${error instanceof Error ? error.message : String(error)}`;
    console.warn(`[postgres] ${reason}`);
    project.provide("pgAdminUrl", "");
    project.provide("pgAdminSource", reason);
  }
  return async () => {
    if (!server) return;
    if (server.kind === "candidate") {
      const leftovers = await dropRunDatabases(server.url, runTag).catch((error: unknown) => {
        console.warn(`[postgres] could not drop leftover test databases: ${String(error)}`);
        return [];
      });
      if (leftovers.length > 0) console.log(`[postgres] dropped ${leftovers.length} test database(s) left by this run`);
    }
    await server.stop();
  };
}
