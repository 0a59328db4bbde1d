export {
  type InventoryAdminStore,
  type OfferUpdateResult,
  spread,
  updateInventoryOffer,
} from "./admin.js";
export {
  flightCacheKey,
  flightQueryFingerprint,
  flightRequestOf,
  hotelCacheKey,
  hotelQueryFingerprint,
  hotelRequestOf,
} from "./cache-key.js";
export { type Clock, localDate, systemClock } from "./clock.js";
export { type CursorCodec, type CursorPosition, createCursorCodec } from "./cursor.js";
export {
  type FieldError,
  InvalidCursorError,
  OfferExpiredError,
  OfferNotFoundError,
  SearchCacheUnavailableError,
  SearchValidationError,
  SuppliersUnavailableError,
} from "./errors.js";
export {
  createSearchEventQueue,
  type SearchEventQueue,
  type SearchEventQueueOptions,
  type SearchEventQueueStats,
  type SearchEventRecorder,
  type SearchEventSink,
} from "./events.js";
export { type BreakerState, createFanOut, type FanOut, type FanOutOptions } from "./fan-out.js";
export { filterFlights, filterHotels } from "./filter.js";
export { consoleLogger, type Logger } from "./logger.js";
export {
  createRouteNetwork,
  DEFAULT_HUB_LIMIT,
  type NetworkRoute,
  type RouteNetwork,
} from "./network.js";
export {
  type CacheInfo,
  cacheInfoSchema,
  DEFAULT_OFFER_VALIDITY_SECONDS,
  type FlightOffer,
  type FlightSearchResponse,
  flightOfferSchema,
  flightSearchResponseSchema,
  type HotelOffer,
  type HotelSearchResponse,
  hotelOfferSchema,
  hotelSearchResponseSchema,
  type Offer,
  type OfferUpdate,
  offerSchema,
  offerUpdateSchema,
  type SearchMeta,
  searchMetaSchema,
} from "./offers.js";
export {
  createFlightQuerySchema,
  createHotelQuerySchema,
  type FlightQuery,
  type FlightQueryInput,
  type FlightSort,
  flightQuerySchema,
  flightSortSchema,
  type HotelQuery,
  type HotelQueryInput,
  type HotelSort,
  hotelQuerySchema,
  hotelSortSchema,
  MAX_DAYS_AHEAD,
  MAX_NIGHTS,
  parseOrThrow,
  toFieldErrors,
} from "./query.js";
export { flightComparators, hotelComparators, rankFlights, rankHotels } from "./rank.js";
export {
  flightEntryKey,
  hotelEntryKey,
  monthOf,
} from "./read-model/entries.js";
export {
  createInventoryReadModel,
  type InventoryReadModel,
  type InventoryReadModelDeps,
  type ReadModelAnswer,
  type ReadModelCallOptions,
  type ReadModelOptions,
  type ReadModelStats,
  readModelOptionsSchema,
  type WarmPlan,
} from "./read-model/read-model.js";
export {
  combineCacheInfo,
  createSearchService,
  isExpired,
  SEARCH_CACHE_NAMESPACE,
  type SearchCache,
  type SearchContext,
  type SearchService,
  type SearchServiceDeps,
  type SearchServiceOptions,
  searchServiceOptionsSchema,
} from "./service.js";
export {
  createInventorySupplier,
  type InventoryReader,
  type InventorySupplierOptions,
} from "./suppliers/inventory.js";
export {
  createSimulatedSupplier,
  type SimulatedSupplier,
  type SimulatedSupplierOptions,
} from "./suppliers/simulated.js";
export type {
  FlightSearchRequest,
  HotelSearchRequest,
  Supplier,
  SupplierCallOptions,
} from "./suppliers/supplier.js";
export { changeTags, cityTag, hotelTag, offerTag, routeTag } from "./tags.js";
