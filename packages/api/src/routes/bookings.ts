import type { AppDeps } from "../deps.js";
import { createRouter } from "../router.js";

/**
 * Placeholder owned by the booking helper: `POST /v1/bookings`, `GET /v1/bookings`,
 * `GET /v1/bookings/{id}`, `POST /v1/bookings/{id}/cancel` (mounted at `/v1/bookings`,
 * scope `book`). Replace with `router.openapi(createRoute(...), handler)` definitions.
 */
export function createBookingRoutes(_deps: AppDeps) {
  return createRouter();
}
