/**
 * Untrusted bodies: every parser must answer with field errors or safe values,
 * never throw, never recurse without bound, never touch Object.prototype.
 */
import { describe, expect, it } from "vitest";
import { MAX_TITLE_CHARS, MAX_VALUE_CHARS, type FieldError, type IncomingGroup } from "./incoming-group.js";
import type { Result } from "../shared/result.js";
import { parseAlertmanager } from "./parse-alertmanager.js";
import { parseGrafana } from "./parse-grafana.js";
import { parseWebhook } from "./parse-webhook.js";
import { parseGrafanaOnCall } from "./parse-grafana-legacy.js";
import { parsePagerDuty } from "./parse-pagerduty.js";

type Parser = (body: unknown) => Result<IncomingGroup[], FieldError>;
const pagerDutyGroups: Parser = (body) => {
  const result = parsePagerDuty(body, () => "generated");
  return result.ok ? { ok: true, value: result.value.groups } : result;
};
const parsers: [string, Parser][] = [
  ["alertmanager", parseAlertmanager],
  ["grafana", parseGrafana],
  ["webhook", (body) => parseWebhook(body)],
  ["grafana (Grafana OnCall's URL, legacy alerting too)", parseGrafanaOnCall],
  ["pagerduty", pagerDutyGroups],
];

const TEN_MB = "x".repeat(10 * 1024 * 1024);
const deepObject = (depth: number): unknown => {
  let value: unknown = "bottom";
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
};
const deepArray = (depth: number): unknown => JSON.parse("[".repeat(depth) + "]".repeat(depth));

const amBody = (alert: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  version: "4",
  groupKey: "k",
  status: "firing",
  alerts: [{ status: "firing", labels: { alertname: "A" }, ...alert }],
  ...extra,
});
const grafanaBody = (alert: Record<string, unknown>): Record<string, unknown> => ({
  status: "firing",
  alerts: [{ status: "firing", labels: { alertname: "A" }, ...alert }],
});

function value<T>(result: Result<T, FieldError>): T {
  if (!result.ok) throw new Error(`unexpected errors: ${JSON.stringify(result.errors)}`);
  return result.value;
}
function errors<T>(result: Result<T, FieldError>): FieldError[] {
  if (result.ok) throw new Error("expected errors");
  return result.errors;
}

describe.each(parsers)("%s parser with hostile bodies", (_name, parse) => {
  const weird: [string, unknown][] = [
    ["undefined", undefined],
    ["null", null],
    ["a number", 42],
    ["a boolean", true],
    ["a string", "{}"],
    ["a 10 MB string", TEN_MB],
    ["an array", [{}]],
    ["a 10,000-deep array", deepArray(10_000)],
    ["a 10,000-deep object", deepObject(10_000)],
    ["an object with alerts 10,000 deep", { alerts: deepArray(10_000), title: deepObject(10_000) }],
    ["alerts as a string", { alerts: TEN_MB, groupKey: TEN_MB, status: TEN_MB, title: {} }],
    ["alerts of nulls", { alerts: [null, 1, "x", []], groupKey: "k", status: "firing" }],
  ];

  it.each(weird)("answers %s with field errors, not a throw", (_label, body) => {
    const result = parse(body);
    expect(result.ok).toBe(false);
    for (const error of errors(result)) {
      expect(error.field.length).toBeLessThan(100);
      expect(error.message.length).toBeLessThan(200);
    }
  });

});

