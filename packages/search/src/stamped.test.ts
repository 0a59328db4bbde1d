import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { amountMilli } from "./money.js";
import {
  type FlightOffer,
  flightOfferStamper,
  type SearchMeta,
  unpricedFlightOffer,
} from "./offers.js";
import { departsOf, priceMilliOf, searchResponseJson } from "./stamped.js";

const meta: SearchMeta = {
  searchId: "srch_01JD8X3Z5K7M9P1Q3R5T7V9X1Z",
  count: 1,
  total: 1,
  nextCursor: null,
  cache: { status: "hit", ageSeconds: 3, ttlSeconds: 3600 },
  suppliers: { missing: [] },
};

const instant = fc
  .integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2028, 0, 1) })
  .map((ms) => new Date(ms));
// Text with quotes, backslashes, control and non-ASCII characters: escaping must match.
const text = fc.string({ unit: "binary", maxLength: 12 });

const record = fc.record({
  offerId: text.map((s) => `off_${s}`),
  origin: text,
  destination: text,
  departAt: instant.map((d) => d.toISOString()),
  arriveAt: instant.map((d) => d.toISOString()),
  durationMinutes: fc.integer({ min: 1, max: 2000 }),
  stops: fc.integer({ min: 0, max: 2 }),
  carrier: text,
  flightNumber: text,
  cabin: fc.constantFrom("economy", "premium_economy", "business", "first") as fc.Arbitrary<
    FlightOffer["cabin"]
  >,
  seatsAvailable: fc.integer({ min: 0, max: 500 }),
  priceMinor: fc.integer({ min: 0, max: 10_000_000 }),
  currency: fc.constantFrom("USD", "EUR", "JPY", "KWD"),
});

/** Changes a caller could make to an offer it was given. */
const mutation = fc.constantFrom<(o: FlightOffer) => void>(
  (o) => {
    o.price.amount = "1.5";
  },
  (o) => {
    o.price = { amount: "2", currency: "EUR" };
  },
  (o) => {
    o.seatsAvailable += 1;
  },
  (o) => {
    o.carrier = 'Q"\\\n';
  },
  (o) => {
    o.departAt = "2026-06-01T10:00:00.000Z";
  },
  (o) => {
    (o as unknown as Record<string, unknown>).note = "added";
  },
  (o) => {
    delete (o as Partial<FlightOffer>).stops;
  },
  (o) => {
    (o.price as unknown as Record<string, unknown>).tax = "0.10";
  },
  (o) => {
    o.pricedAt = "later";
  },
);

describe("searchResponseJson", () => {
  it("writes exactly what JSON.stringify writes for stamped offers, built JSON reused", () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 8 }), instant, (records, now) => {
        const built = records.map(unpricedFlightOffer);
        const stamp = flightOfferStamper(now);
        const response = { data: built.map(stamp), meta };
        const first = searchResponseJson(response);
        expect(first).toBe(JSON.stringify(response));
        // Second answer, later: same built offers (their JSON now written), new clock fields.
        const later = {
          data: built.map(flightOfferStamper(new Date(now.getTime() + 61_000))),
          meta,
        };
        expect(searchResponseJson(later)).toBe(JSON.stringify(later));
        // Offers stamped at different instants in one answer: each keeps its own clock fields.
        const laterStamp = flightOfferStamper(new Date(now.getTime() + 1));
        const mixed = { data: built.map((o, i) => (i % 2 ? laterStamp : stamp)(o)), meta };
        expect(searchResponseJson(mixed)).toBe(JSON.stringify(mixed));
      }),
    );
  });

  it("writes an offer a caller changed as it is now, never from the stale built JSON", () => {
    fc.assert(
      fc.property(
        fc.array(record, { minLength: 1, maxLength: 5 }),
        fc.nat(),
        mutation,
        instant,
        (records, pick, mutate, now) => {
          const built = records.map(unpricedFlightOffer);
          const stamp = flightOfferStamper(now);
          searchResponseJson({ data: built.map(stamp), meta }); // builds each offer's JSON
          const data = built.map(stamp);
          mutate(data[pick % data.length] as FlightOffer);
          const response = { data, meta };
          expect(JSON.parse(searchResponseJson(response))).toEqual(
            JSON.parse(JSON.stringify(response)),
          );
        },
      ),
    );
  });

  it("writes plain offers (cache-aside suppliers, hotels) with JSON.stringify", () => {
    const plain = { ...flightOfferStamper(new Date())(unpricedFlightOffer(sample())) };
    const response = {
      data: [plain, { id: "off_h", type: "hotel", name: "Ünïcode \u2028" }],
      meta,
    };
    expect(searchResponseJson(response)).toBe(JSON.stringify(response));
  });
});

describe("departsOf / priceMilliOf", () => {
  const keysOf = (o: FlightOffer) => ({ departs: departsOf(o), milli: priceMilliOf(o) });
  it("reads departure and price from the built offer, or parses them when changed", () => {
    const offer = flightOfferStamper(new Date())(unpricedFlightOffer(sample()));
    expect(keysOf(offer)).toEqual({
      departs: Date.parse(offer.departAt),
      milli: amountMilli(offer.price),
    });
    offer.price.amount = "99.5";
    offer.departAt = "2027-01-02T03:04:05.000Z";
    expect(keysOf(offer)).toEqual({ departs: Date.UTC(2027, 0, 2, 3, 4, 5), milli: 99_500 });
    expect(priceMilliOf({ ...offer, price: { amount: "7", currency: "JPY" } })).toBe(7000);
  });
});

function sample() {
  return {
    offerId: "off_1",
    origin: "JFK",
    destination: "LAX",
    departAt: "2027-03-01T10:00:00.000Z",
    arriveAt: "2027-03-01T16:00:00.000Z",
    durationMinutes: 360,
    stops: 0,
    carrier: "AA",
    flightNumber: "AA1",
    cabin: "economy" as const,
    seatsAvailable: 4,
    priceMinor: 19_999,
    currency: "USD",
  };
}
