import { createHash } from "node:crypto";
import type { BookingStatus } from "../entities/booking.js";
import { isConditionalCheckFailed } from "../errors.js";
import type { TravelService } from "../service.js";
import type { InventoryItemRef } from "./inventory-holds.js";

export interface BookingTraveler {
  /** v2; absent on bookings made before traveller types (they were adults). */
  type?: "adult" | "child" | "infant";
  givenName: string;
  familyName: string;
  dateOfBirth?: string;
}

export interface BookingContact {
  email: string;
  phone?: string;
}

export interface BookingRecord {
  bookingId: string;
  tenantId: string;
  reference: string;
  status: BookingStatus;
  offerId: string;
  offerType: "flight" | "hotel";
  /** "JFK-LAX" for flights, the city code for hotels (what analytics groups by). */
  route: string;
  quantity: number;
  totalMinor: number;
  currency: string;
  travelers: BookingTraveler[];
  contact: BookingContact;
  /** The inventory items this booking holds `quantity` of, in the order they are acquired. */
  items: InventoryItemRef[];
  /** Departure / check-in instant: cancellation is refused from then on. */
  startsAt: string;
  idempotencyKey?: string;
  /** `pending#<shard>` or `release#<shard>` while the reconciler may have work; "" otherwise. */
  workQueue?: string;
  /** Epoch ms until which the current worker owns the booking. */
  leaseUntil?: number;
  failureReason?: string;
  createdAt: string;
  updatedAt: string;
  confirmedAt?: string;
  cancelledAt?: string;
}

/** Work-queue kinds: bookings being made, and cancelled bookings whose holds are being released. */
export type WorkQueueKind = "pending" | "release";

/** gsi2 partitions per queue kind, so a busy queue never concentrates on one partition. */
export const WORK_QUEUE_SHARDS = 4;

/** The queue partition of a booking: deterministic, so every writer picks the same shard. */
export function workQueueFor(kind: WorkQueueKind, bookingId: string): string {
  const shard = createHash("sha256").update(bookingId).digest()[0]! % WORK_QUEUE_SHARDS;
  return `${kind}#${shard}`;
}

export type ReferenceClaim = "claimed" | "alreadyOurs" | "taken";

/** Conditional-write outcome: the new record, or `undefined` when the condition did not hold. */
async function conditional<T>(write: () => Promise<T>): Promise<T | undefined> {
  try {
    return await write();
  } catch (error) {
    if (isConditionalCheckFailed(error)) return undefined;
    throw error;
  }
}

/**
 * Booking items and booking references. Every state change is one conditional write on the
 * booking's own item (`pending → confirmed | failed`, `confirmed → cancelled`), so concurrent
 * workers (a live request, its retry, the reconciler) can never both win a transition.
 */
