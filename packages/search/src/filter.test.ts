import { describe, expect, it } from "vitest";
import { filterFlights, filterHotels } from "./filter.js";
import type { FlightOffer, HotelOffer } from "./offers.js";

const now = new Date("2026-07-01T10:00:00Z");
function flight(id: string, patch: Partial<FlightOffer>): FlightOffer {
  return {
    id,
    type: "flight",
    origin: "JFK",
    destination: "LAX",
    departAt: "2026-07-01T12:00:00Z",
    arriveAt: "2026-07-01T18:00:00Z",
    durationMinutes: 360,
    stops: 0,
    carrier: "AA",
    flightNumber: "AA1",
    cabin: "economy",
    seatsAvailable: 5,
    price: { amount: "100.00", currency: "USD" },
    pricedAt: now.toISOString(),
    expiresAt: now.toISOString(),
    ...patch,
  };
}
const ids = (list: { id: string }[]) => list.map((o) => o.id);

describe("filterFlights", () => {
  const offers = [
    flight("two-seats", { seatsAvailable: 2 }),
    flight("sold-out", { seatsAvailable: 0 }),
    flight("one-stop", { stops: 1, carrier: "DL" }),
    flight("pricey", { price: { amount: "450.01", currency: "USD" } }),
    flight("yen", { price: { amount: "45000", currency: "JPY" } }),
    flight("departed", { departAt: "2026-07-01T09:59:59Z" }),
  ];

  it("keeps only offers with a seat for every traveller and not yet departed", () => {
    expect(ids(filterFlights(offers, { adults: 1 }, now))).toEqual([
      "two-seats",
      "one-stop",
      "pricey",
      "yen",
    ]);
    expect(ids(filterFlights(offers, { adults: 3 }, now))).toEqual(["one-stop", "pricey", "yen"]);
  });

  it("applies stops, carriers and the per-traveller price limit exactly", () => {
    expect(ids(filterFlights(offers, { adults: 1, maxStops: 0, carriers: ["DL"] }, now))).toEqual(
      [],
    );
    expect(ids(filterFlights(offers, { adults: 1, carriers: ["DL"] }, now))).toEqual(["one-stop"]);
    expect(ids(filterFlights(offers, { adults: 1, maxPrice: "450" }, now))).toEqual([
      "two-seats",
      "one-stop",
    ]);
    expect(ids(filterFlights(offers, { adults: 1, maxPrice: "450.01" }, now))).toContain("pricey");
  });
});

describe("filterHotels", () => {
  const hotel = (id: string, rooms: number, amount: string): HotelOffer => ({
    id,
    type: "hotel",
    hotelId: id,
    name: id,
    city: "LAX",
    rating: 4,
    roomType: "Double",
    checkIn: "2026-07-02",
    checkOut: "2026-07-04",
    nights: 2,
    roomsAvailable: rooms,
    price: { amount, currency: "USD" },
    pricedAt: now.toISOString(),
    expiresAt: now.toISOString(),
  });
  const offers = [hotel("full", 0, "100"), hotel("one", 1, "100"), hotel("three", 3, "300.50")];

  it("needs `rooms` rooms on every night and the whole-stay price under the limit", () => {
    expect(ids(filterHotels(offers, { rooms: 1 }))).toEqual(["one", "three"]);
    expect(ids(filterHotels(offers, { rooms: 2 }))).toEqual(["three"]);
    expect(ids(filterHotels(offers, { rooms: 1, maxPrice: "300.49" }))).toEqual(["one"]);
  });
});
