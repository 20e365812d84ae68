import { createApiRoutes } from "../http/api-routes.js";
import { createApiService } from "../http/api/api-service.js";
import type { Feature } from "./feature.js";
import type { FeatureContext } from "./feature-context.js";

/**
 * The HTTP API under /api/v1 (README "API"): on call, shifts, alert groups and their log for read
 * tokens; acknowledge, resolve and silence for write tokens, as the person the token names. Built per
 * configuration, so a reload brings new tokens in and takes removed ones out.
 */
export function apiFeature(ctx: FeatureContext): Feature {
  const { config, store, schedules, guarded, access, principals, log, now } = ctx;
  const service = createApiService({ config, store, schedules, guarded, access, userGroupsOf: (email) => principals.userGroupsOfEmail(email) });
  return { name: "api", http: createApiRoutes({ tokens: config.api.tokens, service, now, log }) };
}