describe("many alerts", () => {
  it("Grafana: rejects more than 1,000 alerts per request (each would be its own group)", () => {
    const alerts = Array.from({ length: 10_000 }, () => ({ status: "firing", labels: {} }));
    expect(errors(parseGrafana({ status: "firing", alerts }))).toEqual([{ field: "alerts", message: "at most 1000 alerts per request" }]);
  });

  it("Alertmanager: never refuses a big group; reads 10,000 alerts and counts the rest as not sent", () => {
    // Alerts past the cap are not even read: their bad status is not reported.
    const alerts = Array.from({ length: 12_000 }, (_, i) => ({ status: i < 10_000 ? "firing" : "nope", labels: { alertname: "A", i: String(i) } }));
    const result = parseAlertmanager({ groupKey: "k", status: "firing", truncatedAlerts: 5, alerts });
    expect(result.ok).toBe(true);
    const group = (result as { ok: true; value: IncomingGroup[] }).value[0]!;
    expect(group.alerts).toHaveLength(10_000);
    expect(group.truncatedAlerts).toBe(2_005);
    expect(group.complete).toBe(false);
  });
});

describe.each(parsers.slice(0, 2))("%s parser with many alerts", (_name, parse) => {
  it("accepts exactly 1,000", () => {
    const alerts = Array.from({ length: 1000 }, (_, i) => ({ status: "firing", labels: { alertname: "A", i: String(i) } }));
    expect(parse({ groupKey: "k", status: "firing", alerts }).ok).toBe(true);
  });

  it("caps the number of errors reported", () => {
    const alerts = Array.from({ length: 1000 }, () => ({ status: "nope", labels: [] }));
    expect(errors(parse({ groupKey: "k", status: "firing", alerts }))).toHaveLength(20);
  });
});

describe("webhook parser with many alerts", () => {
  it("ignores a nested alerts array (it is not walked)", () => {
    const alerts = Array.from({ length: 10_000 }, () => ({ status: "firing" }));
    expect(value(parseWebhook({ title: "t", alerts }))).toHaveLength(1);
  });
});

describe("huge strings are truncated or rejected briefly", () => {
  it("Alertmanager: label and annotation values are capped at 16 KiB with an ellipsis; the title at 500", () => {
    const [group] = value(
      parseAlertmanager(
        amBody(
          { labels: { alertname: TEN_MB, big: TEN_MB }, annotations: { description: TEN_MB } },
          { groupLabels: { alertname: TEN_MB, other: TEN_MB }, commonAnnotations: { summary: TEN_MB } },
        ),
      ),
    );
    const alert = group?.alerts[0];
    expect(alert?.labels.big).toHaveLength(MAX_VALUE_CHARS);
    expect(alert?.labels.big?.endsWith("x…")).toBe(true);
    expect(alert?.annotations.description).toHaveLength(MAX_VALUE_CHARS);
    expect(group?.title).toHaveLength(MAX_TITLE_CHARS);
    expect(group?.title.endsWith("…")).toBe(true);
    expect(group?.message?.length).toBeLessThanOrEqual(MAX_VALUE_CHARS);
  });

  it("Alertmanager: a huge groupKey becomes a fixed-size hash, stable across calls", () => {
    const first = value(parseAlertmanager(amBody({}, { groupKey: TEN_MB })))[0];
    const second = value(parseAlertmanager(amBody({}, { groupKey: TEN_MB })))[0];
    expect(first?.groupingKey).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(first?.groupingKey).toBe(second?.groupingKey);
    expect(value(parseAlertmanager(amBody({}, { groupKey: TEN_MB + "y" })))[0]?.groupingKey).not.toBe(first?.groupingKey);
  });

  it("rejects a 10 MB label name and a 10 MB date without echoing them", () => {
    const errs = errors(parseAlertmanager(amBody({ labels: { [TEN_MB]: "v" }, startsAt: TEN_MB })));
    expect(errs.map((e) => e.field)).toEqual(["alerts[0].labels", "alerts[0].startsAt"]);
    for (const e of errs) expect(e.message.length).toBeLessThan(200);
  });

  it("Grafana: title, message, fingerprint key and label values are capped", () => {
    const [group] = value(
      parseGrafana(grafanaBody({ labels: { alertname: TEN_MB, v: TEN_MB }, annotations: { summary: TEN_MB, description: TEN_MB }, fingerprint: TEN_MB })),
    );
    expect(group?.title).toHaveLength(MAX_TITLE_CHARS);
    expect(group?.message).toHaveLength(MAX_VALUE_CHARS);
    expect(group?.labels.v).toHaveLength(MAX_VALUE_CHARS);
    expect(group?.groupingKey).toMatch(/^sha256:/);
    expect(group?.alerts[0]?.fingerprint).toBe(group?.groupingKey);
  });

  it("Grafana: a 10 MB URL is not linked", () => {
    const [group] = value(parseGrafana(grafanaBody({ silenceURL: "https://g/" + TEN_MB, dashboardURL: "https://g/d" })));
    expect(group?.links).toEqual([{ title: "Dashboard", url: "https://g/d" }]);
  });

  it("webhook: title at 500, message and labels at 16 KiB, grouping key hashed", () => {
    const [group] = value(parseWebhook({ title: TEN_MB, message: TEN_MB, severity: TEN_MB, extra: TEN_MB }));
    expect(group?.title).toHaveLength(MAX_TITLE_CHARS);
    expect(group?.message).toHaveLength(MAX_VALUE_CHARS);
    expect(group?.severity).toHaveLength(MAX_TITLE_CHARS);
    expect(group?.labels.extra).toHaveLength(MAX_VALUE_CHARS);
    expect(group?.groupingKey).toMatch(/^sha256:/);
  });

  it("truncation never splits a surrogate pair", () => {
    const emoji = "😀".repeat(MAX_VALUE_CHARS);
    const [group] = value(parseWebhook({ title: "t", e: emoji }));
    const text = group?.labels.e ?? "";
    expect(text.endsWith("😀…")).toBe(true);
    expect(text.length).toBeLessThanOrEqual(MAX_VALUE_CHARS);
  });
});

