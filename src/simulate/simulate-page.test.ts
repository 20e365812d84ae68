import { describe, expect, it } from "vitest";
import type { IncomingGroup } from "../alerts/incoming-group.js";
import type { EscalationChainConfig, EscalationStep, IntegrationConfig, LadderStep, NotificationRules } from "../config/config-types.js";
import { parseConfig } from "../config/parse-config.js";
import type { EffectiveContact } from "../paging/effective-contact.js";
import { simulatePage, type SimulationWorld } from "./simulate-page.js";
import type { SimulatedEvent } from "./simulation.js";

const T0 = Date.UTC(2026, 11, 7, 10, 0, 0); // Monday 11:00 in Berlin
const S = 1000;
const M = 60 * S;

/** The integration as calpage.yaml gives it (parsed, so the fixture follows the config's types). */
function parsedIntegration(name = "prod"): IntegrationConfig {
  const yaml = `users:
  - {email: alice@example.com, name: Alice}
escalation_chains:
  - name: default
    steps: [{notify_users: [alice@example.com]}]
  - name: db
    steps: [{notify_users: [alice@example.com]}]
integrations:
  - name: prod
    type: alertmanager
    token: prod-token-0123456789
    chain: default
    channel: "#alerts"
    routes:
      - matchers: ['team="db"']
        chain: db
        channel: "#db"
      - matchers: ['team="quiet"']
        channel: "#quiet"
        post_to_slack: false
  - name: bare
    type: webhook
    token: bare-token-0123456789
    channel: "#bare"
`;
  const parsed = parseConfig(yaml, "/tmp/calpage.yaml", {});
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.value.integrations.find((i) => i.name === name)!;
}
const integration = parsedIntegration();

function group(labels: Record<string, string> = {}, alerts = 1): IncomingGroup {
  return {
    groupingKey: `key-${JSON.stringify(labels)}`,
    status: "firing",
    title: "Disk full",
    message: null,
    severity: null,
    labels,
    links: [],
    alerts: Array.from({ length: alerts }, (_, i) => ({ status: "firing" as const, labels: { n: String(i) }, annotations: {}, startsAt: null, endsAt: null, generatorUrl: null, fingerprint: `f${i}` })),
  };
}

const DM_ONLY: NotificationRules = { default: [{ type: "slack_dm" }], important: [{ type: "slack_dm" }, { type: "call" }] };

function world(over: Partial<SimulationWorld> & { contacts?: Record<string, { phone?: string | null; rules?: NotificationRules; smsOptOut?: boolean }> } = {}): SimulationWorld {
  const contacts = over.contacts ?? {};
  const counters = new Map<string, number>();
  return {
    whoIsOnCall: () => ["alice@example.com"],
    contactOf: (email): EffectiveContact => ({ phone: contacts[email]?.phone ?? null, rules: contacts[email]?.rules ?? DM_ONLY, smsOptOut: contacts[email]?.smsOptOut ?? false, quiet: null }),
    nameOf: (email) => email.split("@")[0]!.replace(/^./, (c) => c.toUpperCase()),
    phoneEnabled: true,
    paging: { smsPerWindow: 5, callsPerWindow: 3, windowSeconds: 900 },
    roundRobinNext: (name) => (counters.get(name) ?? 0) + 1,
    ...over,
  };
}

const chains = (steps: EscalationStep[], extra: EscalationChainConfig[] = []): EscalationChainConfig[] => [{ name: "default", steps }, ...extra];
const pages = (events: SimulatedEvent[]) => events.filter((e) => e.kind === "page").map((e) => [(e.at - T0) / S, e.name, e.channel]);

