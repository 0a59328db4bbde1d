import {
  cabinSchema,
  cityCodeOf,
  type FlightOfferRecord,
  fromMinor,
  type HotelRecord,
  moneySchema,
  type RoomNightRecord,
} from "@travel/core";
import { z } from "zod";

/** An ISO instant; every field gets its own example, so departure, arrival and pricing differ. */
const instant = (example: string, description?: string) =>
  z.iso.datetime().meta(description ? { example, description } : { example });
const iata = z.string().regex(/^[A-Z]{3}$/);
const isoDate = z.iso.date();

/** How long a quoted price stays valid unless departure / check-in comes first. */
export const DEFAULT_OFFER_VALIDITY_SECONDS = 15 * 60;

const segmentSchema = z
  .object({
    offerId: z.string().meta({
      description: "This flight's own inventory offer (what PATCH /v1/admin/offers changes)",
      example: "off_01JD8X3Z5K7M9P1Q3R5T7V9X2A",
    }),
    carrier: z.string().meta({ example: "BA" }),
    flightNumber: z.string().meta({ example: "BA178" }),
    origin: iata,
    destination: iata,
    departAt: instant("2027-01-15T21:55:00Z"),
    arriveAt: instant("2027-01-16T04:50:00Z"),
    durationMinutes: z.int().positive(),
  })
  .meta({ id: "Segment" });

const sliceSchema = z
  .object({
    origin: iata,
    destination: iata,
    departAt: instant("2027-01-15T22:30:00Z"),
    arriveAt: instant("2027-01-16T05:35:00Z"),
    durationMinutes: z.int().positive(),
    segments: z.array(segmentSchema).min(1),
  })
  .meta({ id: "Slice" });

const passengersSchema = z.object({
  adults: z.int().min(1).max(9),
  children: z.int().min(0).max(8),
  infants: z.int().min(0).max(9),
});

export const flightOfferSchema = z
  .object({
    id: z.string().meta({ example: "off_01JD8X3Z5K7M9P1Q3R5T7V9X1Z" }),
    type: z.literal("flight"),
    origin: iata,
    destination: iata,
    departAt: instant("2027-01-15T13:05:00Z"),
    arriveAt: instant("2027-01-15T19:20:00Z"),
    durationMinutes: z.int().positive(),
    stops: z.int().min(0).max(2),
    carrier: z.string().meta({ example: "AA" }),
    flightNumber: z.string().meta({ example: "AA100" }),
    cabin: cabinSchema,
    seatsAvailable: z.int().min(0),
    price: moneySchema.meta({ description: "Price per traveller" }),
    pricedAt: instant("2026-12-08T09:30:12Z", "When this price was read from its source"),
    expiresAt: instant("2026-12-08T09:45:12Z", "Re-price (GET /v1/offers/{id}) after this instant"),
    // v2: present on every search and offer answer (optional for supplier-level legs).
    slices: z
      .array(sliceSchema)
      .min(1)
      .max(2)
      .optional()
      .meta({ description: "One slice one way, two for a round trip" }),
    passengers: passengersSchema.optional(),
    totalPrice: moneySchema.optional().meta({ description: "All passengers, all slices" }),
    fareBreakdown: z
      .array(
        z.object({
          type: z.enum(["adult", "child", "infant"]),
          count: z.int().min(1),
          amount: moneySchema.meta({ description: "Per passenger of this type" }),
        }),
      )
      .optional(),
  })
  .meta({ id: "FlightOffer" });
export type FlightOffer = z.infer<typeof flightOfferSchema>;

export const hotelOfferSchema = z
  .object({
    id: z.string(),
    type: z.literal("hotel"),
    hotelId: z.string(),
    name: z.string(),
    city: iata,
    rating: z.number().min(0).max(5),
    roomType: z.string(),
    checkIn: isoDate,
    checkOut: isoDate,
    nights: z.int().min(1),
    roomsAvailable: z.int().min(0).meta({ description: "Fewest rooms free on any night" }),
    price: moneySchema.meta({ description: "Whole stay, per room" }),
    pricedAt: instant("2026-12-08T09:31:40Z"),
    expiresAt: instant("2026-12-08T09:46:40Z"),
  })
  .meta({ id: "HotelOffer" });
