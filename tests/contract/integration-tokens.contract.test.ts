import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveIntegrationTokens } from "../../src/app/resolve-integration-tokens.js";
import { parseConfig } from "../../src/config/parse-config.js";
import { backends, type BackendContext } from "./backends.js";

/** Replicas starting at once each generate a candidate token; all of them end up with the same one. */
describe.each(backends)("generated integration tokens: $name", (backend) => {
  let ctx: BackendContext;

  beforeAll(async () => {
    ctx = await backend.open();
  });
  afterAll(async () => {
    await ctx?.dispose();
  });

  it("four processes resolving at the same moment agree on one token per integration, and keep it", async () => {
    const parsed = parseConfig(`users: []\nintegrations:\n  - name: am\n    type: alertmanager\n  - name: hooks\n    type: webhook\n`, "/tmp/calpage.yaml", {});
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const stores = await Promise.all([0, 1, 2, 3].map(() => ctx.openMigratedStore()));
    const results = await Promise.all(stores.map((s, i) => resolveIntegrationTokens(parsed.value, s.read.generatedSecrets, 1_000 + i, () => `candidate-of-process-${i}-${"x".repeat(24)}`)));
    const tokens = results.map((r) => r.config.integrations.map((i) => i.token));
    expect(new Set(tokens.map((t) => t.join(" "))).size).toBe(1);
    expect(tokens[0]![0]).toMatch(/^candidate-of-process-\d-x{24}$/);
    // A later start (new candidates) still gets the stored ones.
    const later = await resolveIntegrationTokens(parsed.value, (await ctx.openMigratedStore()).read.generatedSecrets, 9_000, () => "a-later-candidate-token-000000000");
    expect(later.config.integrations.map((i) => i.token)).toEqual(tokens[0]);
  });
});