describe("deep nesting", () => {
  it("a 10,000-deep label value is a field error", () => {
    expect(errors(parseAlertmanager(amBody({ labels: { a: deepObject(10_000) } })))).toEqual([
      { field: "alerts[0].labels", message: "expected an object of strings" },
    ]);
    expect(errors(parseGrafana(grafanaBody({ annotations: deepObject(10_000) })))).toEqual([
      { field: "alerts[0].annotations", message: "expected an object of strings" },
    ]);
  });

  it("a 10,000-deep webhook field is ignored for labels; mapping paths stop at 32 segments", () => {
    const body = { title: "t", deep: deepObject(10_000), labels: deepObject(10_000) };
    const [group] = value(parseWebhook(body));
    expect({ ...group?.labels }).toEqual({ title: "t" });
    const path = Array(40).fill("a").join(".");
    expect(errors(parseWebhook({ a: deepObject(10_000) }, { title: path }))).toEqual([{ field: path, message: "invalid mapping path" }]);
    const ok = Array(31).fill("a").join(".");
    expect(errors(parseWebhook({ a: deepObject(10_000) }, { title: ok }))).toEqual([{ field: ok, message: "expected a string, got an object" }]);
  });
});

describe("arrays where objects are expected", () => {
  it.each<[string, Parser, unknown, string]>([
    ["AM labels", parseAlertmanager, amBody({ labels: [["alertname", "A"]] }), "alerts[0].labels"],
    ["AM annotations", parseAlertmanager, amBody({ annotations: ["x"] }), "alerts[0].annotations"],
    ["AM groupLabels", parseAlertmanager, amBody({}, { groupLabels: [] }), "groupLabels"],
    ["AM commonAnnotations", parseAlertmanager, amBody({}, { commonAnnotations: [] }), "commonAnnotations"],
    ["AM alert", parseAlertmanager, amBody({}, { alerts: [[]] }), "alerts[0]"],
    ["Grafana commonLabels", parseGrafana, { alerts: [], commonLabels: [] }, "commonLabels"],
    ["Grafana alert", parseGrafana, { alerts: [[{ status: "firing", labels: {} }]] }, "alerts[0]"],
  ])("%s", (_name, parse, body, field) => {
    expect(errors(parse(body)).map((e) => e.field)).toEqual([field]);
  });

  it("webhook ignores a labels array", () => {
    expect({ ...value(parseWebhook({ title: "t", labels: ["a", "b"] }))[0]?.labels }).toEqual({ title: "t" });
  });
});

