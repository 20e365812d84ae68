import { describe, expect, it } from "vitest";
import type { OncallRoute } from "./grafana-oncall-types.js";
import { routeMatchers } from "./route-matchers.js";

const route = (routing_type: string, routing_regex: string | null): OncallRoute => ({ id: "R1", integration_id: "C1", routing_type, routing_regex });

describe("routeMatchers", () => {
  it.each([
    ['"severity": "critical"', ['severity="critical"']],
    ['\\"severity\\":\\s*\\"critical\\"', ['severity="critical"']],
    ['"team":"(db|infra)"', ['team=~"db|infra"']],
    ['"cluster": "eu-west-1"', ['cluster="eu-west-1"']],
    ['"instance": "db.prod"', ['instance=~"db.prod"']],
  ])("regex %s becomes %j", (regex, matchers) => {
    expect(routeMatchers(route("regex", regex))).toEqual({ ok: true, value: matchers });
  });

  it.each([
    ['{{ payload.commonLabels.severity == "critical" }}', ['severity="critical"']],
    ["{{ payload.labels['team'] != 'db' }}", ['team!="db"']],
    ['{{ payload.groupLabels.env == "prod" and payload.commonLabels.team == "db" }}', ['env="prod"', 'team="db"']],
    ['{{ payload.state == "alerting" }}', ['state="alerting"']],
  ])("jinja2 %s becomes %j", (template, matchers) => {
    expect(routeMatchers(route("jinja2", template))).toEqual({ ok: true, value: matchers });
  });

  it.each([
    ["regex", "host-\\d+\\.prod", "only \"label\": \"value\" regexes become matchers"],
    ["regex", '"severity": "crit.*"', "only \"label\": \"value\" regexes become matchers"],
    ["jinja2", '{{ "db" in payload.commonLabels.team }}', "is not a comparison of labels with text"],
    ["jinja2", '{{ payload.commonLabels.team == "db" or payload.commonLabels.team == "infra" }}', "is not a comparison of labels with text"],
    ["labels", null, "the public API does not give its labels"],
  ])("%s %s is not carried over, saying why", (type, term, why) => {
    const r = routeMatchers(route(type, term));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.join()).toContain(why);
  });
});
