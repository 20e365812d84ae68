import { describe, expect, it } from "vitest";
import type { Config, IntegrationConfig, OutgoingWebhookConfig, RouteConfig } from "../config/config-types.js";
import type { AlertGroupRecord } from "../store/repositories/alert-group-record.js";
import type { Tx } from "../store/store.js";
import { initialEscalation } from "../escalation/escalation-state.js";
import { createOutgoingWebhooks, findHook, hooksFor, type DeliveryPayload } from "./outgoing-webhooks.js";

const hook = (url: string, secret = "secret-0123456789abcdef"): OutgoingWebhookConfig => ({ url, events: ["opened"], secret, timeoutSeconds: 10, retries: 5, headers: {} });
const route = (team: string, hooks: OutgoingWebhookConfig[]): RouteConfig => ({
  matchers: [{ name: "team", op: "=", value: team }],
  chain: null,
  channel: null,
  postToSlack: true,
  responders: null,
  outgoingWebhooks: hooks,
});
const integration = {
  name: "prod",
  outgoingWebhooks: [hook("https://tickets.example.com/all")],
  routes: [route("db", [hook("https://status.example.com/db"), hook("https://tickets.example.com/all", "other-secret-0123456789")]), route("web", [])],
  chain: null,
  channel: null,
  postToSlack: true,
} as unknown as IntegrationConfig;

describe("hooksFor", () => {
  it("is the integration's hooks and those of the route the labels select, each URL once", () => {
    expect(hooksFor(integration, { team: "db" }).map((p) => [p.hook.url, p.route])).toEqual([
      ["https://tickets.example.com/all", null],
      ["https://status.example.com/db", 0],
    ]);
    expect(hooksFor(integration, { team: "web" }).map((p) => [p.hook.url, p.route])).toEqual([["https://tickets.example.com/all", null]]);
    expect(hooksFor(integration, {}).map((p) => p.hook.url)).toEqual(["https://tickets.example.com/all"]);
  });
});

describe("findHook", () => {
  const config = { integrations: [integration] } as unknown as Config;
  it("finds a queued delivery's hook where it was, else anywhere on the integration, else nothing", () => {
    expect(findHook(config, "prod", 0, "https://status.example.com/db")?.hook.url).toBe("https://status.example.com/db");
    expect(findHook(config, "prod", null, "https://tickets.example.com/all")?.hook.secret).toBe("secret-0123456789abcdef");
    // A reload removed route 5: the hook is still found on the integration's other lists.
    expect(findHook(config, "prod", 5, "https://status.example.com/db")?.hook.url).toBe("https://status.example.com/db");
    expect(findHook(config, "prod", null, "https://gone.example.com/")).toBeNull();
    expect(findHook(config, "staging", null, "https://tickets.example.com/all")).toBeNull();
  });
});

describe("createOutgoingWebhooks: a URL on both the integration and the route", () => {
  // The integration's entry wants only `opened`; the route's entry for the same URL wants `resolved`.
  const url = "https://tickets.example.com/all";
  const both = {
    name: "prod",
    outgoingWebhooks: [{ ...hook(url), events: ["opened"] }],
    routes: [route("db", [{ ...hook(url, "route-secret-0123456789"), events: ["resolved"] }])],
    chain: null,
    channel: null,
    postToSlack: true,
  } as unknown as IntegrationConfig;
  const group = {
    id: "g1", number: 7, integration: "prod", groupingKey: "k", state: "resolved", title: "Disk full", message: null, severity: null,
    labels: { team: "db" }, links: [], silenceUrl: null, chain: null, chainSteps: [], channel: null, alertCount: 1, firingCount: 0,
    truncatedAlerts: 0, firstAlertAt: 0, lastAlertAt: 0, acknowledgedBy: null, acknowledgedAt: null, resolvedBy: "x", resolvedAt: 1,
    silencedBy: null, silencedUntil: null, slackChannelId: null, slackTs: null, escalation: initialEscalation, createdAt: 0, updatedAt: 1,
  } as AlertGroupRecord;

  async function deliveriesOf(event: "opened" | "resolved"): Promise<DeliveryPayload[]> {
    const jobs: DeliveryPayload[] = [];
    const tx = { groups: { get: async () => group }, jobs: { add: async (spec: { payload: unknown }) => void jobs.push(spec.payload as DeliveryPayload) } } as unknown as Tx;
    await createOutgoingWebhooks({ integrations: [both] } as unknown as Config, { publicUrl: "http://127.0.0.1" }).emit(tx, group, { name: event, actor: null }, 1);
    return jobs;
  }

  it("delivers each event the route's entry wants, though the integration's entry for that URL does not want it", async () => {
    expect((await deliveriesOf("resolved")).map((d) => [d.url, d.route])).toEqual([[url, 0]]);
    expect((await deliveriesOf("opened")).map((d) => [d.url, d.route])).toEqual([[url, null]]);
  });
});