describe("simulatePage", () => {
  it("follows waits and repeats with absolute times, asking who is on call at each step's own time", () => {
    const asked: number[] = [];
    const sim = simulatePage(
      {
        integration,
        groups: [group()],
        chains: chains([{ type: "notify_schedule", schedule: "primary", important: false }, { type: "wait", seconds: 300 }, { type: "notify_users", users: ["bob@example.com"], important: false }, { type: "wait", seconds: 600 }, { type: "repeat", times: 1 }]),
        at: T0,
      },
      world({
        whoIsOnCall: (_s, at) => {
          asked.push(at);
          return at < T0 + 10 * M ? ["alice@example.com"] : ["carol@example.com"];
        },
      }),
    );
    const g = sim.groups[0]!;
    expect(g.route).toEqual({ index: null, label: "the default route", chain: "default", channel: "#alerts" });
    expect(asked).toEqual([T0, T0 + 15 * M]);
    expect(pages(g.events)).toEqual([
      [0, "Alice", "slack_dm"],
      [300, "Bob", "slack_dm"],
      [900, "Carol", "slack_dm"],
      [1200, "Bob", "slack_dm"],
    ]);
    expect(g.events.map((e) => e.text)).toContain("Step 5: repeating the chain from the start (1 of 1).");
    expect(g.end.reason).toBe("chain_end");
    expect(g.end.at).toBe(T0 + 30 * M);
  });

  it("runs each person's ladder rung by rung, with the call-until-answered calls ringing out", () => {
    const ladder: LadderStep[] = [{ type: "slack_dm" }, { type: "wait", seconds: 120 }, { type: "sms" }, { type: "call_until_answered", everySeconds: 60, times: 3 }];
    const sim = simulatePage(
      { integration, groups: [group()], chains: chains([{ type: "notify_users", users: ["alice@example.com"], important: false }]), at: T0 },
      world({ contacts: { "alice@example.com": { phone: "+15550000001", rules: { default: ladder, important: ladder } } } }),
    );
    const g = sim.groups[0]!;
    // Call 1 at 120s rings out at 150s; the next goes 60s later (210s), then 300s.
    expect(pages(g.events)).toEqual([
      [0, "Alice", "slack_dm"],
      [120, "Alice", "sms"],
      [120, "Alice", "call"],
      [210, "Alice", "call"],
      [300, "Alice", "call"],
    ]);
    expect(g.events.filter((e) => e.kind === "page" && e.channel === "call").map((e) => [e.rung, e.attempt])).toEqual([
      [4, 1],
      [4, 2],
      [4, 3],
    ]);
    expect(g.end).toMatchObject({ reason: "chain_end", at: T0 + 330 * S });
  });

  it("uses the important ladder for important steps and leaves out rungs a person cannot receive", () => {
    const sim = simulatePage(
      {
        integration,
        groups: [group()],
        chains: chains([{ type: "notify_users", users: ["alice@example.com", "bob@example.com"], important: true }]),
        at: T0,
      },
      world({ contacts: { "alice@example.com": { phone: "+15550000001" }, "bob@example.com": { phone: null } } }),
    );
    const g = sim.groups[0]!;
    expect(g.events.filter((e) => e.kind === "page").map((e) => [e.name, e.channel, e.important])).toEqual([
      ["Alice", "slack_dm", true],
      ["Alice", "call", true],
      ["Bob", "slack_dm", true],
    ]);
    expect(g.events.map((e) => e.text)).toContain("Bob: no phone number, so SMS and call steps are skipped.");
  });

  it("applies the per-number limits: a held-back call is not placed, held-back texts go out as one bundle", () => {
    const ladder: LadderStep[] = [{ type: "sms" }, { type: "call" }, { type: "wait", seconds: 60 }, { type: "sms" }, { type: "call" }, { type: "wait", seconds: 60 }, { type: "sms" }];
    const sim = simulatePage(
      { integration, groups: [group()], chains: chains([{ type: "notify_users", users: ["alice@example.com"], important: false }]), at: T0 },
      world({
        contacts: { "alice@example.com": { phone: "+15550000001", rules: { default: ladder, important: ladder } } },
        paging: { smsPerWindow: 1, callsPerWindow: 1, windowSeconds: 300 },
      }),
    );
    const g = sim.groups[0]!;
    expect(g.events.filter((e) => ["page", "held_back", "bundle"].includes(e.kind)).map((e) => [(e.at - T0) / S, e.kind, e.channel])).toEqual([
      [0, "page", "sms"],
      [0, "page", "call"],
      [60, "held_back", "sms"],
      [60, "held_back", "call"],
      [120, "held_back", "sms"],
      [300, "bundle", "sms"],
    ]);
    expect(g.events.find((e) => e.kind === "bundle")!.text).toBe("One SMS to Alice bundling 2 held-back texts.");
    expect(g.events.find((e) => e.kind === "held_back" && e.channel === "call")!.text).toContain("paging.calls_per_window is 1 per 5m");
    // When the bundle goes, as a span from the held-back text (the timeline shows times in its own zone).
    expect(g.events.filter((e) => e.kind === "held_back" && e.channel === "sms").map((e) => e.text)).toEqual([
      "The SMS to Alice is held back (paging.sms_per_window is 1 per 5m); it goes out bundled 4m later at the earliest.",
      "The SMS to Alice is held back (paging.sms_per_window is 1 per 5m); it goes out bundled 3m later at the earliest.",
    ]);
  });

  it("counts sends already made to the number before the alert against the limit", () => {
    const ladder: LadderStep[] = [{ type: "call" }];
    const sim = simulatePage(
      { integration, groups: [group()], chains: chains([{ type: "notify_users", users: ["alice@example.com"], important: false }]), at: T0 },
      world({
        contacts: { "alice@example.com": { phone: "+15550000001", rules: { default: ladder, important: ladder } } },
        paging: { smsPerWindow: 5, callsPerWindow: 2, windowSeconds: 900 },
        sentBefore: (_phone, channel) => (channel === "call" ? [T0 - 60 * S, T0 - 30 * S] : []),
      }),
    );
    expect(sim.groups[0]!.events.filter((e) => e.channel === "call").map((e) => e.kind)).toEqual(["held_back"]);
  });

  it("an if_time step waits for the window's next start across the end of summer time", () => {
    // Saturday 24 Oct 2026 14:00 in Berlin (CEST); clocks go back on Sunday; the window opens Monday 09:00 CET = 08:00 UTC.
    const at = Date.UTC(2026, 9, 24, 12, 0, 0);
    const monday9 = Date.UTC(2026, 9, 26, 8, 0, 0);
    const steps: EscalationStep[] = [
      { type: "if_time", from: "09:00", to: "17:00", days: ["mon", "tue", "wed", "thu", "fri"], timezone: "Europe/Berlin" },
      { type: "notify_schedule", schedule: "primary", important: false },
    ];
    const w = world({ whoIsOnCall: (_s, t) => (t >= monday9 ? ["bob@example.com"] : ["alice@example.com"]) });
    const sim = simulatePage({ integration, groups: [group()], chains: chains(steps), at, horizonMs: 3 * 86_400_000 }, w);
    const g = sim.groups[0]!;
    expect(g.events.filter((e) => e.kind === "page").map((e) => [e.at, e.name])).toEqual([[monday9, "Bob"]]);
    expect(g.events[0]!.text).toMatch(/^Step 1: outside .*; waiting until /);
    // Within the default 24 hours nothing is paged, and the simulation says why it stopped.
    const short = simulatePage({ integration, groups: [group()], chains: chains(steps), at }, w).groups[0]!;
    expect(short.events.some((e) => e.kind === "page")).toBe(false);
    expect(short.end.reason).toBe("horizon");
    // Monday 08:00 UTC is 44 hours after Saturday 12:00 UTC: said as a span, not a UTC time in a zoned timeline.
    expect(short.end.text).toBe("Stopped at the 1d limit: the next event would be 1d20h after the alert.");
  });

  it("round robin takes the stored counter's next turn, and the next pass the turn after it", () => {
    const steps: EscalationStep[] = [{ type: "notify_round_robin", users: ["alice@example.com", "bob@example.com", "carol@example.com"], important: false }, { type: "wait", seconds: 60 }, { type: "repeat", times: 1 }];
    const w = world({ roundRobinNext: (name) => (name === "round_robin:default:0" ? 5 : 1) });
    const g = simulatePage({ integration, groups: [group()], chains: chains(steps), at: T0 }, w).groups[0]!;
    // Turn 5 of 3 people is Bob, turn 6 Carol.
    expect(pages(g.events)).toEqual([
      [0, "Bob", "slack_dm"],
      [60, "Carol", "slack_dm"],
    ]);
    expect(g.events.map((e) => e.text)).toContain("Step 1: notifying Bob (round robin, turn 5).");
  });

  it("someone still being notified is not started again", () => {
    const ladder: LadderStep[] = [{ type: "slack_dm" }, { type: "wait", seconds: 600 }, { type: "slack_dm" }];
    const steps: EscalationStep[] = [{ type: "notify_users", users: ["alice@example.com"], important: false }, { type: "wait", seconds: 60 }, { type: "notify_users", users: ["alice@example.com"], important: false }];
    const g = simulatePage({ integration, groups: [group()], chains: chains(steps), at: T0 }, world({ contacts: { "alice@example.com": { rules: { default: ladder, important: ladder } } } })).groups[0]!;
    expect(pages(g.events)).toEqual([
      [0, "Alice", "slack_dm"],
      [600, "Alice", "slack_dm"],
    ]);
    expect(g.events.map((e) => e.text)).toContain("Alice is already being notified about this group.");
  });

  it("shows user groups, channel mentions, webhooks and resolve honestly, and stops at resolve", () => {
    const steps: EscalationStep[] = [
      { type: "notify_user_group", group: "sre", important: false },
      { type: "notify_channel", mention: "here" },
      { type: "webhook", url: "https://hooks.example.com/x?secret=1", timeoutSeconds: 10, retries: 2 },
      { type: "notify_users", users: ["alice@example.com"], important: false },
      { type: "wait", seconds: 60 },
      { type: "resolve" },
      { type: "notify_users", users: ["bob@example.com"], important: false },
    ];
    const ladder: LadderStep[] = [{ type: "slack_dm" }, { type: "wait", seconds: 600 }, { type: "slack_dm" }];
    const g = simulatePage({ integration, groups: [group()], chains: chains(steps), at: T0 }, world({ contacts: { "alice@example.com": { rules: { default: ladder, important: ladder } } } })).groups[0]!;
    const texts = g.events.map((e) => e.text);
    expect(texts[0]).toContain("Slack user group @sre");
    expect(texts[0]).toContain("not shown");
    expect(g.events.find((e) => e.kind === "mention")!.text).toBe("Step 2: @here in #alerts.");
    expect(g.events.find((e) => e.kind === "webhook")!.text).toContain("hooks.example.com");
    expect(g.events.find((e) => e.kind === "webhook")!.text).not.toContain("secret");
    // Alice's second DM (at 10m) never comes: the group was resolved at 1m.
    expect(pages(g.events)).toEqual([[0, "Alice", "slack_dm"]]);
    expect(g.end).toMatchObject({ reason: "resolved", at: T0 + 60 * S });
  });

  it("picks the route by labels; a route without a chain, maintenance, resolves and unknown schedules say so", () => {
    const db: EscalationChainConfig = { name: "db", steps: [{ type: "notify_schedule", schedule: "dbs", important: false }] };
    const all = chains([{ type: "notify_users", users: ["alice@example.com"], important: false }], [db]);
    const unknown = simulatePage({ integration, groups: [group({ team: "db" })], chains: all, at: T0 }, world({ whoIsOnCall: () => null })).groups[0]!;
    expect(unknown.route).toEqual({ index: 0, label: "route 1", chain: "db", channel: "#db" });
    expect(unknown.events[0]!.text).toContain("who is on call in dbs is unknown");
    expect(pages(unknown.events)).toEqual([]);

    // A route with post_to_slack: false has no channel; an integration without a chain pages nobody.
    const quiet = simulatePage({ integration, groups: [group({ team: "quiet" })], chains: all, at: T0 }, world()).groups[0]!;
    expect(quiet.route).toEqual({ index: 1, label: "route 2", chain: "default", channel: null });
    const bare = simulatePage({ integration: parsedIntegration("bare"), groups: [group()], chains: all, at: T0 }, world()).groups[0]!;
    expect(bare.end).toMatchObject({ reason: "no_chain", text: "The default route has no escalation chain: the group is posted in #bare and nobody is paged." });
    expect(bare.events).toEqual([]);

    const held = simulatePage({ integration, groups: [group()], chains: all, at: T0 }, world({ maintenance: { until: T0 + 3_600_000, startedBy: "bob@example.com" } })).groups[0]!;
    expect(held.end.reason).toBe("maintenance");
    expect(held.events).toEqual([]);

    const resolving = simulatePage({ integration, groups: [{ ...group(), status: "resolved" }], chains: all, at: T0 }, world()).groups[0]!;
    expect(resolving.end.reason).toBe("not_opened");
  });

  it("says when the alerts would join an open group instead of opening one", () => {
    const g = simulatePage({ integration, groups: [group()], chains: chains([{ type: "notify_users", users: ["alice@example.com"], important: false }]), at: T0 }, world({ openGroup: () => 12 })).groups[0]!;
    expect(g.events[0]!.text).toContain("Alert group #12 is open with this grouping key");
    expect(pages(g.events)).toEqual([[0, "Alice", "slack_dm"]]);
  });

  it("an if_alerts step counts the payload's alerts and holds when they are too few", () => {
    const steps: EscalationStep[] = [{ type: "if_alerts", count: 2, withinSeconds: 600 }, { type: "notify_users", users: ["alice@example.com"], important: false }];
    const few = simulatePage({ integration, groups: [group({}, 2)], chains: chains(steps), at: T0 }, world()).groups[0]!;
    expect(few.end.reason).toBe("holding");
    expect(few.end.text).toContain("more than 2 alerts within 10m");
    const many = simulatePage({ integration, groups: [group({}, 3)], chains: chains(steps), at: T0 }, world()).groups[0]!;
    expect(pages(many.events)).toEqual([[0, "Alice", "slack_dm"]]);
  });

  it("stops after the event limit and says so", () => {
    const steps: EscalationStep[] = [{ type: "notify_users", users: ["alice@example.com"], important: false }, { type: "wait", seconds: 1 }, { type: "repeat", times: 1000 }];
    const g = simulatePage({ integration, groups: [group()], chains: chains(steps), at: T0, maxEvents: 50 }, world()).groups[0]!;
    expect(g.end.reason).toBe("event_limit");
    expect(g.events.length).toBeLessThanOrEqual(52);
  });

  it("a quiet-hours rule, where calpage has one, holds texts and calls back", () => {
    const ladder: LadderStep[] = [{ type: "sms" }, { type: "slack_dm" }];
    const g = simulatePage(
      { integration, groups: [group()], chains: chains([{ type: "notify_users", users: ["alice@example.com"], important: false }]), at: T0 },
      world({ contacts: { "alice@example.com": { phone: "+15550000001", rules: { default: ladder, important: ladder } } }, quietHours: () => "quiet hours until 08:00." }),
    ).groups[0]!;
    expect(g.events.filter((e) => e.kind === "page" || e.kind === "held_back").map((e) => [e.kind, e.channel])).toEqual([
      ["held_back", "sms"],
      ["page", "slack_dm"],
    ]);
  });
});
