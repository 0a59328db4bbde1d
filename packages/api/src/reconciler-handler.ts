import type { ReconcileReport } from "@travel/booking";
import type { AppDeps } from "./deps.js";

/** Pending work younger than this is left to the request that is still making it. */
export const RECONCILE_AFTER_MS = 60_000;

/**
 * One scheduled reconciler run: settles the bookings crashed requests left half-done, logs the
 * counts (booking ids only, never traveller data), flushes metrics, and fails the invocation
 * when some bookings could not be settled, so the failure shows up in the function's error
 * metric and alarm (they stay queued and the next run retries them).
 */
export function createReconcilerHandler(
  deps: Pick<AppDeps, "reconciler" | "logger" | "metrics" | "flush">,
  options: { olderThanMs?: number } = {},
) {
  return async function handler(): Promise<Omit<ReconcileReport, "errors"> & { errors: number }> {
    const report = await deps.reconciler.reconcile({
      olderThanMs: options.olderThanMs ?? RECONCILE_AFTER_MS,
    });
    const summary = { ...report, errors: report.errors.length };
    deps.logger.info("booking reconciler run", summary);
    deps.metrics.increment("ReconcilerConfirmed", report.confirmed);
    deps.metrics.increment("ReconcilerFailed", report.failed);
    deps.metrics.increment("ReconcilerReleased", report.released);
    deps.metrics.increment("ReconcilerErrors", report.errors.length);
    await deps.flush();
    if (report.errors.length > 0) {
      deps.logger.error("bookings left unsettled", { bookings: report.errors });
      throw new Error(
        `reconciler could not settle ${report.errors.length} booking(s): ${report.errors
          .map((e) => e.bookingId)
          .join(", ")}`,
      );
    }
    return summary;
  };
}
