import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseConfig } from "../config/parse-config.js";
import type { OncallExport } from "./grafana-oncall-types.js";
import { mapGrafanaOncall } from "./map-grafana-oncall.js";

const NOW = new Date("2026-01-01T00:00:00Z");
const none: OncallExport = { users: [], schedules: [], onCallShifts: [], escalationChains: [], escalationPolicies: [], integrations: [], routes: [], userGroups: [], webhooks: [], personalNotificationRules: [] };

function imported(data: Partial<OncallExport>) {
  const result = mapGrafanaOncall({ ...none, ...data }, NOW);
  const checked = parseConfig(result.yaml, "/tmp/import/calpage.yaml", {});
  expect(checked.ok ? [] : checked.errors).toEqual([]);
  return { ...result, config: parse(result.yaml) as Record<string, unknown>, calpage: checked.ok ? checked.value : null };
}

describe("mapGrafanaOncall", () => {
  it("an empty OnCall is a valid, empty configuration", () => {
    const { config } = imported({});
    expect(config).toEqual({ timezone: "UTC", users: [], schedules: [], escalation_chains: [], integrations: [] });
  });

  it("keeps chains within calpage's rules: nothing after resolve or repeat, no lone repeat, no trailing condition", () => {
    const chain = (id: string, name: string) => ({ id, name });
    const { config, report } = imported({
      users: [{ id: "UA", email: "alice@example.com", username: "alice" }],
      escalationChains: [chain("F1", "Resolve early"), chain("F2", "Only repeat"), chain("F3", "Ends on a window")],
      escalationPolicies: [
        { id: "E1", escalation_chain_id: "F1", position: 0, type: "notify_persons", persons_to_notify: ["UA"] },
        { id: "E2", escalation_chain_id: "F1", position: 1, type: "resolve" },
        { id: "E3", escalation_chain_id: "F1", position: 2, type: "wait", duration: 60 },
        { id: "E4", escalation_chain_id: "F2", position: 0, type: "repeat_escalation" },
        { id: "E6", escalation_chain_id: "F3", position: 1, type: "notify_if_time_from_to", notify_if_time_from: "22:00:00Z", notify_if_time_to: "06:00:00Z" },
        { id: "E5", escalation_chain_id: "F3", position: 0, type: "wait", duration: 90 },
      ],
    });
    expect(config.escalation_chains).toEqual([
      { name: "resolve-early", steps: [{ notify_users: ["alice@example.com"] }, { resolve: null }] },
      { name: "ends-on-a-window", steps: [{ wait: "90s" }] },
    ]);
    expect(report).toContain('escalation chain "Resolve early": 1 step(s) after its resolve never ran in OnCall either; left out');
    expect(report).toContain('escalation chain "Only repeat": no step could be carried over; the chain is left out');
    expect(report).toContain('escalation chain "Ends on a window": a condition as the last step guards nothing; left out');
  });

  it("says where a route's missing chain makes calpage escalate differently", () => {
    const { config, report } = imported({
      escalationChains: [{ id: "F1", name: "Default" }],
      escalationPolicies: [{ id: "E1", escalation_chain_id: "F1", type: "wait", duration: 300 }],
      integrations: [
        { id: "C1", name: "AM", type: "alertmanager", link: "https://oncall.example.com/integrations/v1/alertmanager/abcdefghijklmnopqrstuvwxy/", default_route: { escalation_chain_id: "F1" } },
      ],
      routes: [{ id: "R1", integration_id: "C1", routing_type: "regex", routing_regex: '"severity": "info"', escalation_chain_id: null, position: 0 }],
    });
    expect(config.integrations).toEqual([{ name: "am", type: "alertmanager", token: "abcdefghijklmnopqrstuvwxy", chain: "default", routes: [{ matchers: ['severity="info"'] }] }]);
    expect(report).toContain('integration "AM": route 0 (regex "\\"severity\\": \\"info\\""): has no escalation chain in OnCall (alerts not escalated); its alerts use the integration\'s chain default instead');
  });

  it("overrides made in OnCall on an iCal schedule become its overrides feed", () => {
    const { config, files } = imported({
      users: [{ id: "UA", email: "alice@example.com", username: "alice" }],
      schedules: [{ id: "S1", name: "Team cal", type: "ical", ical_url_primary: "https://cal.example.com/a.ics", ical_url_overrides: null }],
      onCallShifts: [{ id: "O1", type: "override", schedule: "S1", start: "2026-02-01T10:00:00", duration: 7200, users: ["UA"] }],
    });
    expect(config.schedules).toEqual([{ name: "team-cal", feed: "https://cal.example.com/a.ics", overrides_feed: "./schedules/team-cal-overrides.ics", timezone: "UTC" }]);
    expect(files.map((f) => f.path)).toEqual(["schedules/team-cal-overrides.ics"]);
    expect(files[0]!.text).toContain("DTSTART:20260201T100000Z\r\nDTEND:20260201T120000Z\r\nSUMMARY:alice@example.com\r\n");
  });

  it("an integration whose token calpage cannot take gets a generated one, and the report does not repeat the token", () => {
    const { config, report } = imported({
      integrations: [{ id: "C1", name: "Short", type: "webhook", link: "https://oncall.example.com/integrations/v1/webhook/s3cr3t/" }],
    });
    expect(config.integrations).toEqual([{ name: "short", type: "webhook" }]);
    expect(report).toEqual(['integration "Short": its token is not 16 or more of A-Z a-z 0-9 _ -; calpage generates a new token at start (`calpage urls` prints the URL): update the sender']);
  });

  it("names stay unique and text is taken literally (no ${…} substitution)", () => {
    const { config, calpage } = imported({
      users: [
        { id: "U1", email: "a@example.com", username: "${HOME}" },
        { id: "U2", email: "A@example.com", username: "dup" },
      ],
      schedules: [
        { id: "S1", name: "Primary", type: "ical", ical_url_primary: "https://cal.example.com/a.ics" },
        { id: "S2", name: "primary!", type: "ical", ical_url_primary: "https://cal.example.com/b.ics" },
        { id: "S3", name: "???", type: "ical", ical_url_primary: "https://cal.example.com/c.ics" },
      ],
    });
    expect(config.users).toEqual([{ email: "a@example.com", name: "$${HOME}" }]);
    expect(calpage?.users.map((u) => u.name)).toEqual(["${HOME}"]);
    expect((config.schedules as { name: string }[]).map((s) => s.name)).toEqual(["primary", "primary-2", "schedule-s3"]);
  });
});
