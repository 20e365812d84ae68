import type { Feature } from "./feature.js";
import type { FeatureContext } from "./feature-context.js";
import { scheduleFeature } from "./schedule-feature.js";
import { meFeature } from "./me-feature.js";
import { apiFeature } from "./api-feature.js";
import { simulateFeature } from "./simulate-feature.js";
import { reportFeature } from "./report-feature.js";
import { webFeature } from "./web-feature.js";

/** The features every calpage process runs. */
export function builtInFeatures(ctx: FeatureContext): Feature[] {
  return [scheduleFeature(ctx), meFeature(ctx), apiFeature(ctx), simulateFeature(ctx), reportFeature(ctx), webFeature(ctx)];
}
