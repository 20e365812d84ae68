import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parsePagerDuty, type PagerDutyEvent } from "./parse-pagerduty.js";

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../tests/fixtures/payloads/${name}`, import.meta.url), "utf8")) as Record<string, unknown>;

let generated = 0;
const newKey = () => `generated-${++generated}`;

function parsed(body: unknown): PagerDutyEvent {
  const result = parsePagerDuty(body, newKey);
  if (!result.ok) throw new Error(`unexpected errors: ${JSON.stringify(result.errors)}`);
  return result.value;
}

function errorsOf(body: unknown): string[] {
  const result = parsePagerDuty(body, newKey);
  if (result.ok) throw new Error("expected errors");
  return result.errors.map((e) => `${e.field}: ${e.message}`);
}

const trigger = (payload: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  routing_key: "k",
  event_action: "trigger",
  payload: { summary: "Disk full on db-1", source: "db-1", severity: "critical", ...payload },
  ...extra,
});

describe("parsePagerDuty: PagerDuty's documented trigger example", () => {
  it("becomes one group keyed by dedup_key, titled by the summary, with its context as labels and links", () => {
    const event = parsed(fixture("pagerduty-trigger.json"));
    expect(event).toMatchObject({ action: "trigger", dedupKey: "samplekeyhere" });
    expect(event.groups).toHaveLength(1);
    const g = event.groups[0]!;
    expect(g).toMatchObject({
      groupingKey: "samplekeyhere",
      status: "firing",
      title: "Example alert on host1.example.com",
      severity: "info",
      message: "ping time: 1500ms\nload avg: 0.75",
    });
    expect({ ...g.labels }).toEqual({
      "ping time": "1500ms",
      "load avg": "0.75",
      severity: "info",
      source: "monitoringtool:cloudvendor:central-region-dc-01:852559987:cluster/api-stats-prod-003",
      component: "postgres",
      group: "prod-datapipe",
      class: "deploy",
      client: "Sample Monitoring Service",
    });
    // The link and the image point at the same page: shown once, under the link's text.
    expect(g.links).toEqual([
      { title: "Link text", url: "https://example.com/" },
      { title: "Sample Monitoring Service", url: "https://monitoring.example.com" },
    ]);
    expect(g.alerts).toHaveLength(1);
    expect(g.alerts[0]).toMatchObject({
      status: "firing",
      fingerprint: "samplekeyhere",
      startsAt: "2015-07-17T08:42:58.315Z",
      generatorUrl: "https://monitoring.example.com",
      annotations: { summary: "Example alert on host1.example.com", custom_details: "ping time: 1500ms\nload avg: 0.75" },
    });
  });

  it("an image with its own page is a link titled by its alt text", () => {
    const g = parsed(trigger({}, { images: [{ src: "https://img.example.com/graph.png", alt: "CPU graph" }] })).groups[0]!;
    expect(g.links).toEqual([{ title: "CPU graph", url: "https://img.example.com/graph.png" }]);
  });

  it("a trigger without dedup_key gets a new key each time, as PagerDuty does", () => {
    const a = parsed(trigger({}));
    const b = parsed(trigger({}));
    expect(a.dedupKey).toMatch(/^generated-\d+$/);
    expect(b.dedupKey).not.toBe(a.dedupKey);
    expect(a.groups[0]!.groupingKey).toBe(a.dedupKey);
  });
});

describe("parsePagerDuty: Alertmanager's pagerduty_configs", () => {
  it("trigger: summary is the title; the long firing text is the message, not a label; short details are labels", () => {
    const g = parsed(fixture("pagerduty-alertmanager-trigger.json")).groups[0]!;
    expect(g).toMatchObject({ title: "[FIRING:1] HighLatency (api prod)", severity: "error" });
    expect(g.message).toContain("alertname = HighLatency");
    expect(g.labels.firing).toBeUndefined();
    expect(g.labels).toMatchObject({ num_firing: "1", client: "Alertmanager", source: "Alertmanager" });
  });

  it("resolve: resolves the dedup_key's group and ignores the payload Alertmanager still sends", () => {
    const event = parsed(fixture("pagerduty-alertmanager-resolve.json"));
    expect(event.action).toBe("resolve");
    expect(event.groups[0]).toMatchObject({ groupingKey: (fixture("pagerduty-alertmanager-resolve.json") as { dedup_key: string }).dedup_key, status: "resolved", alerts: [] });
  });
});

describe("parsePagerDuty: acknowledge and resolve", () => {
  it("acknowledge names only the group to acknowledge", () => {
    const event = parsed(fixture("pagerduty-acknowledge.json"));
    expect(event).toMatchObject({ action: "acknowledge", dedupKey: "samplekeyhere" });
    expect(event.groups[0]).toMatchObject({ groupingKey: "samplekeyhere", acknowledge: true, status: "firing", alerts: [] });
  });

  it("resolve is a resolved group without alerts (the stored ones resolve with it)", () => {
    expect(parsed(fixture("pagerduty-resolve.json")).groups[0]).toMatchObject({ groupingKey: "samplekeyhere", status: "resolved", alerts: [] });
    expect(parsed(fixture("pagerduty-resolve.json")).groups[0]!.acknowledge).toBeUndefined();
  });

  it("both need the dedup_key", () => {
    expect(errorsOf({ routing_key: "k", event_action: "acknowledge" })).toEqual(["dedup_key: required for acknowledge events (the dedup_key of the trigger)"]);
    expect(errorsOf({ routing_key: "k", event_action: "resolve", dedup_key: 7 })).toEqual(["dedup_key: expected a string, got a number"]);
  });
});

describe("parsePagerDuty: refusals name the field, as PagerDuty's 400 does", () => {
  it("event_action", () => {
    expect(errorsOf({ payload: {} })).toEqual(["event_action: required"]);
    expect(errorsOf({ event_action: "page" })).toEqual([`event_action: expected "trigger", "acknowledge" or "resolve", got "page"`]);
    expect(errorsOf({ service_key: "k", event_type: "trigger", description: "x" })[0]).toContain("looks like an Events API v1 event");
    expect(errorsOf([1, 2])).toEqual(["body: expected a JSON object (an Events API v2 event), got an array"]);
  });

  it("a trigger's payload: summary, source and severity are required; severity is one of PagerDuty's four", () => {
    expect(errorsOf({ event_action: "trigger" })).toEqual(["payload: required for trigger events (an object with summary, source and severity)"]);
    expect(errorsOf({ event_action: "trigger", payload: {} })).toEqual([
      "payload.summary: required",
      "payload.source: required",
      "payload.severity: required (critical, error, warning, info)",
    ]);
    expect(errorsOf(trigger({ severity: "high" }))).toEqual([`payload.severity: expected one of critical, error, warning, info, got "high"`]);
    expect(errorsOf(trigger({ summary: "   " }))).toEqual(["payload.summary: must not be empty"]);
  });

  it("reads a timestamp without an offset as UTC, whatever the server's zone", () => {
    const startsAt = (timestamp: string) => parsed(trigger({ timestamp })).groups[0]!.alerts[0]!.startsAt;
    expect(startsAt("2026-12-05T10:00:00")).toBe("2026-12-05T10:00:00.000Z");
    expect(startsAt("2026-12-05 10:00:00+01:00")).toBe("2026-12-05T09:00:00.000Z");
    expect(startsAt("2015-07-17T08:42:58.315+0000")).toBe("2015-07-17T08:42:58.315Z");
  });

  it("PagerDuty's length limits and types", () => {
    expect(errorsOf(trigger({ summary: "x".repeat(1025) }))).toEqual(["payload.summary: longer than PagerDuty's limit of 1024 characters (1025)"]);
    expect(errorsOf(trigger({}, { dedup_key: "k".repeat(256) }))).toEqual(["dedup_key: longer than PagerDuty's limit of 255 characters (256)"]);
    expect(errorsOf(trigger({ component: ["a"] }))).toEqual(["payload.component: expected a string, got an array"]);
    expect(errorsOf(trigger({ timestamp: "yesterday" }))).toEqual([`payload.timestamp: expected an ISO 8601 date-time like 2015-07-17T08:42:58.315+0000, got "yesterday"`]);
    expect(errorsOf(trigger({ timestamp: "2026-02-30T10:00:00Z" }))).toEqual([`payload.timestamp: expected an ISO 8601 date-time like 2015-07-17T08:42:58.315+0000, got "2026-02-30T10:00:00Z"`]);
    expect(errorsOf(trigger({}, { links: { href: "https://example.com" } }))).toEqual(["links: expected an array of objects, got an object"]);
    expect(errorsOf(trigger({}, { images: ["https://example.com/a.png"] }))).toEqual([`images[0]: expected an object, got "https://example.com/a.png"`]);
  });

  it("a link that is not http(s) is dropped, never a reason to refuse a page", () => {
    const g = parsed(trigger({}, { links: [{ href: "javascript:alert(1)", text: "x" }, { text: "no href" }], client_url: "ftp://old" })).groups[0]!;
    expect(g.links).toEqual([]);
    expect(g.alerts[0]!.generatorUrl).toBeNull();
  });

  it("custom_details that are a string or hold objects become the message; __proto__ keys are not labels", () => {
    expect(parsed(trigger({ custom_details: "free text" })).groups[0]!.message).toBe("free text");
    const g = parsed(trigger({ custom_details: JSON.parse('{"__proto__": "x", "nested": {"a": 1}, "team": "db"}') })).groups[0]!;
    expect(g.message).toBe('__proto__: x\nnested: {"a":1}\nteam: db');
    expect(Object.keys(g.labels)).not.toContain("__proto__");
    expect(g.labels.team).toBe("db");
    // The event's own fields win over a custom detail of the same name.
    expect(parsed(trigger({ custom_details: { severity: "low" } })).groups[0]!.labels.severity).toBe("critical");
  });
});
