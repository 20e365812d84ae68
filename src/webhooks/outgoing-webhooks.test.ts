import { describe, expect, it } from "vitest";
import type { Config, IntegrationConfig, OutgoingWebhookConfig, RouteConfig } from "../config/config-types.js";
import { findHook, hooksFor } from "./outgoing-webhooks.js";

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
