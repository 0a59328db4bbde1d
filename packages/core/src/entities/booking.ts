import { serviceName } from "../table.js";
import { modelEntity } from "./model-entity.js";
import type { EntityConfig } from "./types.js";

export const BOOKING_STATUSES = ["pending", "confirmed", "cancelled", "failed"] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];

/**
 * A booking. Partitioned by booking id; listed per tenant newest first on gsi1 (sk starts with
 * the creation instant); bookings that still need work (pending, or cancelled with inventory
 * not yet returned) are on gsi2 under a status shard, which the reconciler reads.
 */
export function createBookingEntity({ client, table }: EntityConfig) {
  return modelEntity(
    {
      model: { entity: "booking", version: "1", service: serviceName },
      attributes: {
        bookingId: { type: "string", required: true, readOnly: true },
        tenantId: { type: "string", required: true, readOnly: true },
        reference: { type: "string", required: true },
        status: { type: BOOKING_STATUSES, required: true },
        offerId: { type: "string", required: true, readOnly: true },
        offerType: { type: ["flight", "hotel"] as const, required: true, readOnly: true },
        /** Analytics key: "JFK-LAX" for flights, the city code for hotels. */
        route: { type: "string", required: true, readOnly: true },
        quantity: { type: "number", required: true, readOnly: true },
        totalMinor: { type: "number", required: true },
        currency: { type: "string", required: true },
        travelers: { type: "any", required: true },
        contact: { type: "any", required: true },
        /** The inventory items this booking holds: `{ kind, key }` entries (see @travel/booking). */
        items: { type: "any", required: true },
        /** Departure or check-in instant; cancellation is refused after it. */
        startsAt: { type: "string", required: true },
        idempotencyKey: { type: "string" },
        /** Work-queue partition for the reconciler: `<status>#<shard>`, unset when no work is due. */
        workQueue: { type: "string" },
        leaseUntil: { type: "number" },
        failureReason: { type: "string" },
        createdAt: { type: "string", required: true, readOnly: true },
        updatedAt: { type: "string", required: true },
        confirmedAt: { type: "string" },
        cancelledAt: { type: "string" },
      },
      indexes: {
        byId: {
          pk: { field: "pk", composite: ["bookingId"], casing: "none" },
          sk: { field: "sk", composite: [], casing: "none" },
        },
        byTenant: {
          index: "gsi1",
          pk: { field: "gsi1pk", composite: ["tenantId"], casing: "none" },
          sk: { field: "gsi1sk", composite: ["createdAt", "bookingId"], casing: "none" },
        },
        byWorkQueue: {
          index: "gsi2",
          condition: (attr) => typeof attr.workQueue === "string" && attr.workQueue.length > 0,
          pk: { field: "gsi2pk", composite: ["workQueue"], casing: "none" },
          sk: { field: "gsi2sk", composite: ["updatedAt", "bookingId"], casing: "none" },
        },
      },
    },
    { client, table },
  );
}

export type BookingEntity = ReturnType<typeof createBookingEntity>;
