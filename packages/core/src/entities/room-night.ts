import { serviceName } from "../table.js";
import { modelEntity } from "./model-entity.js";
import type { EntityConfig } from "./types.js";

/**
 * Rooms and price of one hotel for one night. A stay is one range query on the hotel's
 * partition (sk = date). City search reads gsi1, partitioned per city *and month*, so a busy
 * city spreads over twelve partitions a year instead of one.
 */
export function createRoomNightEntity({ client, table }: EntityConfig) {
  return modelEntity(
    {
      model: { entity: "roomNight", version: "1", service: serviceName },
      attributes: {
        hotelId: { type: "string", required: true, readOnly: true },
        city: { type: "string", required: true, readOnly: true },
        date: { type: "string", required: true, readOnly: true },
        /** `YYYY-MM` of `date`; derived, for the city-month index. */
        month: {
          type: "string",
          readOnly: true,
          watch: ["date"],
          set: (_value, item) => String(item.date).slice(0, 7),
        },
        roomsAvailable: { type: "number", required: true },
        roomsTotal: { type: "number", required: true },
        priceMinor: { type: "number", required: true },
        currency: { type: "string", required: true },
        version: { type: "number", required: true, default: 1 },
        updatedAt: { type: "string", required: true },
        /** bookingId → rooms held on this night (see @travel/booking). */
        holds: { type: "any" },
      },
      indexes: {
        byHotelDate: {
          collection: "hotelStay",
          pk: { field: "pk", composite: ["hotelId"], casing: "none" },
          sk: { field: "sk", composite: ["date"], casing: "none" },
        },
        byCityMonth: {
          index: "gsi1",
          pk: { field: "gsi1pk", composite: ["city", "month"], casing: "none" },
          sk: { field: "gsi1sk", composite: ["date", "hotelId"], casing: "none" },
        },
      },
    },
    { client, table },
  );
}

export type RoomNightEntity = ReturnType<typeof createRoomNightEntity>;
