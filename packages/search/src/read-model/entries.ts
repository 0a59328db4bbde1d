import type { VersionedEntry } from "@travel/cache";
import type {
  Cabin,
  FlightOfferRecord,
  HotelRecord,
  InventoryChange,
  RoomNightRecord,
} from "@travel/core";
import { monthOf } from "@travel/core";
import type { FlightFields, HotelFields, NightFields } from "../offers.js";

/**
 * Layout of the inventory read model in the cache's versioned record map.
 *
 * Granularity: one entry per **route × local departure month** for flights (every flight offer of
 * the route leaving in that month, all cabins) and one per **city × month** for hotel nights (plus
 * the city's hotel descriptions). Why a month and not the searched date: a route × date entry is
 * filled by one search and rarely read again (600 routes × 90 days = 54k entries for ~70k flight
 * searches a day), so its warm-up alone would cost as many DynamoDB reads as TTL caching does;
 * route × month gives a few thousand entries that stay warm all day, and a search filters the
 * month in memory.
 *
 * Fields: flights `<offerId>`; nights `n:<hotelId>:<date>`; hotels `h:<hotelId>`; and `~fill`,
 * the time of the entry's last fill. Values are compact tuples (msgpack in the cache).
 * Versions: an item's `version` for flights and nights (so only newer states are applied);
 * the fill time in ms for hotel descriptions and `~fill` (each fill refreshes them).
 */

/** Bump when the layout or the tuples change, so old entries are never read as new. */
const LAYOUT = "v1";

export const FILL_FIELD = "~fill";
const NIGHT_PREFIX = "n:";
const HOTEL_PREFIX = "h:";

// The month of a day is core's (the same partition as aggregates).
export { monthOf };

export function flightEntryKey(origin: string, destination: string, month: string): string {
  return `rm:${LAYOUT}:fl:${origin}-${destination}:${month}`;
}

export function hotelEntryKey(city: string, month: string): string {
  return `rm:${LAYOUT}:ht:${city}:${month}`;
}

export function nightField(hotelId: string, date: string): string {
  return `${NIGHT_PREFIX}${hotelId}:${date}`;
}

export function hotelField(hotelId: string): string {
  return `${HOTEL_PREFIX}${hotelId}`;
}

/** departDate, departAt, arriveAt, minutes, stops, carrier, flight number, cabin, seats, price, currency. */
export type FlightTuple = [
  string,
  string,
  string,
  number,
  number,
  string,
  string,
  Cabin,
  number,
  number,
  string,
];
/** roomsAvailable, priceMinor, currency. */
export type NightTuple = [number, number, string];
/** name, rating, roomType, currency. */
export type HotelTuple = [string, number, string, string];

export function encodeFlight(r: FlightOfferRecord): FlightTuple {
  return [
    r.departDate,
    r.departAt,
    r.arriveAt,
    r.durationMinutes,
    r.stops,
    r.carrier,
    r.flightNumber,
    r.cabin,
    r.seatsAvailable,
    r.priceMinor,
    r.currency,
  ];
}

export interface StoredFlight extends FlightFields {
  departDate: string;
  version: number;
}

export function decodeFlight(
  offerId: string,
  origin: string,
  destination: string,
  t: FlightTuple,
  version: number,
): StoredFlight {
  return {
    offerId,
    origin,
    destination,
    departDate: t[0],
    departAt: t[1],
    arriveAt: t[2],
    durationMinutes: t[3],
    stops: t[4],
    carrier: t[5],
    flightNumber: t[6],
    cabin: t[7],
    seatsAvailable: t[8],
    priceMinor: t[9],
    currency: t[10],
    version,
  };
}

export function encodeNight(r: RoomNightRecord): NightTuple {
  return [r.roomsAvailable, r.priceMinor, r.currency];
}

export function encodeHotel(h: HotelRecord): HotelTuple {
  return [h.name, h.rating, h.roomType, h.currency];
}

/** A hotel entry read back: descriptions by hotel id, nights by hotel id then date. */
export interface HotelEntryContent {
  hotels: Map<string, HotelFields>;
  nights: Map<string, Map<string, NightFields>>;
}

export function decodeHotelEntry(
  city: string,
  records: ReadonlyMap<string, { value: unknown }>,
  into: HotelEntryContent = { hotels: new Map(), nights: new Map() },
): HotelEntryContent {
  for (const [field, { value }] of records) {
    if (field.startsWith(NIGHT_PREFIX)) {
      // hotel ids never contain ":" (htl_<ULID>); the date is the last 10 characters.
      const hotelId = field.slice(NIGHT_PREFIX.length, -11);
      const date = field.slice(-10);
      const [roomsAvailable, priceMinor, currency] = value as NightTuple;
      let byDate = into.nights.get(hotelId);
      if (!byDate) {
        byDate = new Map();
        into.nights.set(hotelId, byDate);
      }
      byDate.set(date, { date, roomsAvailable, priceMinor, currency });
    } else if (field.startsWith(HOTEL_PREFIX)) {
      const hotelId = field.slice(HOTEL_PREFIX.length);
      const [name, rating, roomType, currency] = value as HotelTuple;
      into.hotels.set(hotelId, { hotelId, city, name, rating, roomType, currency });
    }
  }
  return into;
}

/** The writes one change set makes, grouped by entry key (one atomic apply per entry). */
export function entryWrites(changes: readonly InventoryChange[]): Map<string, VersionedEntry[]> {
  const byKey = new Map<string, VersionedEntry[]>();
  const add = (key: string, entry: VersionedEntry) => {
    const list = byKey.get(key);
    if (list) list.push(entry);
    else byKey.set(key, [entry]);
  };
  for (const change of changes) {
    if (change.type === "flightOffer") {
      const r = change.record;
      add(flightEntryKey(r.origin, r.destination, monthOf(r.departDate)), {
        field: r.offerId,
        version: r.version,
        value: encodeFlight(r),
      });
    } else {
      const r = change.record;
      add(hotelEntryKey(r.city, monthOf(r.date)), {
        field: nightField(r.hotelId, r.date),
        version: r.version,
        value: encodeNight(r),
      });
    }
  }
  // Two changes of one item in a batch: the newest version is the one to send (the map keeps
  // the greater anyway; this only avoids sending both).
  for (const [key, list] of byKey) {
    const newest = new Map<string, VersionedEntry>();
    for (const entry of list) {
      const seen = newest.get(entry.field);
      if (!seen || entry.version > seen.version) newest.set(entry.field, entry);
    }
    byKey.set(key, [...newest.values()]);
  }
  return byKey;
}