export type HotelOffer = z.infer<typeof hotelOfferSchema>;

export const offerSchema = z
  .discriminatedUnion("type", [flightOfferSchema, hotelOfferSchema])
  .meta({ id: "Offer" });
export type Offer = FlightOffer | HotelOffer;

export const cacheInfoSchema = z.object({
  status: z.enum(["hit", "miss", "stale"]),
  ageSeconds: z.int().min(0),
  ttlSeconds: z.int().min(0),
});
export type CacheInfo = z.infer<typeof cacheInfoSchema>;

export const searchMetaSchema = z
  .object({
    searchId: z.string().meta({ example: "srch_01JD8X3Z5K7M9P1Q3R5T7V9X1Z" }),
    count: z.int().min(0).meta({ description: "Offers in this page" }),
    total: z.int().min(0).meta({ description: "Offers matching the query across all pages" }),
    nextCursor: z.string().nullable(),
    inventoryHorizon: isoDate.meta({
      description:
        "Last date with published inventory; a search with a date past it answers an empty page",
      example: "2027-01-06",
    }),
    cache: cacheInfoSchema,
    suppliers: z.object({
      missing: z
        .array(z.string())
        .meta({ description: "Offer sources that failed or timed out; results may be partial" }),
    }),
  })
  .meta({ id: "SearchMeta" });
export type SearchMeta = z.infer<typeof searchMetaSchema>;

export const flightSearchResponseSchema = z
  .object({ data: z.array(flightOfferSchema), meta: searchMetaSchema })
  .meta({ id: "FlightSearchResponse" });
export type FlightSearchResponse = z.infer<typeof flightSearchResponseSchema>;

export const hotelSearchResponseSchema = z
  .object({ data: z.array(hotelOfferSchema), meta: searchMetaSchema })
  .meta({ id: "HotelSearchResponse" });
export type HotelSearchResponse = z.infer<typeof hotelSearchResponseSchema>;

/** Body of `PATCH /v1/admin/offers/{offerId}`. */
export const offerUpdateSchema = z
  .object({
    price: moneySchema
      .optional()
      .meta({ description: "Flights: per traveller. Hotels: whole stay per room." }),
    seatsAvailable: z.int().min(0).max(10_000).optional().meta({ description: "Flights only" }),
    roomsAvailable: z
      .int()
      .min(0)
      .max(10_000)
      .optional()
      .meta({ description: "Hotels only; applied to every night of the stay" }),
  })
  .strict()
  .refine(
    (body) =>
      body.price !== undefined ||
      body.seatsAvailable !== undefined ||
      body.roomsAvailable !== undefined,
    { message: "must change at least one of price, seatsAvailable, roomsAvailable" },
  )
  .meta({ id: "OfferUpdate" });
export type OfferUpdate = z.infer<typeof offerUpdateSchema>;

function validUntil(pricedAt: Date, limit: Date, validitySeconds: number): Date {
  const byValidity = pricedAt.getTime() + validitySeconds * 1000;
  return new Date(Math.min(byValidity, limit.getTime()));
}

/** What a FlightOffer is built from (a stored record, or the read model's compact copy). */
export type FlightFields = Pick<
  FlightOfferRecord,
  | "offerId"
  | "origin"
  | "destination"
  | "departAt"
  | "arriveAt"
  | "durationMinutes"
  | "stops"
  | "carrier"
  | "flightNumber"
  | "cabin"
  | "seatsAvailable"
  | "priceMinor"
  | "currency"
>;

/** What a hotel offer shows of a hotel. */
export type HotelFields = Pick<
  HotelRecord,
  "hotelId" | "city" | "name" | "rating" | "roomType" | "currency"
>;

