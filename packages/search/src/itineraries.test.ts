import { parseOfferId } from "@travel/core";
import { describe, expect, it } from "vitest";
import { composeSlices, connects, itineraryOffer, type Leg, priceFor } from "./itineraries.js";

const leg = (
  id: string,
  origin: string,
  destination: string,
  departAt: string,
  minutes: number,
  amount = "100.00",
): Leg => ({
  id,
  type: "flight",
  origin,
  destination,
  departAt,
  arriveAt: new Date(Date.parse(departAt) + minutes * 60_000).toISOString(),
  durationMinutes: minutes,
  stops: 0,
  carrier: "AA",
  flightNumber: "AA1",
  cabin: "economy",
  seatsAvailable: 5,
  price: { amount, currency: "USD" },
  pricedAt: "2030-01-01T00:00:00.000Z",
  expiresAt: "2030-01-01T00:15:00.000Z",
});

const A = "off_01JD8X3Z5K7M9P1Q3R5T7V9XA1";
const B = "off_01JD8X3Z5K7M9P1Q3R5T7V9XB2";
const C = "off_01JD8X3Z5K7M9P1Q3R5T7V9XC3";

describe("connections", () => {
  const first = leg(A, "BOS", "ORD", "2030-02-01T10:00:00.000Z", 120); // arrives 12:00
  it("needs 45 min domestic, 60 min international, at most 8 h, at the same airport", () => {
    expect(connects(first, leg(B, "ORD", "LAX", "2030-02-01T12:44:00.000Z", 240))).toBe(false);
    expect(connects(first, leg(B, "ORD", "LAX", "2030-02-01T12:45:00.000Z", 240))).toBe(true);
    expect(connects(first, leg(B, "ORD", "LHR", "2030-02-01T12:59:00.000Z", 480))).toBe(false);
    expect(connects(first, leg(B, "ORD", "LHR", "2030-02-01T13:00:00.000Z", 480))).toBe(true);
    expect(connects(first, leg(B, "ORD", "LAX", "2030-02-01T20:00:00.000Z", 240))).toBe(true);
    expect(connects(first, leg(B, "ORD", "LAX", "2030-02-01T20:01:00.000Z", 240))).toBe(false);
    expect(connects(first, leg(B, "MDW", "LAX", "2030-02-01T14:00:00.000Z", 240))).toBe(false);
  });

  it("composes nonstops and valid one-stop slices only", () => {
    const direct = leg(C, "BOS", "LAX", "2030-02-01T09:00:00.000Z", 360);
    const slices = composeSlices(
      [direct],
      [first],
      [
        leg(B, "ORD", "LAX", "2030-02-01T13:00:00.000Z", 240),
        leg(C, "ORD", "LAX", "2030-02-01T12:10:00.000Z", 240),
      ],
    );
    expect(slices.map((s) => s.map((l) => l.id))).toEqual([[C], [A, B]]);
  });
});

describe("itinerary offers", () => {
  it("prices passengers half-up: children 75 %, infants 10 %", () => {
    const priced = priceFor(
      { amount: "100.01", currency: "USD" },
      { adults: 2, children: 1, infants: 1 },
    );
    expect(priced.fareBreakdown).toEqual([
      { type: "adult", count: 2, amount: { amount: "100.01", currency: "USD" } },
      { type: "child", count: 1, amount: { amount: "75.01", currency: "USD" } },
      { type: "infant", count: 1, amount: { amount: "10.00", currency: "USD" } },
    ]);
    expect(priced.totalPrice).toEqual({ amount: "285.03", currency: "USD" });
  });

  it("keeps a one-way adults-only nonstop's own id; anything else gets an id that names its legs", () => {
    const out = leg(A, "BOS", "ORD", "2030-02-01T10:00:00.000Z", 120, "120.50");
    const back = leg(B, "ORD", "BOS", "2030-02-03T10:00:00.000Z", 120, "99.50");
    expect(itineraryOffer([[out]], { adults: 3, children: 0, infants: 0 })?.id).toBe(A);
    const trip = itineraryOffer([[out], [back]], { adults: 1, children: 1, infants: 0 });
    expect(trip?.price).toEqual({ amount: "220.00", currency: "USD" });
    expect(trip?.slices?.map((s) => s.segments.map((g) => g.offerId))).toEqual([[A], [B]]);
    const parsed = parseOfferId(trip?.id ?? "");
    expect(parsed).toEqual({
      type: "itinerary",
      offerId: trip?.id,
      itinerary: {
        slices: [[A], [B]],
        passengers: { adults: 1, children: 1, infants: 0 },
        firstDepartureDate: "2030-02-01",
      },
    });
    expect(parseOfferId((trip?.id ?? "").slice(0, -4))).toBeUndefined();
  });
});
