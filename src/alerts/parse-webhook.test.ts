import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { IncomingGroup } from "./incoming-group.js";
import { parseWebhook, type WebhookMapping } from "./parse-webhook.js";

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../tests/fixtures/payloads/${name}`, import.meta.url), "utf8")) as Record<string, unknown>;

function parseOne(body: unknown, mapping?: WebhookMapping): IncomingGroup {
  const result = parseWebhook(body, mapping);
  if (!result.ok) throw new Error(`unexpected errors: ${JSON.stringify(result.errors)}`);
  expect(result.value).toHaveLength(1);
  return result.value[0] as IncomingGroup;
}

function errorsOf(body: unknown, mapping?: WebhookMapping): string[] {
  const result = parseWebhook(body, mapping);
  if (result.ok) throw new Error("expected errors");
  return result.errors.map((e) => `${e.field}: ${e.message}`);
}

const zabbixMapping: WebhookMapping = {
  title: "event.name",
  message: "message",
  groupingKey: "event.id",
  severity: "event.severity",
  resolveWhen: { path: "event.status", equals: "resolved" },
};

describe("parseWebhook: defaults", () => {
  it("needs only a title, which also groups", () => {
    const group = parseOne(fixture("webhook-minimal.json"));
    expect(group).toMatchObject({
      groupingKey: "Disk almost full on db-1",
      status: "firing",
      title: "Disk almost full on db-1",
      message: null,
      severity: null,
      links: [],
    });
    expect({ ...group.labels }).toEqual({ title: "Disk almost full on db-1" });
    expect(group.alerts).toHaveLength(1);
    expect(group.alerts[0]).toMatchObject({ status: "firing", startsAt: null, endsAt: null, generatorUrl: null });
    // The group's one alert is named by the group's key, so a re-send updates it instead of adding one.
    expect(group.alerts[0]!.fingerprint).toBe(group.groupingKey);
  });

  it("understands Grafana OnCall's formatted webhook", () => {
    const group = parseOne(fixture("webhook-formatted-alerting.json"));
    expect(group).toMatchObject({
      groupingKey: "08d6891a-835c-e661-39fa-96b6a9e26552",
      status: "firing",
      title: "The whole system is down",
      message: "Smth happened. Oh no!",
      severity: "critical",
    });
    expect(group.links).toEqual([
      { title: "Source", url: "https://en.wikipedia.org/wiki/Downtime" },
      { title: "Image", url: "https://upload.wikimedia.org/wikipedia/commons/e/ee/Grumpy_Cat_by_Gage_Skidmore.jpg" },
    ]);
    expect(group.labels.service).toBe("checkout");
    expect(group.labels.state).toBe("alerting");
    expect(group.alerts[0]?.fingerprint).toBe("08d6891a-835c-e661-39fa-96b6a9e26552");
  });

  it("resolves on state OK, in any case, with the same grouping key", () => {
    const group = parseOne(fixture("webhook-state-ok.json"));
    expect(group.status).toBe("resolved");
    expect(group.groupingKey).toBe("08d6891a-835c-e661-39fa-96b6a9e26552");
    expect(parseOne({ title: "t", state: "ok" }).status).toBe("resolved");
  });

  it.each([
    [{ title: "t", status: "resolved" }, "resolved"],
    [{ title: "t", status: "RESOLVED" }, "resolved"],
    [{ title: "t", status: "firing" }, "firing"],
    [{ title: "t", state: "alerting" }, "firing"],
    [{ title: "t", state: "okay" }, "firing"],
    [{ title: "t", state: { ok: true } }, "firing"],
  ])("%j -> %s", (body, status) => expect(parseOne(body).status).toBe(status));

  it("groups by alert_uid, then group_key, then title", () => {
    expect(parseOne({ title: "t", alert_uid: 42, group_key: "g" }).groupingKey).toBe("42");
    expect(parseOne({ title: "t", group_key: "g" }).groupingKey).toBe("g");
    expect(parseOne({ title: "t", alert_uid: {} }).groupingKey).toBe("t");
  });

  it("takes link, then url", () => {
    expect(parseOne({ title: "t", url: "https://b" }).links).toEqual([{ title: "Source", url: "https://b" }]);
    expect(parseOne({ title: "t", link: "https://a", url: "https://b" }).links).toEqual([{ title: "Source", url: "https://a" }]);
    expect(parseOne({ title: "t", link: "ftp://a" }).links).toEqual([]);
  });

  it("labels are top-level scalars plus the labels object, which wins; nested values are ignored", () => {
    const group = parseOne({ title: "t", count: 3, ok: false, nested: { a: "b" }, list: [1], nil: null, team: "x", labels: { team: "y", n: 1, deep: {} } });
    expect({ ...group.labels }).toEqual({ title: "t", count: "3", ok: "false", team: "y", n: "1" });
  });

  it("accepts a numeric title", () => {
    expect(parseOne({ title: 500 }).title).toBe("500");
  });
});

describe("parseWebhook: mapping", () => {
  it("reads a Zabbix-like body through dotted paths", () => {
    const group = parseOne(fixture("webhook-zabbix.json"), zabbixMapping);
    expect(group).toMatchObject({
      groupingKey: "4821907",
      status: "firing",
      title: "High CPU utilization (over 90% for 5m)",
      severity: "High",
    });
    expect(group.message).toContain("Operational data: 97.3 %");
    expect({ ...group.labels }).toEqual({
      message: fixture("webhook-zabbix.json").message,
      zabbix_url: "https://zabbix.example.com",
      team: "dba",
      env: "prod",
    });
  });

  it("resolves the same group on the recovery event (comparison ignores case)", () => {
    const group = parseOne(fixture("webhook-zabbix-recovery.json"), zabbixMapping);
    expect(group.status).toBe("resolved");
    expect(group.groupingKey).toBe("4821907");
  });

  it("compares numbers as text and replaces the default resolve rule", () => {
    const mapping: WebhookMapping = { title: "event.name", resolveWhen: { path: "event.value", equals: "0" } };
    expect(parseOne(fixture("webhook-zabbix-recovery.json"), mapping).status).toBe("resolved");
    expect(parseOne(fixture("webhook-zabbix.json"), mapping).status).toBe("firing");
    expect(parseOne({ event: { name: "n", value: 1 }, status: "resolved" }, mapping).status).toBe("firing");
  });

  it("reads array indexes", () => {
    const group = parseOne(fixture("webhook-zabbix.json"), { title: "event.tags[1].value", groupingKey: "event.tags[0].value" });
    expect(group.title).toBe("cpu");
    expect(group.groupingKey).toBe("performance");
  });

  it("falls back to the default keys when a mapped grouping key is missing", () => {
    expect(parseOne({ name: "n", alert_uid: "u" }, { title: "name", groupingKey: "nope.id" }).groupingKey).toBe("u");
    expect(parseOne({ name: "n" }, { title: "name", groupingKey: "nope.id" }).groupingKey).toBe("n");
  });

  it("does not fall back to the default title when a title path is mapped", () => {
    expect(errorsOf({ title: "t" }, { title: "data.alert.name" })).toEqual(["data.alert.name: required"]);
  });
});

describe("parseWebhook: field errors", () => {
  it.each([
    ["an array", [{ title: "t" }], "body: expected a JSON object, got an array"],
    ["null", null, "body: expected a JSON object, got null"],
    ["a number", 3, "body: expected a JSON object, got a number"],
    ["no title", { message: "m" }, "title: required"],
    ["an object title", { title: { text: "t" } }, "title: expected a string, got an object"],
    ["an empty title", { title: "  " }, "title: must not be empty"],
  ])("rejects %s", (_name, body, expected) => {
    expect(errorsOf(body)).toEqual([expected]);
  });

  it("names the mapping path of a missing or invalid title", () => {
    expect(errorsOf({ data: { alert: {} } }, { title: "data.alert.name" })).toEqual(["data.alert.name: required"]);
    expect(errorsOf({ data: [] }, { title: "data[0]" })).toEqual(["data[0]: required"]);
    expect(errorsOf({}, { title: "a..b" })).toEqual(["a..b: invalid mapping path"]);
  });
});
