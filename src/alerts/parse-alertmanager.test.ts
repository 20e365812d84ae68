import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { IncomingGroup } from "./incoming-group.js";
import { alertmanagerSilenceUrl, parseAlertmanager } from "./parse-alertmanager.js";

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../tests/fixtures/payloads/${name}`, import.meta.url), "utf8")) as Record<string, unknown>;

function parseOne(body: unknown): IncomingGroup {
  const result = parseAlertmanager(body);
  if (!result.ok) throw new Error(`unexpected errors: ${JSON.stringify(result.errors)}`);
  expect(result.value).toHaveLength(1);
  return result.value[0] as IncomingGroup;
}

function errorsOf(body: unknown): string[] {
  const result = parseAlertmanager(body);
  if (result.ok) throw new Error("expected errors");
  return result.errors.map((e) => `${e.field}: ${e.message}`);
}

describe("parseAlertmanager: real payloads", () => {
  it("turns a firing webhook with several alerts into one group keyed by groupKey", () => {
    const group = parseOne(fixture("alertmanager-firing.json"));
    expect(group.groupingKey).toBe('{}/{team="platform"}:{alertname="HighLatency", cluster="prod", service="api"}');
    expect(group.status).toBe("firing");
    expect(group.title).toBe("HighLatency (cluster=prod, service=api)");
    expect(group.message).toBe("API p99 latency above 1s");
    expect(group.severity).toBe("critical");
    expect({ ...group.labels }).toEqual({
      alertname: "HighLatency",
      cluster: "prod",
      job: "api",
      service: "api",
      severity: "critical",
      team: "platform",
    });
    expect(group.truncatedAlerts).toBe(0);
    // The whole group: alerts it no longer lists have resolved.
    expect(group.complete).toBe(true);
    expect(group.alerts).toHaveLength(3);
    expect(group.alerts[0]).toMatchObject({
      status: "firing",
      startsAt: "2025-03-14T09:12:03.421698117Z",
      endsAt: null,
      fingerprint: "5d8f0e1c2b3a4f67",
    });
    expect(group.alerts[0]?.labels.instance).toBe("api-0.api.prod.svc:8080");
    expect(group.alerts[2]?.annotations.description).toContain("1.12s");
  });

  it("links distinct generator URLs, the common runbook, a pre-filled silence and Alertmanager", () => {
    const group = parseOne(fixture("alertmanager-firing.json"));
    expect(group.links.map((l) => l.title)).toEqual(["Source", "Source 2", "Runbook", "Silence", "Alertmanager"]);
    expect(group.links[0]?.url).toMatch(/^http:\/\/prometheus-0\.monitoring\.svc:9090\/graph\?/);
    expect(group.links[1]?.url).toMatch(/^http:\/\/prometheus-1\./);
    expect(group.links[2]?.url).toBe("https://runbooks.example.com/api/high-latency");
    expect(group.links[3]?.url).toBe(
      "http://alertmanager.monitoring.svc:9093/#/silences/new?filter=" +
        encodeURIComponent('{alertname="HighLatency",cluster="prod",service="api"}'),
    );
    expect(group.links[4]).toEqual({ title: "Alertmanager", url: "http://alertmanager.monitoring.svc:9093" });
  });

  it("parses a resolved webhook with end times", () => {
    const group = parseOne(fixture("alertmanager-resolved.json"));
    expect(group.status).toBe("resolved");
    expect(group.groupingKey).toBe(parseOne(fixture("alertmanager-firing.json")).groupingKey);
    expect(group.alerts.map((a) => [a.status, a.endsAt])).toEqual([
      ["resolved", "2025-03-14T09:41:03.421698117Z"],
      ["resolved", "2025-03-14T09:40:33.421698117Z"],
    ]);
  });

  it("reports truncatedAlerts and titles a group by alertname only when that is the only group label", () => {
    const group = parseOne(fixture("alertmanager-truncated.json"));
    expect(group.truncatedAlerts).toBe(3);
    expect(group.complete).toBe(false);
    expect(group.alerts).toHaveLength(2);
    expect(group.title).toBe("KubePodCrashLooping");
    expect(group.severity).toBe("warning");
    expect(group.message).toBe("Pod is crash looping.");
    expect(group.links.filter((l) => l.title.startsWith("Source"))).toHaveLength(1);
  });
});

describe("parseAlertmanager: derived fields", () => {
  const base = (): Record<string, unknown> => ({
    version: "4",
    groupKey: "{}:{}",
    status: "firing",
    alerts: [{ status: "firing", labels: { alertname: "DiskFull", instance: "db-1" } }],
  });

  it("accepts a missing version", () => {
    const body = base();
    delete body.version;
    expect(parseOne(body).title).toBe("DiskFull");
  });

  it("takes alertname from commonLabels, then the first alert, then a fixed text", () => {
    expect(parseOne({ ...base(), commonLabels: { alertname: "FromCommon" } }).title).toBe("FromCommon");
    expect(parseOne(base()).title).toBe("DiskFull");
    expect(parseOne({ ...base(), alerts: [{ status: "firing", labels: { instance: "db-1" } }] }).title).toBe("Alertmanager alert");
  });

  it("sorts the other group labels by key", () => {
    const group = parseOne({ ...base(), groupLabels: { zone: "b", alertname: "X", app: "web" } });
    expect(group.title).toBe("X (app=web, zone=b)");
  });

  it("derives commonLabels from the alerts when absent and merges groupLabels into routing labels", () => {
    const group = parseOne({
      ...base(),
      groupLabels: { team: "db" },
      alerts: [
        { status: "firing", labels: { alertname: "A", team: "db", instance: "1" } },
        { status: "firing", labels: { alertname: "A", team: "db", instance: "2" } },
      ],
    });
    expect({ ...group.labels }).toEqual({ alertname: "A", team: "db" });
  });

  it("uses the only alert's annotations for the message when there are no common ones", () => {
    const body = base();
    body.alerts = [{ status: "firing", labels: { alertname: "A" }, annotations: { summary: "s", description: "d" } }];
    expect(parseOne(body).message).toBe("s\nd");
  });

  it("collects distinct runbooks from alerts when there is no common one", () => {
    const group = parseOne({
      ...base(),
      alerts: [
        { status: "firing", labels: { alertname: "A" }, annotations: { runbook_url: "https://r/1" } },
        { status: "firing", labels: { alertname: "A" }, annotations: { runbook_url: "https://r/2" } },
        { status: "firing", labels: { alertname: "A" }, annotations: { runbook_url: "https://r/1" } },
      ],
    });
    expect(group.links).toEqual([
      { title: "Runbook", url: "https://r/1" },
      { title: "Runbook 2", url: "https://r/2" },
    ]);
  });

  it("keeps at most five source links and drops non-http ones", () => {
    const alerts = Array.from({ length: 8 }, (_, i) => ({
      status: "firing",
      labels: { alertname: "A" },
      generatorURL: i === 0 ? "javascript:alert(1)" : `http://prom/${i}`,
    }));
    const group = parseOne({ ...base(), alerts });
    expect(group.links.map((l) => l.url)).toEqual(["http://prom/1", "http://prom/2", "http://prom/3", "http://prom/4", "http://prom/5"]);
    expect(group.alerts[0]?.generatorUrl).toBe("javascript:alert(1)");
  });
});

