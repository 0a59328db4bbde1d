import { z } from "zod";
import { currencySchema } from "./money.js";

const iata = z.string().regex(/^[A-Z]{3}$/);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const instant = z.string().datetime();

export const cabinSchema = z.enum(["economy", "premium_economy", "business", "first"]);
export type Cabin = z.infer<typeof cabinSchema>;

/** A bookable flight in one cabin: the unit of flight inventory. */
export const flightOfferRecordSchema = z.object({
  offerId: z.string(),
  origin: iata,
  destination: iata,
  /** Local departure date at the origin (what travellers search by). */
  departDate: isoDate,
  departAt: instant,
  arriveAt: instant,
  durationMinutes: z.number().int().positive(),
  stops: z.number().int().min(0).max(2),
  carrier: z.string().regex(/^[A-Z0-9]{2}$/),
  flightNumber: z.string(),
  cabin: cabinSchema,
  seatsAvailable: z.number().int().min(0),
  seatsTotal: z.number().int().min(0),
  /** Price per traveller in minor units. */
  priceMinor: z.number().int().min(0),
  currency: currencySchema,
  /** Incremented on every write; read models apply only newer versions. */
  version: z.number().int().min(0),
  updatedAt: instant,
});
export type FlightOfferRecord = z.infer<typeof flightOfferRecordSchema>;

/** A hotel's static description (one room type per hotel record). */
export const hotelRecordSchema = z.object({
  hotelId: z.string(),
  city: iata,
  name: z.string(),
  rating: z.number().min(0).max(5),
  roomType: z.string(),
  currency: currencySchema,
  latitude: z.number(),
  longitude: z.number(),
});
export type HotelRecord = z.infer<typeof hotelRecordSchema>;

/** Rooms and price of one hotel for one night: the unit of hotel inventory. */
export const roomNightRecordSchema = z.object({
  hotelId: z.string(),
  city: iata,
  date: isoDate,
  roomsAvailable: z.number().int().min(0),
  roomsTotal: z.number().int().min(0),
  priceMinor: z.number().int().min(0),
  currency: currencySchema,
  version: z.number().int().min(0),
  updatedAt: instant,
});
export type RoomNightRecord = z.infer<typeof roomNightRecordSchema>;

/**
 * What a key may do (the contract's "Tenants and scopes"): `search`, `book`, `analytics` (its
 * own tenant's figures), `keys` (its own tenant's keys), `inventory` (change offers) and
 * `platform` (every tenant; only the platform operator's keys).
 */
export const apiKeyScopeSchema = z.enum([
  "search",
  "book",
  "analytics",
  "keys",
  "inventory",
  "platform",
]);
export type ApiKeyScope = z.infer<typeof apiKeyScopeSchema>;

/**
 * The v1 scope `admin`, retired: keys made before v2 still carry it in the table and are read as
 * holding `keys` (their own tenant's key management) and nothing more of it.
 */
export const RETIRED_ADMIN_SCOPE = "admin";

/** A stored scope list as the key holds it today: `admin` read as `keys`, unknown names dropped. */
export function effectiveScopes(stored: Iterable<string>): ApiKeyScope[] {
  const scopes = new Set<ApiKeyScope>();
  for (const name of stored) {
    if (name === RETIRED_ADMIN_SCOPE) scopes.add("keys");
    else if (apiKeyScopeSchema.safeParse(name).success) scopes.add(name as ApiKeyScope);
  }
  return [...scopes].sort();
}

export const apiKeyRecordSchema = z.object({
  keyId: z.string(),
  /** SHA-256 (hex) of the plain key; the plain key is never stored. */
  keyHash: z.string().regex(/^[0-9a-f]{64}$/),
  tenantId: z.string(),
  name: z.string(),
  scopes: z.array(apiKeyScopeSchema),
  /** Requests per minute allowed for this key. */
  rateLimitPerMinute: z.number().int().positive(),
  createdAt: instant,
  revokedAt: instant.optional(),
});
export type ApiKeyRecord = z.infer<typeof apiKeyRecordSchema>;

/**
 * One search as analytics sees it (no PII). Expires via TTL. Every field is bounded, so a batch
 * item of `MAX_SEARCH_EVENTS_PER_BATCH` searches always fits DynamoDB's item limit and the
 * readers' inflate cap (tested with the longest valid fields).
 */
export const searchEventRecordSchema = z.object({
  searchId: z.string().min(1).max(64),
  /** Tenant ids are 1–64 characters (API keys). */
  tenantId: z.string().min(1).max(64),
  kind: z.enum(["flight", "hotel"]),
  /** "JFK-LAX" for flights, the city code for hotels. */
  route: z.string().min(1).max(16),
  /** Day the search happened (UTC), what analytics aggregates by. */
  day: isoDate,
  cacheStatus: z.enum(["hit", "miss", "stale"]),
  resultCount: z.number().int().min(0).max(1_000_000),
  createdAt: instant.max(40),
});
export type SearchEventRecord = z.infer<typeof searchEventRecordSchema>;

/**
 * One inventory item's state after a write (version included). Write paths (admin updates,
 * bookings, cancellations) publish these synchronously so caches and read models can apply
 * them before the write is acknowledged; the change stream consumer publishes the same shape
 * as the backstop for every other writer.
 */
export type InventoryChange =
  | { type: "flightOffer"; record: FlightOfferRecord }
  | { type: "roomNight"; record: RoomNightRecord };

export interface InventoryChangeListener {
  inventoryChanged(changes: readonly InventoryChange[]): Promise<void>;
}
