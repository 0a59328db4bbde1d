import type {
  BookingRecord,
  BookingRepository,
  IdempotencyRepository,
  InventoryChange,
  InventoryChangeListener,
  StoredResponse,
} from "@travel/core";
import { acquireAll, type HoldStore, releaseAll } from "./holds.js";
import { settledResponse } from "./response.js";

export interface Clock {
  now(): Date;
}

export type BookingStore = Pick<
  BookingRepository,
  | "createPending"
  | "get"
  | "takeLease"
  | "releaseLease"
  | "confirm"
  | "markFailed"
  | "cancel"
  | "finishRelease"
  | "listByTenant"
  | "listWork"
  | "claimReference"
>;

export type IdempotencyStore = Pick<
  IdempotencyRepository,
  "begin" | "get" | "takeOver" | "releaseLease" | "complete"
>;

export interface WorkflowDeps {
  bookings: BookingStore;
  holds: HoldStore;
  idempotency: IdempotencyStore;
  clock: Clock;
  /** Told about every inventory change before the change is acknowledged (search invalidates). */
  listener?: InventoryChangeListener | undefined;
  /**
   * Told when telling `listener` failed on every attempt: the booking goes on (it is written;
   * the change stream repairs the cached search data), the caller meters and logs it.
   */
  onRefreshFailed?: ((error: unknown, changes: readonly InventoryChange[]) => void) | undefined;
  /** Attempts at telling `listener` (default 3), `refreshRetryMs` apart (default 25 ms, doubling). */
  refreshAttempts?: number;
  refreshRetryMs?: number;
}

/**
 * The steps that move a booking forward, shared by the request path, its retries and the
 * reconciler, so every one of them settles an interrupted booking the same way.
 *
 * Recovery policy: a pending booking is *rolled forward* — its missing holds are acquired
 * exactly as the interrupted request would have, then it is confirmed; only when inventory is
 * short is it rolled back (failed, holds returned). Rolling forward makes a client's retry and
 * the reconciler converge on the same outcome, and it is what the client asked for: the price
 * was checked live before the booking item was written, and the reconciler only touches
 * bookings whose lease has expired. Rolling back instead would release seats a retry arriving a
 * moment later would have to re-acquire, possibly after they were sold to someone else.
 */
export function createBookingWorkflow(deps: WorkflowDeps) {
  const { bookings, holds, idempotency, clock, listener } = deps;
  const attempts = Math.max(1, deps.refreshAttempts ?? 3);
  const retryMs = deps.refreshRetryMs ?? 25;

  /**
   * Tells the listener (search's cached data) about changed items: best effort. The items are
   * already written, so a cache that cannot be refreshed never fails the booking: the refresh is
   * retried a few times, then reported (`onRefreshFailed`) and left to the change stream, whose
   * consumer applies every inventory item's new state to the read model (versioned, so a late
   * or repeated application is harmless).
   */
  async function publish(changes: readonly InventoryChange[]): Promise<void> {
    if (changes.length === 0 || !listener) return;
    for (let attempt = 1; ; attempt++) {
      try {
        await listener.inventoryChanged(changes);
        return;
      } catch (error) {
        if (attempt >= attempts) {
          deps.onRefreshFailed?.(error, changes);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, retryMs * 2 ** (attempt - 1)));
      }
    }
  }

  async function reread(bookingId: string): Promise<BookingRecord> {
    const current = await bookings.get(bookingId);
    if (!current) throw new Error(`booking ${bookingId} disappeared while it was being settled`);
    return current;
  }

  /**
   * Returns the holds of a cancelled or failed booking that is still in the release queue,
   * publishes the changed items, and leaves the queue. Safe to run concurrently and repeatedly.
   */
  async function finishReleases(booking: BookingRecord): Promise<BookingRecord> {
    if (!booking.workQueue) return booking;
    const now = clock.now();
    await publish(await releaseAll(holds, booking, now));
    return (
      (await bookings.finishRelease(booking.bookingId, now)) ?? (await reread(booking.bookingId))
    );
  }

  /**
   * Settles a pending booking whose lease the caller holds: hold every item, then confirm; or,
   * when an item is short, fail it and return what it held. Answers the settled record.
   *
   * Write order and why each crash point is recoverable:
   * 1. holds, item by item (each idempotent) — a crash leaves a pending booking in the work
   *    queue with some holds; whoever resumes acquires the rest (already-held ones are no-ops).
   * 2. publish the changed items — before confirming, so a search never shows seats that are
   *    already held; resuming republishes the current state. Best effort: a cache that cannot
   *    be refreshed does not stop the confirmation (the change stream repairs it).
   * 3. `pending → confirmed` (conditional) — the booking leaves the work queue.
   * On a shortage or the tenant's cap (`tenant_inventory_cap`, checked in the hold's own
   * conditional write, so racing bookings of one tenant can never pass it): `pending → failed` *with* the release queue first, then the releases, then
   * leaving the queue: a crash between them leaves the booking in the release queue, so no hold
   * can leak. If someone else confirmed first, the failed transition loses and nothing is
   * released (those holds are the confirmed booking's).
   */
  async function settlePending(booking: BookingRecord): Promise<BookingRecord> {
    const now = clock.now();
    const acquired = await acquireAll(holds, booking, now);
    await publish(acquired.changes);
    if (acquired.ok) {
      const confirmed = await bookings.confirm(booking.bookingId, now);
      if (confirmed) return confirmed;
      // Settled by another worker while we held an expired lease: if it failed the booking, the
      // holds we just took are part of what must go back.
      const current = await reread(booking.bookingId);
      return current.status === "failed" ? finishReleases(current) : current;
    }
    const failed =
      (await bookings.markFailed(booking.bookingId, {
        reason: acquired.reason,
        now,
        holdsToRelease: acquired.heldAny,
      })) ?? (await reread(booking.bookingId));
    return failed.status === "failed" ? finishReleases(failed) : failed;
  }

  /** Stores a settled booking's answer under its idempotency key (first answer wins). */
  async function completeIdempotency(
    booking: BookingRecord,
    response: StoredResponse = settledResponse(booking),
  ): Promise<StoredResponse> {
    if (!booking.idempotencyKey) return response;
    const completed = await idempotency.complete({
      tenantId: booking.tenantId,
      idempotencyKey: booking.idempotencyKey,
      bookingId: booking.bookingId,
      response,
    });
    return completed?.status === "completed" && completed.response ? completed.response : response;
  }

  return { publish, settlePending, finishReleases, completeIdempotency };
}

export type BookingWorkflow = ReturnType<typeof createBookingWorkflow>;