/** What a hotel offer needs of one night. */
export type NightFields = Pick<
  RoomNightRecord,
  "date" | "roomsAvailable" | "priceMinor" | "currency"
>;

/** A FlightOffer without its clock-dependent fields, built once and stamped per answer. */
export interface UnpricedFlightOffer {
  offer: Omit<FlightOffer, "pricedAt" | "expiresAt">;
  /** Departure instant of `offer`, parsed. */
  departAtMs: number;
}

export function unpricedFlightOffer(record: FlightFields): UnpricedFlightOffer {
  return {
    offer: {
      id: record.offerId,
      type: "flight",
      origin: record.origin,
      destination: record.destination,
      departAt: record.departAt,
      arriveAt: record.arriveAt,
      durationMinutes: record.durationMinutes,
      stops: record.stops,
      carrier: record.carrier,
      flightNumber: record.flightNumber,
      cabin: record.cabin,
      seatsAvailable: record.seatsAvailable,
      price: fromMinor(record.priceMinor, record.currency),
    },
    departAtMs: Date.parse(record.departAt),
  };
}

/**
 * Prices offers at `now`: valid for `validitySeconds`, never past departure. Each answer gets
 * its own copies (price included), so a caller may change its offers without touching others'.
 */
export function flightOfferStamper(
  now: Date,
  validitySeconds = DEFAULT_OFFER_VALIDITY_SECONDS,
): (unpriced: UnpricedFlightOffer) => FlightOffer {
  const pricedAt = now.toISOString();
  const byValidity = now.getTime() + validitySeconds * 1000;
  const byValidityIso = new Date(byValidity).toISOString();
  return ({ offer, departAtMs }) => ({
    ...offer,
    price: { ...offer.price },
    pricedAt,
    expiresAt: departAtMs < byValidity ? new Date(departAtMs).toISOString() : byValidityIso,
  });
}

/** A stored flight as the contract's FlightOffer, priced at `now`. */
export function flightOfferFromRecord(
  record: FlightFields,
  now: Date,
  validitySeconds = DEFAULT_OFFER_VALIDITY_SECONDS,
): FlightOffer {
  return flightOfferStamper(now, validitySeconds)(unpricedFlightOffer(record));
}

export interface HotelStay<
  H extends HotelFields = HotelRecord,
  N extends NightFields = RoomNightRecord,
> {
  hotel: H;
  checkIn: string;
  checkOut: string;
  /** Exactly one record per night, checkIn … checkOut − 1, in date order. */
  nights: readonly N[];
  offerId: string;
  /** When the check-in day begins at the hotel (UTC); the offer never outlives it by more than a day. */
  checkInDayEnds: Date;
}

/**
 * A hotel stay as the contract's HotelOffer: price is the exact sum of the nights' prices
 * (integer minor units, one room), rooms the fewest free on any night.
 */
export function hotelOfferFromStay(
  stay: HotelStay<HotelFields, NightFields>,
  now: Date,
  validitySeconds = DEFAULT_OFFER_VALIDITY_SECONDS,
): HotelOffer {
  let totalMinor = 0;
  let rooms = Number.POSITIVE_INFINITY;
  for (const night of stay.nights) {
    totalMinor += night.priceMinor;
    rooms = Math.min(rooms, night.roomsAvailable);
  }
  return {
    id: stay.offerId,
    type: "hotel",
    hotelId: stay.hotel.hotelId,
    name: stay.hotel.name,
    city: cityCodeOf(stay.hotel.city) ?? stay.hotel.city,
    rating: stay.hotel.rating,
    roomType: stay.hotel.roomType,
    checkIn: stay.checkIn,
    checkOut: stay.checkOut,
    nights: stay.nights.length,
    roomsAvailable: Number.isFinite(rooms) ? rooms : 0,
    price: fromMinor(totalMinor, stay.hotel.currency),
    pricedAt: now.toISOString(),
    expiresAt: validUntil(now, stay.checkInDayEnds, validitySeconds).toISOString(),
  };
}
