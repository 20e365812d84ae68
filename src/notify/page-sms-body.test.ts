import { describe, expect, it } from "vitest";
import type { TemplateInput } from "../templates/template-context.js";
import { pageSmsBody } from "./page-sms-body.js";
import { smsLength } from "./twilio/gsm.js";

function input(summary: string): TemplateInput {
  const labels = { alertname: "DiskFull", host: "db-1", severity: "critical" };
  return {
    group: {
      id: "g1",
      number: 7,
      integration: "prod",
      state: "firing",
      title: "DiskFull (host=db-1)",
      message: null,
      severity: "critical",
      labels,
      links: [],
      silenceUrl: null,
      alertCount: 1,
      firingCount: 1,
      truncatedAlerts: 0,
      firstAlertAt: 0,
      lastAlertAt: 0,
    },
    alerts: [{ status: "firing", labels, annotations: { summary }, startsAt: null, endsAt: null, generatorUrl: null, fingerprint: null }],
    integrationType: "alertmanager",
  };
}

describe("pageSmsBody", () => {
  it("frames the template's text with the number and reply hint, cut to one SMS", () => {
    const warnings: string[] = [];
    const templates = { sms: "{{ labels.host }}: {{ annotations.summary }}" };
    expect(pageSmsBody(templates, input("disk 99% full"), true, (l) => warnings.push(l))).toBe(
      "calpage #7 IMPORTANT: db-1: disk 99% full. Reply 7a to ack, 7r to resolve, 7e to escalate.",
    );
    const long = pageSmsBody(templates, input("x".repeat(5000)), false, (l) => warnings.push(l));
    expect(smsLength(long).encoding).toBe("gsm7");
    expect(smsLength(long).length).toBeGreaterThan(150);
    expect(smsLength(long).length).toBeLessThanOrEqual(160);
    expect(long).toMatch(/^calpage #7: db-1: x+\.\.\. Reply 7a to ack, 7r to resolve, 7e to escalate\.$/);
    expect(warnings).toEqual([]);
  });

  it("keeps the default text without a template, and falls back to it (with a warning) when the template fails", () => {
    const warnings: string[] = [];
    const fallback = "calpage #7 CRITICAL: DiskFull (host=db-1). Reply 7a to ack, 7r to resolve, 7e to escalate.";
    expect(pageSmsBody(undefined, input("s"), false, (l) => warnings.push(l))).toBe(fallback);
    expect(pageSmsBody({ sms: "{{ labels.nope }}" }, input("s"), false, (l) => warnings.push(l))).toBe(fallback);
    expect(warnings).toEqual(["integration prod: templates.sms failed for #7: the template rendered nothing; the default text was used"]);
  });
});
