import { describe, expect, it } from "vitest";
import { compileTemplate, type CompiledTemplate } from "./compile-template.js";
import { renderSurface, renderTemplate } from "./render-template.js";
import { renderWebhookBody } from "./render-webhook-body.js";
import { templateContext, type TemplateInput } from "./template-context.js";
import type { TemplateSurface } from "./template-surfaces.js";

function input(over: { labels?: Record<string, string>; annotations?: Record<string, string>; title?: string; payload?: unknown } = {}): TemplateInput {
  const labels = over.labels ?? { alertname: "HighLatency", cluster: "prod", severity: "critical" };
  return {
    group: {
      id: "g1",
      number: 42,
      integration: "prod-am",
      groupingKey: "{}:{alertname=\"HighLatency\"}",
      state: "firing",
      title: over.title ?? "HighLatency (cluster=prod)",
      message: "p99 above 2s",
      severity: "critical",
      labels,
      links: [{ title: "Runbook", url: "https://runbooks.example.com/latency" }],
      silenceUrl: null,
      alertCount: 3,
      firingCount: 2,
      truncatedAlerts: 0,
      firstAlertAt: Date.UTC(2026, 0, 5, 10, 0),
      lastAlertAt: Date.UTC(2026, 0, 5, 10, 5),
    },
    alerts: [
      {
        status: "firing",
        labels: { ...labels, instance: "api-1" },
        annotations: over.annotations ?? { summary: "p99 latency 2.4s on api-1" },
        startsAt: "2026-01-05T10:00:00Z",
        endsAt: null,
        generatorUrl: "https://prometheus.example.com/graph",
        fingerprint: "abc",
      },
    ],
    integrationType: "alertmanager",
    ...(over.payload !== undefined ? { payload: over.payload } : {}),
  };
}

function compile(surface: TemplateSurface, source: string): CompiledTemplate {
  const r = compileTemplate(surface, source);
  if (!r.ok) throw new Error(`does not compile: ${r.errors[0]!.message}`);
  return r.value;
}

function render(surface: TemplateSurface, source: string, i: TemplateInput = input()): string {
  const r = renderTemplate(compile(surface, source), templateContext(i));
  if (!r.ok) throw new Error(`does not render: ${r.errors[0]!.message}`);
  return r.value;
}

describe("message templates: rendering", () => {
  it("reads the group, its labels, the newest alert's annotations and the alerts", () => {
    const text = render(
      "slack_body",
      "*{{ alert_group.title }}* #{{ group.number }} ({{ alert_group.state }}, {{ alert_group.firing_count }}/{{ alert_group.alerts_count }})\n" +
        "{{ annotations.summary }} in {{ labels.cluster | upcase }}\n{% for a in alerts %}- {{ a.labels.instance }} since {{ a.starts_at }}{% endfor %}",
    );
    expect(text).toBe("*HighLatency (cluster=prod)* #42 (firing, 2/3)\np99 latency 2.4s on api-1 in PROD\n- api-1 since 2026-01-05T10:00:00Z");
  });

  it("offers Liquid's standard filters; dates are in UTC", () => {
    expect(
      render(
        "sms",
        '{{ labels.alertname | downcase }} {{ labels.nope | default: "none" }} {{ annotations.summary | truncate: 12 }} {{ alert_group.first_alert_at | date: "%H:%M" }} {{ alerts | size }}',
      ),
    ).toBe("highlatency none p99 laten... 10:00 1");
  });

  it("collapses one-line surfaces and keeps the template's own mrkdwn in the body", () => {
    expect(render("sms", "{{ labels.alertname }}\n  on {{ labels.cluster }}\n")).toBe("HighLatency on prod");
    expect(render("slack_body", "*Cluster:* `{{ labels.cluster }}` <https://grafana.example.com|dashboard>")).toBe(
      "*Cluster:* `prod` <https://grafana.example.com|dashboard>",
    );
  });

  it("gives payload only when the caller has it", () => {
    expect(render("slack_body", "[{{ payload.receiver }}]")).toBe("[]");
    expect(render("slack_body", "[{{ payload.receiver }}]", input({ payload: { receiver: "calpage" } }))).toBe("[calpage]");
  });

  it("reports a title that renders nothing, so the default is used", () => {
    const r = renderTemplate(compile("slack_title", "{{ labels.nope }}"), templateContext(input()));
    expect(r.ok).toBe(false);
    expect(renderSurface({ slack_title: "{{ labels.nope }}" }, "slack_title", input())).toMatchObject({ source: "fallback" });
    expect(renderSurface({}, "slack_title", input())).toEqual({ source: "default" });
  });
});

