import { serviceName } from "../table.js";
import { modelEntity } from "./model-entity.js";
import type { EntityConfig } from "./types.js";

/**
 * A flight in one cabin. Partitioned by offer id so seat decrements on a popular flight never
 * share a partition with other flights; found by route + local departure date through gsi1,
 * whose partition is per route *and* day, so a popular route spreads over its 365 days.
 */
export function createFlightOfferEntity({ client, table }: EntityConfig) {
  return modelEntity(
    {
      model: { entity: "flightOffer", version: "1", service: serviceName },
      attributes: {
        offerId: { type: "string", required: true, readOnly: true },
        origin: { type: "string", required: true, readOnly: true },
        destination: { type: "string", required: true, readOnly: true },
        departDate: { type: "string", required: true, readOnly: true },
        departAt: { type: "string", required: true, readOnly: true },
        arriveAt: { type: "string", required: true },
        durationMinutes: { type: "number", required: true },
        stops: { type: "number", required: true },
        carrier: { type: "string", required: true },
        flightNumber: { type: "string", required: true },
        cabin: {
          type: ["economy", "premium_economy", "business", "first"] as const,
          required: true,
        },
        seatsAvailable: { type: "number", required: true },
        seatsTotal: { type: "number", required: true },
        priceMinor: { type: "number", required: true },
        currency: { type: "string", required: true },
        version: { type: "number", required: true, default: 1 },
        updatedAt: { type: "string", required: true },
        /** bookingId → quantity held on this item (see @travel/booking). */
        holds: { type: "any" },
      },
      indexes: {
        byId: {
          pk: { field: "pk", composite: ["offerId"], casing: "none" },
          sk: { field: "sk", composite: [], casing: "none" },
        },
        byRouteDate: {
          index: "gsi1",
          pk: {
            field: "gsi1pk",
            composite: ["origin", "destination", "departDate"],
            casing: "none",
          },
          sk: { field: "gsi1sk", composite: ["departAt", "offerId"], casing: "none" },
        },
      },
    },
    { client, table },
  );
}

export type FlightOfferEntity = ReturnType<typeof createFlightOfferEntity>;
