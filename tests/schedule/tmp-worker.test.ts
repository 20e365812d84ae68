import { readFileSync } from "node:fs";
import { it, expect } from "vitest";
import { createWorkerCompute } from "../../src/schedule/compute-client.js";
it("worker", async () => {
  const logs: string[] = [];
  const c = createWorkerCompute({ log: (l) => logs.push(l) });
  const body = readFileSync("tests/fixtures/ics/google-allday-exdate-dates.ics", "utf8");
  const r = await c.compute({ schedule: "a", timezone: "UTC", primary: body, overrides: null, slackOverrides: [], users: [], from: 0, to: Date.now() + 1e10 });
  console.log(r.problems.length, r.feedsHash, logs);
  expect(logs).toEqual([]);
  await c.close();
});
