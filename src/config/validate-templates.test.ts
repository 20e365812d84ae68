import { describe, expect, it } from "vitest";
import { formatProblems } from "./load-config.js";
import { parseConfig } from "./parse-config.js";

const PATH = "/etc/calpage/calpage.yaml";
const TOKEN = "abcdefghijklmnop1234";

// Lines 1-5; the integration's templates start at line 6.
const HEAD = `users: []
integrations:
  - name: prod-am
    type: alertmanager
    token: ${TOKEN}
`;

function parse(templates: string, env: Record<string, string> = {}) {
  return parseConfig(`${HEAD}${templates}`, PATH, env);
}

function problemLines(templates: string): string {
  const r = parse(templates);
  if (r.ok) throw new Error("expected problems, but the config is valid");
  return formatProblems("calpage.yaml", r.errors);
}

describe("integration templates in calpage.yaml", () => {
  it("keeps every surface's template and leaves integrations without templates as they were", () => {
    const r = parse(`    templates:
      slack_title: "{{ labels.alertname }} on {{ labels.cluster }}"
      slack_body: |
        *Summary:* {{ annotations.summary }}
        {% for a in alerts %}- {{ a.labels.instance }}
        {% endfor %}
      sms: "{{ labels.alertname }} {{ labels.cluster }}"
      voice: "{{ labels.alertname }} in {{ labels.cluster }}"
      webhook_body: '{"text": "{{ alert_group.title }}"}'
  - name: plain
    type: webhook
`);
    if (!r.ok) throw new Error(formatProblems(PATH, r.errors));
    expect(r.value.integrations[0]!.templates).toEqual({
      slack_title: "{{ labels.alertname }} on {{ labels.cluster }}",
      slack_body: "*Summary:* {{ annotations.summary }}\n{% for a in alerts %}- {{ a.labels.instance }}\n{% endfor %}\n",
      sms: "{{ labels.alertname }} {{ labels.cluster }}",
      voice: "{{ labels.alertname }} in {{ labels.cluster }}",
      webhook_body: '{"text": "{{ alert_group.title }}"}',
    });
    expect(r.value.integrations[1]).not.toHaveProperty("templates");
  });

  it("reports a syntax error at its line inside a block scalar", () => {
    expect(
      problemLines(`    templates:
      slack_body: |
        *Summary:* {{ annotations.summary }}
        {% if labels.team %}
        Team {{ labels.team }}
`),
    ).toBe("calpage.yaml:9: integrations[0].templates.slack_body: template error (template line 2): tag {% if labels.team %} not closed");
  });

  it("reports an unknown filter and a refused include with file:line", () => {
    expect(
      problemLines(`    templates:
      sms: "{{ labels.alertname | shout }}"
      voice: |
        Alert {{ alert_group.number }}.
        {% include 'secrets' %}
`),
    ).toBe(
      [
        "calpage.yaml:7: integrations[0].templates.sms: template error (template line 1): undefined filter: shout",
        "calpage.yaml:10: integrations[0].templates.voice: template error (template line 2): {% include %} is not available: templates cannot read files; write the text into this template",
      ].join("\n"),
    );
  });

  it("refuses unknown surfaces and non-text templates", () => {
    expect(
      problemLines(`    templates:
      slack_tilte: "{{ labels.alertname }}"
      sms: 42
`),
    ).toBe(
      [
        'calpage.yaml:7: integrations[0].templates.slack_tilte: unknown key "slack_tilte" (did you mean "slack_title"?)',
        "calpage.yaml:8: integrations[0].templates.sms: expected a Liquid template (text, e.g. a block scalar after sms: |), found the number 42",
      ].join("\n"),
    );
  });

  it("warns that payload is empty when messages are sent", () => {
    const r = parse(`    templates:
      slack_title: "{{ payload.receiver }}"
`);
    expect(r.ok && r.value.warnings).toEqual([{ path: "integrations[0].templates.slack_title", line: 7, message: expect.stringMatching(/^payload is always empty/) }]);
  });
});

describe("templates in the config shape", () => {
  it("the shape's keys are exactly the template surfaces, so the schema and the validator agree", async () => {
    const { TEMPLATES, keysOf } = await import("./config-shape.js");
    const { TEMPLATE_SURFACES } = await import("../templates/template-surfaces.js");
    expect(keysOf(TEMPLATES)).toEqual([...TEMPLATE_SURFACES]);
  });
});
