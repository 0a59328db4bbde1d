import {
  createBookingRepository,
  createIdempotencyRepository,
  createInventoryHoldRepository,
  createInventoryRepository,
  type TravelService,
} from "@travel/core";

/** The repositories the booking service and the reconciler take, built over one table. */
export function createBookingRepositories(db: TravelService) {
  return {
    inventory: createInventoryRepository(db),
    holds: createInventoryHoldRepository(db),
    bookings: createBookingRepository(db),
    idempotency: createIdempotencyRepository(db),
  };
}

export type BookingRepositories = ReturnType<typeof createBookingRepositories>;
