import type { IntegrationConfig } from "../config/config-types.js";
import { matchesAll } from "./match-labels.js";

/** Where an alert group goes: which route matched and the chain and channel it resolves to. */
export interface RouteSelection {
  /** Index into `integration.routes`; null = the integration's default route. */
  index: number | null;
  chain: string | null;
  channel: string | null;
  /** False when the route (or the integration) turns channel posting off. */
  postToSlack: boolean;
}

/**
 * The first route whose matchers all match `labels` (first match wins); a route
 * without its own chain or channel inherits the integration's. No match -> the
 * integration's own chain and channel.
 */
export function selectRoute(
  integration: Pick<IntegrationConfig, "routes" | "chain" | "channel"> & Partial<Pick<IntegrationConfig, "postToSlack">>,
  labels: Readonly<Record<string, string>>,
): RouteSelection {
  const index = integration.routes.findIndex((route) => matchesAll(route.matchers, labels));
  const route = index === -1 ? undefined : integration.routes[index];
  const integrationPosts = integration.postToSlack !== false;
  if (route === undefined) return { index: null, chain: integration.chain, channel: integration.channel, postToSlack: integrationPosts };
  return {
    index,
    chain: route.chain ?? integration.chain,
    channel: route.channel ?? integration.channel,
    postToSlack: route.postToSlack ?? integrationPosts,
  };
}
