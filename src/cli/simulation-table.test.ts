import { describe, expect, it } from "vitest";
import { parseConfig } from "../config/parse-config.js";
import { simulationJson } from "../simulate/format-simulation.js";
import { simulatePage } from "../simulate/simulate-page.js";
import { formatSimulationTable } from "./simulation-table.js";

const T0 = Date.UTC(2026, 11, 7, 10, 0, 0); // Monday 11:00 in Berlin

const YAML = `users:
  - {email: alice@example.com, name: Alice}
escalation_chains:
  - name: default
    steps:
      - notify_users: [alice@example.com]
      - wait: 90s
      - notify_channel: channel
integrations:
  - name: prod
    type: webhook
    token: prod-token-0123456789
    chain: default
    channel: "#alerts"
`;

describe("formatSimulationTable", () => {
  it("prints a table in the configured zone and JSON with ISO times", () => {
    const parsed = parseConfig(YAML, "/tmp/calpage.yaml", {});
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const config = parsed.value;
    const sim = simulatePage(
      {
        integration: config.integrations[0]!,
        groups: [{ groupingKey: "k", status: "firing", title: "Disk full", message: null, severity: null, labels: {}, links: [], alerts: [] }],
        chains: config.escalationChains,
        at: T0,
      },
      {
        whoIsOnCall: () => [],
        contactOf: () => ({ phone: null, rules: config.notificationRules, smsOptOut: false, quiet: null }),
        nameOf: () => "Alice",
        phoneEnabled: false,
        paging: config.paging,
        roundRobinNext: () => 1,
      },
    );
    const table = formatSimulationTable(sim, "Europe/Berlin").join("\n");
    expect(table).toContain("Route: the default route -> chain default, channel #alerts");
    expect(table).toMatch(/2026-12-07 11:00:00 CET +\+0s +1 +DM +Slack DM to Alice\./);
    expect(table).toMatch(/2026-12-07 11:01:30 CET +\+1m30s +3 +@ +Step 3: @channel in #alerts\./);
    expect(table).toContain("Nothing was stored or sent.");
    const json = simulationJson(sim) as { at: string; groups: { events: { at: string; afterSeconds: number }[] }[] };
    expect(json.at).toBe("2026-12-07T10:00:00.000Z");
    expect(json.groups[0]!.events.at(-1)).toMatchObject({ at: "2026-12-07T10:01:30.000Z", afterSeconds: 90 });
  });
});
