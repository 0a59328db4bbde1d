import { type BookingRecord, fromMinor, type StoredResponse } from "@travel/core";
import {
  SoldOutError,
  type StoredProblem,
  TenantInventoryCapError,
  toStoredProblem,
} from "./errors.js";
import type { BookingResponse } from "./request.js";

/**
 * The contract's Booking object. Built only from fields that never change after the booking
 * settles (no `updatedAt`), so a repeated cancel or a replay answers the very same body.
 */
export function toBookingResponse(record: BookingRecord): BookingResponse {
  return {
    id: record.bookingId,
    reference: record.reference,
    status: record.status as BookingResponse["status"],
    offerId: record.offerId,
    offerType: record.offerType,
    quantity: record.quantity,
    total: fromMinor(record.totalMinor, record.currency),
    travelers: record.travelers.map((t) => ({ ...t, type: t.type ?? "adult" })),
    contact: record.contact,
    createdAt: record.createdAt,
    ...(record.confirmedAt ? { confirmedAt: record.confirmedAt } : {}),
    ...(record.cancelledAt ? { cancelledAt: record.cancelledAt } : {}),
  };
}

export function problemResponse(problem: StoredProblem): StoredResponse {
  return { status: problem.status, body: JSON.stringify(problem) };
}

/** What `POST /v1/bookings` answers for a booking that has settled. */
export function settledResponse(record: BookingRecord): StoredResponse {
  if (record.status === "failed") {
    const problem =
      record.failureReason === "tenant_inventory_cap"
        ? new TenantInventoryCapError()
        : new SoldOutError();
    return problemResponse(toStoredProblem(problem));
  }
  return { status: 201, body: JSON.stringify(toBookingResponse(record)) };
}
