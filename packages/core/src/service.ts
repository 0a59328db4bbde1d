import { Service } from "electrodb";
import { createAggregateBatchEntity } from "./entities/aggregate-batch.js";
import { createApiKeyEntity } from "./entities/api-key.js";
import { createBookingEntity } from "./entities/booking.js";
import { createBookingReferenceEntity } from "./entities/booking-reference.js";
import { createDailyAggregateEntity } from "./entities/daily-aggregate.js";
import { createFlightOfferEntity } from "./entities/flight-offer.js";
import { createHotelEntity } from "./entities/hotel.js";
import { createIdempotencyEntity } from "./entities/idempotency.js";
import { createRecordClaimsEntity } from "./entities/record-claims.js";
import { createRoomNightEntity } from "./entities/room-night.js";
import { createSearchEventBatchEntity, createSearchEventEntity } from "./entities/search-event.js";
import { createStreamMarkerEntity } from "./entities/stream-marker.js";
import type { EntityConfig } from "./entities/types.js";
import { createWebhookDeliveryEntity } from "./entities/webhook-delivery.js";
import { createWebhookEndpointEntity } from "./entities/webhook-endpoint.js";

/**
 * Every entity of the single table, built against one client and table name.
 *
 * @example
 * const db = createTravelService({ client: createDocumentClient(), table: "travel-dev" });
 * await db.entities.flightOffer.get({ offerId }).go();
 */
export function createTravelService(config: EntityConfig) {
  const entities = {
    flightOffer: createFlightOfferEntity(config),
    hotel: createHotelEntity(config),
    roomNight: createRoomNightEntity(config),
    booking: createBookingEntity(config),
    bookingReference: createBookingReferenceEntity(config),
    idempotency: createIdempotencyEntity(config),
    apiKey: createApiKeyEntity(config),
    searchEvent: createSearchEventEntity(config),
    searchEventBatch: createSearchEventBatchEntity(config),
    dailyAggregate: createDailyAggregateEntity(config),
    streamMarker: createStreamMarkerEntity(config),
    aggregateBatch: createAggregateBatchEntity(config),
    recordClaims: createRecordClaimsEntity(config),
    webhookEndpoint: createWebhookEndpointEntity(config),
    webhookDelivery: createWebhookDeliveryEntity(config),
  };
  const service = new Service(entities, config);
  return { entities, service, client: config.client, table: config.table };
}

export type TravelService = ReturnType<typeof createTravelService>;
export type TravelEntities = TravelService["entities"];
