export { BUSIEST_AIRPORT_CODES, seedAirports } from "./airports.js";
export { CARRIERS_BY_COUNTRY, carriersFor } from "./carriers.js";
export type { CabinPlan, ScheduledFlight } from "./flights.js";
export { buildFlightSchedule, flightsPerDay, generateFlightsForDay } from "./flights.js";
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
export type { Random } from "./random.js";
export { hashString, mulberry32, randomFor } from "./random.js";
export type { SeedRoute } from "./routes.js";
export { SEED_ROUTE_COUNT, seedRoutes } from "./routes.js";
export type { SeedInventoryOptions, SeedingHandle, SeedProgress, SeedSummary } from "./seed.js";
export { seedInventory, startSeeding } from "./seed.js";
export { isoInstant, localTimeToUtc, zoneOffsetMinutes } from "./time.js";
