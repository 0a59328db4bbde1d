import { type BookingRecord, WORK_QUEUE_SHARDS, type WorkQueueKind } from "@travel/core";
import { settledResponse } from "./response.js";
import { DEFAULT_LEASE_MS } from "./service.js";
import { createBookingWorkflow, type WorkflowDeps } from "./workflow.js";

export interface ReconcilerDeps extends WorkflowDeps {
  leaseMs?: number;
}

export interface ReconcileReport {
  /** Work-queue entries looked at. */
  examined: number;
  /** Pending bookings rolled forward to confirmed. */
  confirmed: number;
  /** Pending bookings that failed (sold out) and had their holds returned. */
  failed: number;
  /** Cancelled/failed bookings whose remaining holds were returned. */
  released: number;
  /** Entries left alone: a live worker owns them, or they settled meanwhile. */
  skipped: number;
  /** Bookings that could not be settled this run (retried on the next one). */
  errors: { bookingId: string; message: string }[];
}

/**
 * Finishes bookings that a crashed or timed-out request left half-done. It reads the work
 * queues (gsi2: `pending#<shard>`, `release#<shard>`), and for each entry older than
 * `olderThanMs`:
 * - pending: takes the booking's lease with a conditional write (so it never races a live
 *   request or its retry), then settles it exactly as a retry would (see `createBookingWorkflow`
 *   for the roll-forward policy) and stores the answer under the booking's idempotency key;
 * - release: returns the holds of a cancelled or failed booking (each exactly once) and takes it
 *   off the queue.
 * Every step is idempotent, so overlapping runs are safe. Run it on a schedule (the infra's
 * Cron runs `reconciler-lambda.ts`) or in-process (`startReconcilerLoop`).
 *
 * @example
 * const reconciler = createReconciler({ ...createBookingRepositories(db), clock, listener });
 * const report = await reconciler.reconcile({ olderThanMs: 60_000 });
 */
export function createReconciler(deps: ReconcilerDeps) {
  const { bookings, clock } = deps;
  const leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
  const workflow = createBookingWorkflow(deps);

  async function settle(kind: WorkQueueKind, entry: BookingRecord): Promise<keyof ReconcileReport> {
    const now = clock.now();
    if (kind === "pending") {
      const leased = await bookings.takeLease(entry.bookingId, {
        status: "pending",
        now,
        leaseUntil: now.getTime() + leaseMs,
      });
      if (!leased) return "skipped";
      const settled = await workflow.settlePending(leased);
      await workflow.completeIdempotency(settled, settledResponse(settled));
      return settled.status === "confirmed" ? "confirmed" : "failed";
    }
    const current = await bookings.get(entry.bookingId);
    if (!current?.workQueue || (current.leaseUntil ?? 0) > now.getTime()) return "skipped";
    const settled = await workflow.finishReleases(current);
    // A booking that failed while its request crashed still owes the client its answer.
    if (settled.status === "failed") await workflow.completeIdempotency(settled);
    return "released";
  }

  return {
    async reconcile(
      options: { olderThanMs?: number; limit?: number } = {},
    ): Promise<ReconcileReport> {
      const olderThanMs = options.olderThanMs ?? 60_000;
      const limit = options.limit ?? 100;
      const report: ReconcileReport = {
        examined: 0,
        confirmed: 0,
        failed: 0,
        released: 0,
        skipped: 0,
        errors: [],
      };
      const before = new Date(clock.now().getTime() - olderThanMs);
      for (const kind of ["pending", "release"] as const) {
        for (let shard = 0; shard < WORK_QUEUE_SHARDS; shard++) {
          const entries = await bookings.listWork(`${kind}#${shard}`, before, limit);
          for (const entry of entries) {
            report.examined++;
            try {
              const result = await settle(kind, entry);
              (report[result] as number)++;
            } catch (error) {
              // Reported, not swallowed: the entry stays queued and the caller sees the failure.
              report.errors.push({
                bookingId: entry.bookingId,
                message: error instanceof Error ? error.message : String(error),
              });
            }
          }
        }
      }
      return report;
    },
  };
}

export type Reconciler = ReturnType<typeof createReconciler>;

/**
 * Runs the reconciler every `intervalMs` in this process (local mode). Returns `stop()`.
 * A run's errors go to `onReport`; a run never overlaps the previous one.
 */
export function startReconcilerLoop(
  reconciler: Reconciler,
  options: {
    intervalMs?: number;
    olderThanMs?: number;
    onReport?: (report: ReconcileReport) => void;
    onError?: (error: unknown) => void;
  } = {},
): { stop(): Promise<void> } {
  const intervalMs = options.intervalMs ?? 15_000;
  let running: Promise<void> | undefined;
  let stopped = false;
  const timer = setInterval(() => {
    if (running || stopped) return;
    running = reconciler
      .reconcile({ olderThanMs: options.olderThanMs ?? 60_000 })
      .then((report) => options.onReport?.(report))
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => {
        running = undefined;
      });
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
