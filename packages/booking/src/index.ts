export { canonicalJson, requestHash } from "./canonical.js";
export type { CursorCodec } from "./cursor.js";
export { createCursorCodec } from "./cursor.js";
export * from "./errors.js";
export type { AcquireAllResult, HoldStore } from "./holds.js";
export { acquireAll, releaseAll } from "./holds.js";
export type { LiveOffer, OfferReader } from "./pricing.js";
export { DEFAULT_TENANT_SHARE_PERCENT, MAX_NIGHTS, priceOffer } from "./pricing.js";
export type { ReconcileReport, Reconciler, ReconcilerDeps } from "./reconciler.js";
export { createReconciler, startReconcilerLoop } from "./reconciler.js";
export { MAX_REFERENCE_ATTEMPTS, REFERENCE_LENGTH, referenceCandidate } from "./reference.js";
export type { BookingRepositories } from "./repositories.js";
export { createBookingRepositories } from "./repositories.js";
export * from "./request.js";
export { settledResponse, toBookingResponse } from "./response.js";
export type { BookingOutcome, BookingService, BookingServiceDeps } from "./service.js";
export { createBookingService, DEFAULT_LEASE_MS, DEFAULT_MAX_WAIT_MS } from "./service.js";
export type {
  BookingStore,
  BookingWorkflow,
  Clock,
  IdempotencyStore,
  WorkflowDeps,
} from "./workflow.js";
export { createBookingWorkflow } from "./workflow.js";
