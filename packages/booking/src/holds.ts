import type { BookingRecord, InventoryChange, InventoryHoldRepository } from "@travel/core";

export type HoldStore = Pick<InventoryHoldRepository, "acquire" | "release">;

export type AcquireAllResult =
  | { ok: true; changes: InventoryChange[] }
  /**
   * `heldAny`: at least one item is (or may still be) held by the booking; `reason`: an item is
   * short (`sold_out`) or the tenant would pass its share of it (`tenant_inventory_cap`).
   */
  | {
      ok: false;
      changes: InventoryChange[];
      heldAny: boolean;
      reason: "sold_out" | "tenant_inventory_cap";
    };

/**
 * Holds `quantity` of every item of a booking, one conditional write per item, always in the
 * booking's item order (a hotel stay: nights by date). Stops at the first item that is short.
 * Idempotent: items the booking already holds count as held, so a resumed booking picks up
 * exactly where the interrupted one stopped.
 */
export async function acquireAll(
  holds: HoldStore,
  booking: Pick<BookingRecord, "bookingId" | "tenantId" | "items" | "quantity">,
  now: Date,
): Promise<AcquireAllResult> {
  const changes: InventoryChange[] = [];
  const owner = { bookingId: booking.bookingId, tenantId: booking.tenantId };
  for (const item of booking.items) {
    const result = await holds.acquire(item, owner, booking.quantity, now);
    if (result.outcome !== "held") {
      const reason = result.outcome === "capped" ? "tenant_inventory_cap" : "sold_out";
      return { ok: false, changes, heldAny: changes.length > 0, reason };
    }
    changes.push(result.change);
  }
  return { ok: true, changes };
}

/**
 * Returns every hold of a booking to inventory. Each release removes the hold in the same
 * write that adds the quantity back, so running this any number of times, concurrently or
 * after a crash, returns each hold exactly once. Answers the changed items.
 */
export async function releaseAll(
  holds: HoldStore,
  booking: Pick<BookingRecord, "bookingId" | "tenantId" | "items">,
  now: Date,
): Promise<InventoryChange[]> {
  const changes: InventoryChange[] = [];
  const owner = { bookingId: booking.bookingId, tenantId: booking.tenantId };
  for (const item of booking.items) {
    const result = await holds.release(item, owner, now);
    if (result.outcome === "released") changes.push(result.change);
  }
  return changes;
}
