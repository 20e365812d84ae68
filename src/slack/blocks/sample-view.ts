import type { AlertGroupView } from "./alert-group-view.js";

/** A realistic firing Alertmanager group; tests override what they look at. */
export function sampleView(overrides: Partial<AlertGroupView> = {}): AlertGroupView {
  return {
    id: "grp_abc123",
    number: 42,
    integrationName: "prod-alertmanager",
    integrationType: "alertmanager",
    title: "HighLatency",
    message: "p99 latency above 2s for 10 minutes",
    severity: "critical",
    state: "firing",
    alertCount: 3,
    firingCount: 2,
    truncatedAlerts: 0,
    firstAlertAt: new Date("2025-03-04T13:03:00Z"), // Tue 4 Mar, 14:03 CET
    lastAlertAt: new Date("2025-03-04T13:20:00Z"),
    labels: { alertname: "HighLatency", cluster: "prod", severity: "critical" },
    alerts: [
      {
        status: "firing",
        labels: { alertname: "HighLatency", cluster: "prod", severity: "critical", instance: "api-1:9090" },
        annotations: { summary: "api-1 p99 is 2.4s" },
        generatorUrl: "http://prometheus:9090/graph?g0.expr=latency&g0.tab=1",
      },
      {
        status: "resolved",
        labels: { alertname: "HighLatency", cluster: "prod", severity: "critical", instance: "api-2:9090" },
        annotations: { summary: "api-2 p99 is 2.1s" },
        generatorUrl: "http://prometheus:9090/graph?g0.expr=latency&g0.tab=1",
      },
    ],
    links: [{ title: "Runbook", url: "https://wiki.example.com/runbooks/high-latency" }],
    acknowledgedBy: null,
    acknowledgedAt: null,
    resolvedBy: null,
    resolvedAt: null,
    silencedBy: null,
    silencedUntil: null,
    silenceUrl: "http://alertmanager:9093/#/silences/new?filter=%7Balertname%3D%22HighLatency%22%7D",
    ...overrides,
  };
}
