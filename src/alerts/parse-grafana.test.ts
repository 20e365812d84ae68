import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { IncomingGroup } from "./incoming-group.js";
import { parseGrafana } from "./parse-grafana.js";

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../tests/fixtures/payloads/${name}`, import.meta.url), "utf8")) as Record<string, unknown>;

function parse(body: unknown): IncomingGroup[] {
  const result = parseGrafana(body);
  if (!result.ok) throw new Error(`unexpected errors: ${JSON.stringify(result.errors)}`);
  return result.value;
}

function errorsOf(body: unknown): string[] {
  const result = parseGrafana(body);
  if (result.ok) throw new Error("expected errors");
  return result.errors.map((e) => `${e.field}: ${e.message}`);
}

describe("parseGrafana: real payloads", () => {
  it("makes one group per alert, keyed by fingerprint", () => {
    const groups = parse(fixture("grafana-firing.json"));
    expect(groups.map((g) => [g.groupingKey, g.status, g.severity])).toEqual([
      ["3a1f5c9e7b2d4e60", "firing", "warning"],
      ["9c0e2b4d6f8a1c35", "firing", "critical"],
    ]);
    for (const group of groups) expect(group.alerts).toHaveLength(1);
  });

  it("titles with alertname and summary; message from description, else valueString", () => {
    const [first, second] = parse(fixture("grafana-firing.json"));
    expect(first?.title).toBe("High CPU: CPU above 90% on web-1:9100");
    expect(first?.message).toBe("CPU usage on web-1:9100 has been above 90% for 5 minutes.");
    expect(second?.title).toBe("High CPU: CPU above 90% on web-2:9100");
    expect(second?.message).toBe("[ var='A' labels={instance=web-2:9100} value=97.2 ], [ var='C' labels={instance=web-2:9100} value=1 ]");
  });

  it("routes on the alert's own labels (a superset of commonLabels)", () => {
    const [first] = parse(fixture("grafana-firing.json"));
    expect({ ...first?.labels }).toEqual({
      alertname: "High CPU",
      grafana_folder: "Infrastructure",
      instance: "web-1:9100",
      severity: "warning",
      team: "platform",
    });
  });

  it("links Source, Runbook, Dashboard, Panel and Silence, skipping empty URLs", () => {
    const [first, second] = parse(fixture("grafana-firing.json"));
    expect(first?.links.map((l) => l.title)).toEqual(["Source", "Runbook", "Dashboard", "Panel", "Silence"]);
    expect(first?.links[3]?.url).toContain("viewPanel=77");
    expect(second?.links.map((l) => l.title)).toEqual(["Source", "Runbook", "Silence"]);
  });

  it("keeps times as received, with Go's zero end time as null", () => {
    const [first] = parse(fixture("grafana-firing.json"));
    expect(first?.alerts[0]).toMatchObject({ startsAt: "2025-03-14T10:15:00+01:00", endsAt: null, fingerprint: "3a1f5c9e7b2d4e60" });
  });

  it("resolves each alert's group on a resolved payload", () => {
    const groups = parse(fixture("grafana-resolved.json"));
    expect(groups.map((g) => [g.groupingKey, g.status, g.alerts[0]?.endsAt])).toEqual([
      ["3a1f5c9e7b2d4e60", "resolved", "2025-03-14T10:42:00+01:00"],
      ["9c0e2b4d6f8a1c35", "resolved", "2025-03-14T10:43:00+01:00"],
    ]);
    expect(groups[1]?.message).toBeNull();
  });

  it("keeps a firing alert firing inside a resolved-looking batch", () => {
    const body = fixture("grafana-resolved.json");
    const alerts = body.alerts as Record<string, unknown>[];
    (alerts[1] as Record<string, unknown>).status = "firing";
    body.status = "firing";
    expect(parse(body).map((g) => g.status)).toEqual(["resolved", "firing"]);
  });
});

describe("parseGrafana: fallbacks", () => {
  const alert = (extra: Record<string, unknown>): Record<string, unknown> => ({ status: "firing", labels: { alertname: "Rule" }, ...extra });

  it("keys by __alert_rule_uid__ without a fingerprint, then by alertname and labels", () => {
    const [byRule] = parse({ alerts: [alert({ labels: { alertname: "Rule", __alert_rule_uid__: "abc" } })] });
    expect(byRule?.groupingKey).toBe("abc");
    const [byLabels] = parse({ alerts: [alert({ labels: { alertname: "Rule", b: "2", a: "1" } })] });
    expect(byLabels?.groupingKey).toBe('Rule{a="1", alertname="Rule", b="2"}');
  });

  it("titles with the summary alone, or a fixed text", () => {
    expect(parse({ alerts: [{ status: "firing", labels: {}, annotations: { summary: "Only summary" } }] })[0]?.title).toBe("Only summary");
    expect(parse({ alerts: [{ status: "firing", labels: {} }] })[0]?.title).toBe("Grafana alert");
  });

  it("accepts an empty alerts list", () => {
    expect(parse({ status: "firing", alerts: [] })).toEqual([]);
  });
});

describe("parseGrafana: field errors", () => {
  it.each([
    ["a string body", "hello", 'body: expected a JSON object, got "hello"'],
    ["a bad top-level status", { status: "alerting", alerts: [] }, 'status: expected "firing" or "resolved", got "alerting"'],
    ["missing alerts", { status: "firing" }, "alerts: required (an array of alerts)"],
    ["labels of numbers", { alerts: [{ status: "firing", labels: { v: 1 } }] }, "alerts[0].labels: expected an object of strings"],
    ["a bad alert status", { alerts: [{ status: "alerting", labels: {} }] }, 'alerts[0].status: expected "firing" or "resolved", got "alerting"'],
    ["silenceURL as an object", { alerts: [{ status: "firing", labels: {}, silenceURL: {} }] }, "alerts[0].silenceURL: expected a string, got an object"],
    ["valueString as a number", { alerts: [{ status: "firing", labels: {}, valueString: 3 }] }, "alerts[0].valueString: expected a string, got a number"],
    ["annotations as an array", { alerts: [{ status: "firing", labels: {}, annotations: [] }] }, "alerts[0].annotations: expected an object of strings"],
  ])("rejects %s", (_name, body, expected) => {
    expect(errorsOf(body)).toContain(expected);
  });
});
