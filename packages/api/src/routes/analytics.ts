import type { AppDeps } from "../deps.js";
import { createRouter } from "../router.js";

/**
 * Placeholder owned by the analytics helper: `GET /v1/analytics/summary` and
 * `GET /v1/analytics/routes/{route}` (mounted at `/v1/analytics`, scope `analytics`).
 */
export function createAnalyticsRoutes(_deps: AppDeps) {
  return createRouter();
}
