import { describe, expect, it } from "vitest";
import { parseConfig } from "../config/parse-config.js";
import type { Config } from "../config/config-types.js";
import { createSlackPersonZones, ZONE_REFRESH_MS } from "./slack-person-zones.js";

function config(): Config {
  const yaml = `timezone: Europe/London
users:
  - email: ada@example.com
    name: Ada
  - email: bo@example.com
    name: Bo
    timezone: Asia/Tokyo
  - email: cy@example.com
    name: Cy
    slack_id: U0CY00001
`;
  const r = parseConfig(yaml, "/etc/calpage/calpage.yaml", {});
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.path}: ${e.message}`).join("\n"));
  return r.value;
}

/** A Slack stand-in whose profile zones can change; counts lookups. */
function slackWith(zones: Record<string, string | null>) {
  const calls: string[] = [];
  return {
    zones,
    calls,
    slack: { userInfo: async (id: string) => (calls.push(`info:${id}`), { email: null, tz: zones[id] ?? null, name: null, deleted: false, guest: false }) },
    users: { lookup: async (email: string) => (calls.push(`lookup:${email}`), { id: "U0X", tz: zones[email] ?? null }) },
  };
}

describe("people's time zones", () => {
  it("calpage.yaml's user timezone wins over Slack; Slack's profile over the top-level timezone, once Slack has answered", async () => {
    const s = slackWith({ "ada@example.com": "America/Chicago", "bo@example.com": "Europe/Paris" });
    const zones = createSlackPersonZones(config(), s.slack, s.users, { now: () => 0 });
    expect(zones.zoneOf("bo@example.com")).toEqual({ zone: "Asia/Tokyo", source: "calpage.yaml" });
    // Not known yet: the default now, and Slack is asked in the background.
    expect(zones.zoneOf("ada@example.com")).toEqual({ zone: "Europe/London", source: "default" });
    await zones.refresh("ada@example.com");
    expect(zones.zoneOf("ada@example.com")).toEqual({ zone: "America/Chicago", source: "Slack" });
    expect(s.calls.filter((c) => c.startsWith("lookup:ada"))).toHaveLength(1);
    expect(s.calls.some((c) => c.includes("bo@"))).toBe(false);
  });

  it("a person with a slack_id is read with users.info", async () => {
    const s = slackWith({ U0CY00001: "Australia/Sydney" });
    const zones = createSlackPersonZones(config(), s.slack, s.users, { now: () => 0 });
    await zones.refresh("cy@example.com");
    expect(zones.zoneOf("cy@example.com")).toEqual({ zone: "Australia/Sydney", source: "Slack" });
    expect(s.calls).toEqual(["info:U0CY00001"]);
  });

  it("reads Slack again after an hour, so a changed profile is followed", async () => {
    let t = 0;
    const s = slackWith({ "ada@example.com": "America/Chicago" });
    const zones = createSlackPersonZones(config(), s.slack, s.users, { now: () => t });
    await zones.refresh("ada@example.com");
    s.zones["ada@example.com"] = "Asia/Kolkata";
    t = ZONE_REFRESH_MS - 1;
    expect(zones.zoneOf("ada@example.com").zone).toBe("America/Chicago");
    expect(s.calls).toHaveLength(1);
    t = ZONE_REFRESH_MS;
    // Still the last known zone while the new answer is on its way.
    expect(zones.zoneOf("ada@example.com").zone).toBe("America/Chicago");
    await zones.refresh("ada@example.com");
    expect(zones.zoneOf("ada@example.com")).toEqual({ zone: "Asia/Kolkata", source: "Slack" });
  });

  it("ignores a zone that is not an IANA zone, and keeps the last one when Slack fails", async () => {
    const s = slackWith({ "ada@example.com": "Not/AZone" });
    const lines: string[] = [];
    const t = 0;
    const zones = createSlackPersonZones(config(), s.slack, s.users, { now: () => t, log: (l) => lines.push(l) });
    await zones.refresh("ada@example.com");
    expect(zones.zoneOf("ada@example.com")).toEqual({ zone: "Europe/London", source: "default" });
    zones.learn("ada@example.com", "Europe/Berlin");
    expect(zones.zoneOf("ada@example.com")).toEqual({ zone: "Europe/Berlin", source: "Slack" });
    const failing = createSlackPersonZones(config(), s.slack, { lookup: async () => Promise.reject(new Error("slack down")) }, { now: () => t, log: (l) => lines.push(l) });
    await failing.refresh("ada@example.com");
    expect(failing.zoneOf("ada@example.com").source).toBe("default");
    expect(lines).toEqual(["zones: could not read the Slack time zone of ada@example.com: slack down"]);
  });
});

describe("loading zones before they are needed", () => {
  it("asks Slack once for each person not known, skips calpage.yaml's, and then answers from memory", async () => {
    const s = slackWith({ "ada@example.com": "America/Chicago", U0CY00001: "Australia/Sydney" });
    const zones = createSlackPersonZones(config(), s.slack, s.users, { now: () => 0 });
    await zones.load(["ada@example.com", "bo@example.com", "cy@example.com", "ada@example.com"]);
    expect(s.calls).toEqual(["lookup:ada@example.com", "info:U0CY00001"]);
    expect(zones.zoneOf("cy@example.com")).toEqual({ zone: "Australia/Sydney", source: "Slack" });
    await zones.load(["ada@example.com", "cy@example.com"]);
    expect(s.calls).toHaveLength(2);
  });
});
