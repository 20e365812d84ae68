import type { Feature } from "./feature.js";
import type { FeatureContext } from "./feature-context.js";

/** The features every calpage process runs. */
export function builtInFeatures(_ctx: FeatureContext): Feature[] {
  return [];
}