describe("message templates: hostile values", () => {
  const hostile = { alertname: "x", who: "<!channel> <@U123ABC> <https://evil.example|click me> &amp; *bold* `code`" };

  it("escapes values for Slack so nobody is mentioned and no link is formed", () => {
    const text = render("slack_body", "*Who:* {{ labels.who }}", input({ labels: hostile }));
    expect(text).toBe("*Who:* &lt;!channel&gt; &lt;@U123ABC&gt; &lt;https://evil.example|click me&gt; &amp;amp; *bold* ˋcodeˋ");
    expect(text).not.toMatch(/<[!@h]/);
  });

  it("refuses `raw` in Slack text, which would skip the escaping", () => {
    const r = compileTemplate("slack_body", "{{ labels.who | raw }}");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]!.message).toMatch(/undefined filter: raw/);
  });

  it("does not read Liquid inside values", () => {
    const text = render("slack_body", "{{ labels.who }}", input({ labels: { who: "{{ alert_group.id }} {% for i in (1..9) %}x{% endfor %}" } }));
    expect(text).toBe("{{ alert_group.id }} {% for i in (1..9) %}x{% endfor %}");
  });

  it("removes control characters from SMS and voice text", () => {
    expect(render("sms", "A {{ labels.who }} B", input({ labels: { who: "x\u0000\u0007\u001b[31my\u009b" } }))).toBe("A x[31my B");
  });

  it("cuts a 1 MB label to the surface's limit", () => {
    const huge = "é".repeat(1024 * 1024);
    const body = render("slack_body", "*Value:* {{ labels.huge }}", input({ labels: { huge } }));
    expect(body.length).toBe(3000);
    expect(body.endsWith("…")).toBe(true);
    expect(render("voice", "{{ labels.huge }}", input({ labels: { huge } })).length).toBe(500);
    expect(render("slack_title", "{{ labels.huge }}", input({ labels: { huge } })).length).toBe(150);
  });

  it("never cuts an escaped entity in half", () => {
    const body = render("slack_body", "{{ labels.lt }}", input({ labels: { lt: "<".repeat(2000) } }));
    expect(body.endsWith("&lt;…")).toBe(true);
  });

  it("stops a template that loops too long or builds too much, with a problem instead of a hang", () => {
    const started = Date.now();
    const looping = renderTemplate(compile("slack_body", "{% for i in (1..100000000) %}{{ i }}{% endfor %}"), templateContext(input()));
    expect(looping.ok).toBe(false);
    const doubling = renderTemplate(
      compile("slack_body", "{% assign x = 'ab' %}{% for i in (1..40) %}{% assign x = x | append: x %}{% endfor %}{{ x.size }}"),
      templateContext(input()),
    );
    expect(doubling.ok).toBe(false);
    if (!doubling.ok) expect(doubling.errors[0]!.message).toMatch(/memory/);
    // Little memory (4 million loop steps), much time: stopped by the time limit.
    const slow = renderTemplate(
      compile("slack_body", "{% for a in (1..4000) %}{% for b in (1..1000) %}{% if b > 0 %}{% endif %}{% endfor %}{% endfor %}done"),
      templateContext(input()),
    );
    expect(slow).toEqual({ ok: false, errors: [{ message: "template render limit exceeded", line: 1 }] });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("renders a deeply nested payload without recursing through it", () => {
    let deep: Record<string, unknown> = { leaf: "bottom" };
    for (let i = 0; i < 5000; i++) deep = { next: deep };
    const text = render("slack_body", "{{ payload.next.next.next.next }}", input({ payload: deep }));
    // 4 levels read by the template, then 32 nested levels shown, the rest as "…".
    expect(text).toBe(`${'{"next":'.repeat(32)}"…"${"}".repeat(32)}`);
    const body = renderWebhookBody({ webhook_body: '{"p": {{ payload | json }}}' }, input({ payload: deep }), () => {});
    expect(JSON.stringify(JSON.parse(body!)).match(/next/g)).toHaveLength(32);
  });

  it("shows nothing of prototypes", () => {
    const text = render(
      "slack_body",
      "[{{ constructor }}][{{ labels.constructor }}][{{ labels.constructor.name }}][{{ alert_group.__proto__ }}][{{ labels.toString }}][{{ alerts.constructor }}][{{ alerts | map: \"constructor\" | map: \"name\" | join: \"\" }}]",
    );
    expect(text).toBe("[][][][][][][]");
  });
});