describe("parseAlertmanager: field errors", () => {
  it.each([
    ["a non-object body", [], "body: expected a JSON object, got an array"],
    ["another version", { version: "3" }, 'version: unsupported payload version: expected "4", got "3"'],
    ["a numeric version", { version: 4 }, 'version: unsupported payload version: expected "4", got a number'],
    ["a missing groupKey", { groupKey: undefined }, "groupKey: required (a string)"],
    ["a numeric groupKey", { groupKey: 7 }, "groupKey: expected a non-empty string, got a number"],
    ["a bad status", { status: "pending" }, 'status: expected "firing" or "resolved", got "pending"'],
    ["missing alerts", { alerts: undefined }, "alerts: required (an array of alerts)"],
    ["alerts as an object", { alerts: {} }, "alerts: expected an array, got an object"],
    ["an alert that is a string", { alerts: ["x"] }, 'alerts[0]: expected an object, got "x"'],
    ["labels with a number", { alerts: [{ status: "firing", labels: { a: 1 } }] }, "alerts[0].labels: expected an object of strings"],
    ["labels as an array", { alerts: [{ status: "firing", labels: ["a"] }] }, "alerts[0].labels: expected an object of strings"],
    ["missing labels", { alerts: [{ status: "firing" }] }, "alerts[0].labels: required (an object of strings)"],
    ["missing alert status", { alerts: [{ labels: {} }] }, 'alerts[0].status: required ("firing" or "resolved")'],
    ["a bad startsAt", { alerts: [{ status: "firing", labels: {}, startsAt: "yesterday" }] }, 'alerts[0].startsAt: expected an RFC 3339 date-time, got "yesterday"'],
    ["a numeric endsAt", { alerts: [{ status: "firing", labels: {}, endsAt: 5 }] }, "alerts[0].endsAt: expected an RFC 3339 date-time, got a number"],
    ["commonLabels as a string", { commonLabels: "x" }, "commonLabels: expected an object of strings"],
    ["negative truncatedAlerts", { truncatedAlerts: -1 }, "truncatedAlerts: expected a non-negative integer, got a number"],
    ["externalURL as a number", { externalURL: 1 }, "externalURL: expected a string, got a number"],
    ["no alerts at all", { alerts: [] }, "alerts: empty: a notification carries at least one alert"],
    ["firing with every alert resolved", { alerts: [{ status: "resolved", labels: { alertname: "A" } }] }, 'status: "firing", but every alert in alerts is resolved; send "resolved" when nothing fires'],
  ])("rejects %s", (_name, patch, expected) => {
    const body = Array.isArray(patch)
      ? patch
      : { version: "4", groupKey: "k", status: "firing", alerts: [{ status: "firing", labels: { alertname: "A" } }], ...patch };
    expect(errorsOf(body)).toContain(expected);
  });

  it("names the alert index of a bad field deep in the list", () => {
    const alerts = Array.from({ length: 5 }, () => ({ status: "firing", labels: { alertname: "A" } }));
    alerts[3] = { status: "firing", labels: { alertname: 5 } as unknown as { alertname: string } };
    expect(errorsOf({ groupKey: "k", status: "firing", alerts })).toEqual(["alerts[3].labels: expected an object of strings"]);
  });

  it("accepts a sample without firing alerts when Alertmanager says it left alerts out (they may be the firing ones)", () => {
    const body = { version: "4", groupKey: "k", status: "firing", truncatedAlerts: 3, alerts: [{ status: "resolved", labels: { alertname: "A" } }] };
    expect(parseAlertmanager(body).ok).toBe(true);
    expect(parseAlertmanager({ ...body, alerts: [] }).ok).toBe(true);
  });

  it("reports several problems at once", () => {
    expect(errorsOf({ status: "nope", alerts: 1 })).toHaveLength(3);
  });
});

describe("alertmanagerSilenceUrl", () => {
  it("pre-fills sorted, quoted matchers and trims a trailing slash", () => {
    const url = alertmanagerSilenceUrl("https://am.example.com/", { service: "api", alertname: 'Say "hi"\\' });
    expect(url).toBe(
      "https://am.example.com/#/silences/new?filter=" + encodeURIComponent('{alertname="Say \\"hi\\"\\\\",service="api"}'),
    );
  });

  it("returns null without labels or for a non-http URL", () => {
    expect(alertmanagerSilenceUrl("https://am.example.com", {})).toBeNull();
    expect(alertmanagerSilenceUrl("javascript:alert(1)", { a: "b" })).toBeNull();
  });
});
