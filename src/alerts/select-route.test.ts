import { describe, expect, it } from "vitest";
import type { IntegrationConfig, Matcher, MatcherOp, RouteConfig } from "../config/config-types.js";
import { selectRoute } from "./select-route.js";

const m = (name: string, op: MatcherOp, value: string): Matcher => ({ name, op, value });
const route = (matchers: Matcher[], chain: string | null, channel: string | null): RouteConfig => ({ matchers, chain, channel, postToSlack: true, responders: null, outgoingWebhooks: [] });

const integration: IntegrationConfig = {
  name: "prometheus",
  type: "alertmanager",
  token: "t",
  responders: null,
  outgoingWebhooks: [],
  chain: "default-chain",
  channel: "#alerts",
  postToSlack: true,
  mapping: null,
  heartbeatSeconds: null,
  rateLimitPerMinute: 6000,
  routes: [
    route([m("severity", "=", "critical"), m("team", "=", "db")], "db-critical", "#db-pager"),
    route([m("team", "=", "db")], "db", null),
    route([m("severity", "=~", "critical|page")], null, "#critical"),
    route([m("env", "!=", "prod")], "quiet", "#noise"),
  ],
};

describe("selectRoute", () => {
  it.each<[string, Record<string, string>, { index: number | null; chain: string | null; channel: string | null, postToSlack: true }]>([
    ["first matching route wins over later ones", { severity: "critical", team: "db", env: "prod" }, { index: 0, chain: "db-critical", channel: "#db-pager", postToSlack: true }],
    ["route without channel inherits the integration's", { severity: "warning", team: "db", env: "prod" }, { index: 1, chain: "db", channel: "#alerts", postToSlack: true }],
    ["route without chain inherits the integration's", { severity: "page", team: "web", env: "prod" }, { index: 2, chain: "default-chain", channel: "#critical", postToSlack: true }],
    ["a missing env label is not prod", { severity: "info" }, { index: 3, chain: "quiet", channel: "#noise", postToSlack: true }],
    ["no match -> the integration's default route", { severity: "info", env: "prod" }, { index: null, chain: "default-chain", channel: "#alerts", postToSlack: true }],
  ])("%s", (_name, labels, expected) => {
    expect(selectRoute(integration, labels)).toEqual(expected);
  });

  it("an empty matcher list matches everything", () => {
    const catchAll = { ...integration, routes: [route([], "all", "#all"), ...integration.routes] };
    expect(selectRoute(catchAll, { severity: "critical", team: "db" })).toEqual({ index: 0, chain: "all", channel: "#all", postToSlack: true });
  });

  it("an integration without routes, chain or channel gives nulls", () => {
    expect(selectRoute({ routes: [], chain: null, channel: null }, { a: "b" })).toEqual({ index: null, chain: null, channel: null, postToSlack: true });
  });
});
