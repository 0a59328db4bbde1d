export {
  AIRPORT_REACH_KM,
  BUSIEST_AIRPORT_CODES,
  METRO_AIRPORT_CODES,
  seedAirports,
} from "./airports.js";
export type { BusyRoute } from "./busy-routes.js";
export { BUSY_ROUTES } from "./busy-routes.js";
export type { Carrier } from "./carriers.js";
export { CARRIERS, CARRIERS_BY_COUNTRY, canFly, carrier } from "./carriers.js";
export type { CabinPlan, ScheduledFlight } from "./flights.js";
export { buildFlightSchedule, generateFlightsForDay } from "./flights.js";
export type { HotelPlan } from "./hotels.js";
export { generateHotels, generateRoomNightsForDay, HOTEL_CITIES, planHotels } from "./hotels.js";
export type { SeedDay, SeedInventory, SeedOptions } from "./inventory.js";
export { DEFAULT_SEED, generateInventory } from "./inventory.js";
export type {
  BatchWriter,
  BatchWriterOptions,
  InventoryRecord,
  TableItem,
  WriterStats,
} from "./load.js";
export {
  BATCH_SIZE,
  createBatchWriter,
  inventoryItemBuilder,
  inventoryItems,
  tagInventory,
} from "./load.js";
export type { SeedNetworkPair, SeedNetworkRoute } from "./network.js";
export { seedNetwork } from "./network.js";
export type { Random } from "./random.js";
export { hashString, mulberry32, randomFor } from "./random.js";
export type { RouteCarrier, SeedRoute } from "./routes.js";
export { BACKGROUND_PAIRS, seedRoutes } from "./routes.js";
export type { SeedInventoryOptions, SeedingHandle, SeedProgress, SeedSummary } from "./seed.js";
export { seedInventory, startSeeding } from "./seed.js";
export { isoInstant, localTimeToUtc, zoneOffsetMinutes } from "./time.js";
