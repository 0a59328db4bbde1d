import {
  addDays,
  InvalidMoneyError,
  type InventoryChange,
  type InventoryRepository,
  parseOfferId,
  type RoomNightRecord,
  toMinor,
} from "@travel/core";
import { daysBetween } from "./clock.js";
import { OfferNotFoundError, SearchValidationError } from "./errors.js";
import {
  DEFAULT_OFFER_VALIDITY_SECONDS,
  flightOfferFromRecord,
  hotelOfferFromStay,
  type Offer,
  type OfferUpdate,
  offerUpdateSchema,
} from "./offers.js";
import { MAX_NIGHTS, parseOrThrow } from "./query.js";
import { assembleStay } from "./suppliers/stays.js";

/** The reads and admin writes `updateOffer` needs from core's inventory repository. */
export type InventoryAdminStore = Pick<
  InventoryRepository,
  | "getFlightOffer"
  | "updateFlightOffer"
  | "getHotel"
  | "getNights"
  | "assertRoomsFit"
  | "updateRoomNight"
>;

export interface OfferUpdateResult {
  /**
   * The offer re-priced from the records the write returned; `undefined` when a night vanished
   * between read and write (the stay no longer exists; `changes` still lists what was written).
   */
  offer: Offer | undefined;
  /** The items' new state, for caches and read models. */
  changes: InventoryChange[];
}

/**
 * Admin updates of our own inventory. A flight offer is one item (price per traveller, seats).
 * A hotel offer is a stay over several nights, so:
 * - `roomsAvailable` is set on every night of the stay;
 * - `price` is the whole-stay price per room (what the offer shows) and is spread over the
 *   nights in exact minor units: each night gets `floor(total / nights)`, the first
 *   `total mod nights` nights one minor unit more, so the nights add up to exactly `price`.
 *   Other stays sharing those nights see the new nightly prices.
 * Everything the update could be refused for (currency, amount, totals, rooms held on any night)
 * is checked before the first night is written, so a refused update writes nothing. The nights
 * are then written one by one (each atomically, version bumped); a booking racing in between, or
 * a crash midway, can still leave the earlier nights updated: repeating the request converges.
 */
export async function updateInventoryOffer(
  inventory: InventoryAdminStore,
  offerId: string,
  input: OfferUpdate,
  now: Date,
  validitySeconds = DEFAULT_OFFER_VALIDITY_SECONDS,
): Promise<OfferUpdateResult> {
  const update = parseOrThrow(offerUpdateSchema, input);
  const parsed = parseOfferId(offerId);
  // An itinerary is changed through its legs' own offers (each segment's `offerId`).
  if (!parsed || parsed.type === "itinerary") throw new OfferNotFoundError(offerId);

  if (parsed.type === "flight") {
    if (update.roomsAvailable !== undefined) {
      invalid("roomsAvailable", "applies to hotel offers only; use seatsAvailable");
    }
    const current = await inventory.getFlightOffer(offerId);
    if (!current) throw new OfferNotFoundError(offerId);
    const priceMinor = update.price ? minorIn(update.price, current.currency) : undefined;
    if (update.seatsAvailable !== undefined && update.seatsAvailable > current.seatsTotal) {
      invalid("seatsAvailable", `must not exceed the flight's ${current.seatsTotal} seats`);
    }
    const updated = await inventory.updateFlightOffer(
      offerId,
      {
        ...(priceMinor !== undefined ? { priceMinor } : {}),
        ...(update.seatsAvailable !== undefined ? { seatsAvailable: update.seatsAvailable } : {}),
      },
      now,
    );
    if (!updated) throw new OfferNotFoundError(offerId);
    return {
      offer: flightOfferFromRecord(updated, now, validitySeconds),
      changes: [{ type: "flightOffer", record: updated }],
    };
  }

  if (update.seatsAvailable !== undefined) {
    invalid("seatsAvailable", "applies to flight offers only; use roomsAvailable");
  }
  const nightCount = daysBetween(parsed.checkIn, parsed.checkOut);
  if (nightCount < 1 || nightCount > MAX_NIGHTS) throw new OfferNotFoundError(offerId);
  const [hotel, nights] = await Promise.all([
    inventory.getHotel(parsed.hotelId),
    inventory.getNights(parsed.hotelId, parsed.checkIn, addDays(parsed.checkOut, -1)),
  ]);
  if (!hotel) throw new OfferNotFoundError(offerId);
  const stay = assembleStay(
    hotel,
    parsed.checkIn,
    parsed.checkOut,
    new Map(nights.map((n) => [n.date, n])),
  );
  if (!stay) throw new OfferNotFoundError(offerId);

  const nightly = update.price
    ? spread(minorIn(update.price, hotel.currency), stay.nights.length)
    : undefined;
  if (update.roomsAvailable !== undefined) {
    const smallest = Math.min(...stay.nights.map((n) => n.roomsTotal));
    if (update.roomsAvailable > smallest) {
      invalid("roomsAvailable", `must not exceed ${smallest}, the hotel's rooms on some night`);
    }
    // All or nothing: every night is checked against its held rooms before any is written.
    await inventory.assertRoomsFit(
      stay.nights.map((n) => ({ hotelId: n.hotelId, date: n.date })),
      update.roomsAvailable,
    );
  }
  const updated = await Promise.all(
    stay.nights.map((night, i) =>
      inventory.updateRoomNight(
        { hotelId: night.hotelId, date: night.date },
        {
          ...(nightly ? { priceMinor: nightly[i] } : {}),
          ...(update.roomsAvailable !== undefined ? { roomsAvailable: update.roomsAvailable } : {}),
        },
        now,
      ),
    ),
  );
  const written = updated.filter((n): n is RoomNightRecord => n !== undefined);
  const changes: InventoryChange[] = written.map((record) => ({ type: "roomNight", record }));
  if (written.length !== stay.nights.length) return { offer: undefined, changes };
  return { offer: hotelOfferFromStay({ ...stay, nights: written }, now, validitySeconds), changes };
}

function minorIn(price: { amount: string; currency: string }, currency: string): number {
  if (price.currency !== currency)
    invalid("price.currency", `must be ${currency}, the offer's currency`);
  try {
    return toMinor(price).minor;
  } catch (error) {
    if (error instanceof InvalidMoneyError) invalid("price.amount", error.message);
    throw error;
  }
}

/** `total` minor units over `parts` nights, exactly: the remainder goes to the first nights. */
export function spread(total: number, parts: number): number[] {
  const base = Math.floor(total / parts);
  const remainder = total - base * parts;
  return Array.from({ length: parts }, (_, i) => base + (i < remainder ? 1 : 0));
}

function invalid(path: string, message: string): never {
  throw new SearchValidationError("The update is not valid for this offer.", [{ path, message }]);
}
