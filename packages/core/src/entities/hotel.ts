import { serviceName } from "../table.js";
import { modelEntity } from "./model-entity.js";
import type { EntityConfig } from "./types.js";

/** A hotel (one room type). Shares its partition with its room nights; listed per city on gsi1. */
export function createHotelEntity({ client, table }: EntityConfig) {
  return modelEntity(
    {
      model: { entity: "hotel", version: "1", service: serviceName },
      attributes: {
        hotelId: { type: "string", required: true, readOnly: true },
        city: { type: "string", required: true, readOnly: true },
        name: { type: "string", required: true },
        rating: { type: "number", required: true },
        roomType: { type: "string", required: true },
        currency: { type: "string", required: true },
        latitude: { type: "number", required: true },
        longitude: { type: "number", required: true },
      },
      indexes: {
        byId: {
          collection: "hotelStay",
          pk: { field: "pk", composite: ["hotelId"], casing: "none" },
          sk: { field: "sk", composite: [], casing: "none" },
        },
        byCity: {
          index: "gsi1",
          pk: { field: "gsi1pk", composite: ["city"], casing: "none" },
          sk: { field: "gsi1sk", composite: ["hotelId"], casing: "none" },
        },
      },
    },
    { client, table },
  );
}

export type HotelEntity = ReturnType<typeof createHotelEntity>;
