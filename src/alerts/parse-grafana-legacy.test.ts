import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { IncomingGroup } from "./incoming-group.js";
import { parseGrafana } from "./parse-grafana.js";
import { parseGrafanaLegacy, parseGrafanaOnCall } from "./parse-grafana-legacy.js";

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../tests/fixtures/payloads/${name}`, import.meta.url), "utf8")) as Record<string, unknown>;

function groups(body: unknown): IncomingGroup[] {
  const result = parseGrafanaOnCall(body);
  if (!result.ok) throw new Error(`unexpected errors: ${JSON.stringify(result.errors)}`);
  return result.value;
}

function errorsOf(body: unknown): string[] {
  const result = parseGrafanaLegacy(body);
  if (result.ok) throw new Error("expected errors");
  return result.errors.map((e) => `${e.field}: ${e.message}`);
}

describe("parseGrafanaOnCall: what Grafana OnCall's grafana URL received", () => {
  it("a Grafana Alerting webhook (alerts list) is read exactly as type grafana_alerting reads it", () => {
    const body = fixture("grafana-firing.json");
    const expected = parseGrafana(body);
    expect(expected.ok).toBe(true);
    expect(groups(body)).toEqual(expected.ok ? expected.value : null);
  });

  it("a legacy alerting notification is one group per rule: title, message with the values that broke it, links", () => {
    const [g, ...rest] = groups(fixture("grafana-legacy-alerting.json"));
    expect(rest).toEqual([]);
    expect(g).toMatchObject({
      groupingKey: "Test notification",
      status: "firing",
      title: "[Alerting] Test notification",
      message: "Someone is testing the alert notification within grafana.\nHigh value: 100\nHigher Value: 200",
      severity: null,
    });
    expect({ ...g!.labels }).toEqual({ team: "payments", alertname: "Test notification" });
    expect(g!.links).toEqual([
      { title: "Source", url: "http://localhost:3000/" },
      { title: "Image", url: "http://grafana.org/assets/img/blog/mixed_styles.png" },
    ]);
    expect(g!.alerts).toMatchObject([{ status: "firing", fingerprint: "Test notification", generatorUrl: "http://localhost:3000/" }]);
  });

  it("state ok resolves the same rule's group", () => {
    const [ok] = groups(fixture("grafana-legacy-ok.json"));
    expect(ok).toMatchObject({ groupingKey: "Test notification", status: "resolved", title: "[OK] Test notification" });
  });

  it("one alert in Alertmanager's shape (labels, status, annotations) is named by its alertname", () => {
    const [g] = groups({
      status: "resolved",
      labels: { alertname: "KubeJobCompletion", severity: "warning" },
      annotations: { message: "Job is taking more than one hour.", runbook_url: "https://runbooks.example.com/kubejob" },
      generatorURL: "https://prometheus.example.com/graph",
    });
    expect(g).toMatchObject({ groupingKey: "KubeJobCompletion", title: "KubeJobCompletion", status: "resolved", severity: "warning", message: "Job is taking more than one hour." });
    expect(g!.links.map((l) => l.title)).toEqual(["Source", "Runbook"]);
  });
});

describe("parseGrafanaLegacy: refusals name the field", () => {
  it("something must name the alert", () => {
    expect(errorsOf({ state: "alerting", message: "hi" })).toEqual(["title: required (or ruleName, or labels.alertname): nothing names this alert"]);
    // Grafana's Slack contact point aimed at calpage: the answer says what to change in Grafana.
    expect(errorsOf({ attachments: [{ title: "x" }] })).toEqual(["body: this is Slack's message format (attachments/blocks): make the Grafana contact point a Webhook, with this URL"]);
    expect(errorsOf("alerting")).toEqual([`body: expected a JSON object (a Grafana alert notification), got "alerting"`]);
  });

  it("wrong types", () => {
    expect(errorsOf({ title: 5 })).toEqual(["title: expected a string, got a number"]);
    expect(errorsOf({ title: "x", evalMatches: "100" })).toEqual([`evalMatches: expected an array, got "100"`]);
    expect(errorsOf({ title: "x", tags: { a: 1 } })).toEqual(["tags: expected an object of strings"]);
  });
});