export function createBookingRepository(db: TravelService) {
  const { booking, bookingReference } = db.entities;

  return {
    /**
     * Creates a pending booking; `false` when one with this id exists (a resumed request).
     * A write whose answer was lost (a client timeout after DynamoDB applied it) is retried by
     * the SDK and then fails its own condition: the item found is then this very write (same
     * lease and creation instant), which counts as created.
     */
    async createPending(record: BookingRecord): Promise<boolean> {
      const created = await conditional(() => booking.create(record).go());
      if (created !== undefined) return true;
      const { data } = await booking.get({ bookingId: record.bookingId }).go({ consistent: true });
      const found = data as BookingRecord | null;
      return (
        found !== null &&
        found.status === "pending" &&
        found.leaseUntil === record.leaseUntil &&
        found.createdAt === record.createdAt
      );
    },

    async get(bookingId: string): Promise<BookingRecord | undefined> {
      const { data } = await booking.get({ bookingId }).go({ consistent: true });
      return (data as BookingRecord | null) ?? undefined;
    },

    /**
     * Takes the booking's lease when it is in `status` and nobody's lease runs (no lease, or it
     * ended before `now`). The reconciler and resumed requests call this before acting.
     */
    async takeLease(
      bookingId: string,
      input: { status: BookingStatus; now: Date; leaseUntil: number },
    ): Promise<BookingRecord | undefined> {
      return conditional(async () => {
        const { data } = await booking
          .patch({ bookingId })
          .set({ leaseUntil: input.leaseUntil })
          .where(
            ({ status, leaseUntil }, { eq, notExists, lt }) =>
              `${eq(status, input.status)} AND (${notExists(leaseUntil)} OR ${lt(leaseUntil, input.now.getTime())})`,
          )
          .go({ response: "all_new" });
        return data as BookingRecord;
      });
    },

    /** Gives up a lease early (after an unexpected error), so a retry can resume at once. */
    async releaseLease(bookingId: string, ownLeaseUntil: number): Promise<boolean> {
      const released = await conditional(() =>
        booking
          .patch({ bookingId })
          .remove(["leaseUntil"])
          .where(({ leaseUntil }, { eq }) => eq(leaseUntil, ownLeaseUntil))
          .go(),
      );
      return released !== undefined;
    },

    /** `pending → confirmed`; leaves the work queue. */
    async confirm(bookingId: string, now: Date): Promise<BookingRecord | undefined> {
      const at = now.toISOString();
      return conditional(async () => {
        const { data } = await booking
          .patch({ bookingId })
          .set({ status: "confirmed", confirmedAt: at, updatedAt: at, workQueue: "" })
          .remove(["leaseUntil"])
          .where(({ status }, { eq }) => eq(status, "pending"))
          .go({ response: "all_new" });
        return data as BookingRecord;
      });
    },

    /**
     * `pending → failed` (sold out while holding). With `holdsToRelease` the booking enters the
     * release queue, so the holds it may still have are returned even if this process dies
     * right after this write; `finishRelease` leaves the queue.
     */
    async markFailed(
      bookingId: string,
      input: { reason: string; now: Date; holdsToRelease: boolean },
    ): Promise<BookingRecord | undefined> {
      return conditional(async () => {
        const { data } = await booking
          .patch({ bookingId })
          .set({
            status: "failed",
            failureReason: input.reason,
            updatedAt: input.now.toISOString(),
            workQueue: input.holdsToRelease ? workQueueFor("release", bookingId) : "",
          })
          .remove(["leaseUntil"])
          .where(({ status }, { eq }) => eq(status, "pending"))
          .go({ response: "all_new" });
        return data as BookingRecord;
      });
    },

    /**
     * `confirmed → cancelled`, entering the release queue: the holds are returned after this
     * write, and whoever finds the booking in the queue (a repeated cancel, the reconciler)
     * finishes the releases.
     */
    async cancel(
      bookingId: string,
      input: { now: Date; leaseUntil: number },
    ): Promise<BookingRecord | undefined> {
      const at = input.now.toISOString();
      return conditional(async () => {
        const { data } = await booking
          .patch({ bookingId })
          .set({
            status: "cancelled",
            cancelledAt: at,
            updatedAt: at,
            workQueue: workQueueFor("release", bookingId),
            leaseUntil: input.leaseUntil,
          })
          .where(({ status }, { eq }) => eq(status, "confirmed"))
          .go({ response: "all_new" });
        return data as BookingRecord;
      });
    },

    /** Leaves the release queue once every hold of a cancelled/failed booking is back in inventory. */
    async finishRelease(bookingId: string, now: Date): Promise<BookingRecord | undefined> {
      return conditional(async () => {
        const { data } = await booking
          .patch({ bookingId })
          .set({ updatedAt: now.toISOString(), workQueue: "" })
          .remove(["leaseUntil"])
          .where(
            ({ status, workQueue }, { eq, ne }) =>
              `(${eq(status, "cancelled")} OR ${eq(status, "failed")}) AND ${ne(workQueue, "")}`,
          )
          .go({ response: "all_new" });
        return data as BookingRecord;
      });
    },

    /**
     * A tenant's bookings, newest first; `failed` ones (never shown to clients) are skipped.
     * The status filter runs after DynamoDB's `Limit`, so one query can match nothing while
     * more follow: ElectroDB's `count` keeps querying (`limit` items evaluated per query) until
     * the page holds `limit` matches or the index ends, and then cuts the cursor at the last
     * item returned. A page is therefore never empty while a cursor follows.
     */
    async listByTenant(
      tenantId: string,
      page: { limit: number; cursor: string | null; status?: BookingStatus | undefined },
    ): Promise<{ items: BookingRecord[]; cursor: string | null }> {
      const { data, cursor } = await booking.query
        .byTenant({ tenantId })
        .where(({ status }, { eq, ne }) =>
          page.status ? eq(status, page.status) : ne(status, "failed"),
        )
        .go({ order: "desc", limit: page.limit, count: page.limit, cursor: page.cursor });
      return { items: data as BookingRecord[], cursor };
    },

    /** Bookings in one queue partition that entered it before `before` (eventually consistent). */
    async listWork(workQueue: string, before: Date, limit: number): Promise<BookingRecord[]> {
      const { data } = await booking.query
        .byWorkQueue({ workQueue })
        .lt({ updatedAt: before.toISOString() })
        .go({ limit });
      return data as BookingRecord[];
    },

    /**
     * Claims a reference for a booking with a conditional put. Claiming again for the same
     * booking answers `alreadyOurs`, so a resumed booking keeps the reference it claimed.
     */
    async claimReference(reference: string, bookingId: string, now: Date): Promise<ReferenceClaim> {
      const created = await conditional(() =>
        bookingReference.create({ reference, bookingId, createdAt: now.toISOString() }).go(),
      );
      if (created) return "claimed";
      const { data } = await bookingReference.get({ reference }).go({ consistent: true });
      return data?.bookingId === bookingId ? "alreadyOurs" : "taken";
    },
  };
}

export type BookingRepository = ReturnType<typeof createBookingRepository>;