describe("__proto__ and constructor keys", () => {
  const hostile = JSON.parse(`{
    "title": "t",
    "__proto__": { "polluted": "yes" },
    "constructor": "c",
    "labels": { "__proto__": "x", "constructor": "ctor", "ok": "1" }
  }`) as unknown;

  const amHostile = JSON.parse(`{
    "groupKey": "k", "status": "firing",
    "commonLabels": { "__proto__": "x", "constructor": "ctor", "alertname": "A" },
    "groupLabels": { "__proto__": "x" },
    "alerts": [{ "status": "firing", "labels": { "__proto__": "x", "constructor": "ctor" },
                 "annotations": { "__proto__": "x", "toString": "y" } }]
  }`) as unknown;

  it("never pollutes Object.prototype and never copies __proto__", () => {
    const groups = [
      ...value(parseWebhook(hostile)),
      ...value(parseAlertmanager(amHostile)),
      ...value(parseGrafana(amHostile)),
    ];
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    for (const group of groups) {
      for (const record of [group.labels, ...group.alerts.flatMap((a) => [a.labels, a.annotations])]) {
        expect(Object.hasOwn(record, "__proto__")).toBe(false);
        expect(Object.getPrototypeOf(record)).toBeNull();
        // A plain copy stays a plain object.
        expect(Object.getPrototypeOf(Object.assign({}, record))).toBe(Object.prototype);
      }
    }
  });

  it("keeps constructor as an ordinary string label", () => {
    const [webhook] = value(parseWebhook(hostile));
    expect(webhook?.labels.constructor).toBe("ctor");
    expect(webhook?.labels.ok).toBe("1");
    const [am] = value(parseAlertmanager(amHostile));
    expect(am?.labels.constructor).toBe("ctor");
    expect(am?.title).toBe("A");
    expect(am?.alerts[0]?.annotations.toString).toBe("y");
  });

  it("labels without a constructor key do not expose Object's", () => {
    const [group] = value(parseWebhook({ title: "t" }));
    expect(group?.labels.constructor).toBeUndefined();
    expect(group?.labels.toString).toBeUndefined();
  });
});

describe("characters no store keeps: lone surrogates and NUL become U+FFFD, the same in every parser", () => {
  // As JSON.parse reads `"\ud800"` and `"\u0000"` from a body.
  const odd = JSON.parse(`{"lone": "db\\ud800-1", "low": "\\udc00x", "nul": "Disk\\u0000full", "pair": "ok \\ud83d\\ude00"}`) as Record<string, string>;

  it("Alertmanager: labels, label names, annotations, title and groupKey", () => {
    const [group] = value(
      parseAlertmanager(
        amBody(
          { labels: { alertname: odd.nul!, instance: odd.lone!, [odd.low!]: "v" }, annotations: { summary: odd.nul!, smile: odd.pair! } },
          { groupKey: `{}:{alertname="${odd.nul}"}`, groupLabels: { alertname: odd.nul! } },
        ),
      ),
    );
    expect(group?.title).toBe("Disk\uFFFDfull");
    expect(group?.groupingKey).toBe('{}:{alertname="Disk\uFFFDfull"}');
    expect({ ...group?.alerts[0]?.labels }).toEqual({ alertname: "Disk\uFFFDfull", instance: "db\uFFFD-1", "\uFFFDx": "v" });
    expect({ ...group?.alerts[0]?.annotations }).toEqual({ summary: "Disk\uFFFDfull", smile: "ok 😀" });
    expect(group?.message).toContain("Disk\uFFFDfull");
  });

  it("Grafana: labels and title", () => {
    const [group] = value(parseGrafana(grafanaBody({ labels: { alertname: odd.nul!, host: odd.lone! }, fingerprint: odd.lone! })));
    expect(group?.title).toContain("Disk\uFFFDfull");
    expect(group?.labels.host).toBe("db\uFFFD-1");
    expect(group?.alerts[0]?.fingerprint).toBe("db\uFFFD-1");
  });

  it("webhook: title, message, severity, labels and alert_uid", () => {
    const [group] = value(parseWebhook({ title: odd.nul, message: odd.lone, severity: odd.low, alert_uid: odd.lone, labels: { [odd.nul!]: odd.lone } }));
    expect(group).toMatchObject({ title: "Disk\uFFFDfull", message: "db\uFFFD-1", severity: "\uFFFDx", groupingKey: "db\uFFFD-1" });
    expect(group?.labels["Disk\uFFFDfull"]).toBe("db\uFFFD-1");
  });

  it("every string of every parsed group is well formed and NUL-free", () => {
    const groups = [
      ...value(parseAlertmanager(amBody({ labels: { alertname: odd.lone!, x: odd.nul! } }, { groupKey: odd.nul }))),
      ...value(parseGrafana(grafanaBody({ labels: { alertname: odd.lone! }, annotations: { description: odd.nul! } }))),
      ...value(parseWebhook({ title: odd.lone, message: odd.nul, extra: odd.low })),
    ];
    const strings: string[] = [];
    const walk = (v: unknown): void => {
      if (typeof v === "string") strings.push(v);
      else if (Array.isArray(v)) v.forEach(walk);
      else if (typeof v === "object" && v !== null) {
        for (const [k, item] of Object.entries(v)) {
          strings.push(k);
          walk(item);
        }
      }
    };
    walk(groups);
    expect(strings.length).toBeGreaterThan(30);
    expect(strings.filter((s) => !s.isWellFormed() || s.includes("\0"))).toEqual([]);
  });
});