describe("message templates: what is refused when read", () => {
  it("refuses unknown filters with the line", () => {
    const r = compileTemplate("sms", "first line\n{{ labels.x | shout }}");
    expect(r).toEqual({ ok: false, errors: [{ message: expect.stringMatching(/undefined filter: shout/), line: 2 }] });
  });

  it("refuses include, render and layout: templates cannot read files", () => {
    for (const tag of ["{% include 'secrets.yaml' %}", "{% render '/etc/passwd' %}", "{% layout 'x' %}"]) {
      const r = compileTemplate("slack_body", `ok\n\n${tag}`);
      expect(r.ok, tag).toBe(false);
      if (!r.ok) {
        expect(r.errors[0]!.message).toMatch(/not available: templates cannot read files/);
        expect(r.errors[0]!.line).toBe(3);
      }
    }
  });

  it("reports a syntax error with its line", () => {
    const r = compileTemplate("voice", "a\nb\n{% if labels.x %}never closed");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]!.line).toBe(3);
  });
});

describe("webhook body", () => {
  it("JSON-escapes values so quotes cannot break the body", () => {
    const body = renderWebhookBody(
      { webhook_body: '{"title": "{{ alert_group.title }}", "count": {{ alert_group.alerts_count }}, "labels": {{ labels | json }}}' },
      input({ title: 'say "hi"\n}, "evil": true, {', labels: { quote: '"' } }),
      () => {},
    );
    expect(JSON.parse(body!)).toEqual({ title: 'say "hi"\n}, "evil": true, {', count: 3, labels: { quote: '"' } });
  });

  it("falls back (undefined) with a warning when the output is not JSON", () => {
    const warnings: string[] = [];
    expect(renderWebhookBody({ webhook_body: '{"title": {{ alert_group.title }}}' }, input(), (l) => warnings.push(l))).toBeUndefined();
    expect(warnings).toEqual([expect.stringMatching(/^integration prod-am: templates.webhook_body failed for #42: the body is not valid JSON/)]);
    expect(renderWebhookBody(undefined, input(), (l) => warnings.push(l))).toBeUndefined();
    expect(warnings).toHaveLength(1);
  });

  it("refuses a body over its limit instead of cutting the JSON", () => {
    const warnings: string[] = [];
    const body = renderWebhookBody({ webhook_body: '{"v": "{{ labels.huge }}"}' }, input({ labels: { huge: "x".repeat(100_000) } }), (l) => warnings.push(l));
    expect(body).toBeUndefined();
    expect(warnings[0]).toMatch(/at most 65536/);
  });
});