describe("PagerDuty events and legacy Grafana notifications with hostile strings and keys", () => {
  it("odd characters become U+FFFD; __proto__ keys never become labels or touch Object.prototype", () => {
    const pd = value(
      pagerDutyGroups(
        JSON.parse(`{"event_action": "trigger", "dedup_key": "k\\u0000", "payload": {"summary": "Disk\\u0000full", "source": "db\\ud800-1", "severity": "error",
          "custom_details": {"__proto__": {"polluted": "yes"}, "constructor": "ctor", "team": "db\\ud800"}}}`),
      ),
    );
    const legacy = value(parseGrafanaOnCall(JSON.parse(`{"title": "Disk\\u0000full", "ruleName": "r\\ud800", "tags": {"__proto__": "x", "team": "db"}}`)));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(pd[0]).toMatchObject({ title: "Disk\uFFFDfull", groupingKey: "k\uFFFD" });
    expect(pd[0]?.labels).toMatchObject({ source: "db\uFFFD-1", team: "db\uFFFD", constructor: "ctor" });
    expect(legacy[0]).toMatchObject({ title: "Disk\uFFFDfull", groupingKey: "r\uFFFD" });
    for (const group of [...pd, ...legacy]) {
      for (const record of [group.labels, ...group.alerts.flatMap((a) => [a.labels, a.annotations])]) {
        expect(Object.hasOwn(record, "__proto__")).toBe(false);
        expect(Object.getPrototypeOf(record)).toBeNull();
      }
    }
    expect(JSON.stringify([pd, legacy]).includes("\\u0000")).toBe(false);
  });

  it("a 10 MB summary or dedup_key is refused without echoing it; a 10 MB legacy title is truncated", () => {
    const huge = errors(pagerDutyGroups({ event_action: "trigger", dedup_key: TEN_MB, payload: { summary: TEN_MB, source: "s", severity: "info" } }));
    expect(huge.map((e) => e.field)).toEqual(["dedup_key", "payload.summary"]);
    for (const e of huge) expect(e.message.length).toBeLessThan(100);
    const [legacy] = value(parseGrafanaOnCall({ title: TEN_MB, ruleName: "r" }));
    expect(legacy?.title.length).toBeLessThanOrEqual(MAX_TITLE_CHARS);
  });
});
