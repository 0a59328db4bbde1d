import { describe, expect, it } from "vitest";
import type { FlightOffer, HotelOffer } from "./offers.js";
import { rankFlights, rankHotels } from "./rank.js";

function flight(id: string, amount: string, minutes: number, departAt: string): FlightOffer {
  return {
    id,
    type: "flight",
    origin: "JFK",
    destination: "LAX",
    departAt,
    arriveAt: departAt,
    durationMinutes: minutes,
    stops: 0,
    carrier: "AA",
    flightNumber: "AA1",
    cabin: "economy",
    seatsAvailable: 5,
    price: { amount, currency: "USD" },
    pricedAt: departAt,
    expiresAt: departAt,
  };
}

function hotel(id: string, amount: string, rating: number): HotelOffer {
  return {
    id,
    type: "hotel",
    hotelId: `htl_${id}`,
    name: id,
    city: "LAX",
    rating,
    roomType: "Double",
    checkIn: "2026-07-01",
    checkOut: "2026-07-02",
    nights: 1,
    roomsAvailable: 3,
    price: { amount, currency: "USD" },
    pricedAt: "2026-06-15T12:00:00Z",
    expiresAt: "2026-06-15T12:15:00Z",
  };
}

const offers = [
  flight("off_d", "300.00", 330, "2026-07-01T14:00:00Z"),
  flight("off_b", "99.90", 360, "2026-07-01T09:00:00Z"),
  flight("off_a", "99.9", 360, "2026-07-01T09:00:00.000Z"), // same as b except id
  flight("off_c", "1000.00", 300, "2026-07-01T06:00:00Z"),
  flight("off_e", "99.90", 320, "2026-07-01T20:00:00Z"),
];
const ids = (list: { id: string }[]) => list.map((o) => o.id);

describe("rankFlights", () => {
  it("sorts by exact price (not string order), then duration, departure, id", () => {
    expect(ids(rankFlights(offers, "price"))).toEqual([
      "off_e",
      "off_a",
      "off_b",
      "off_d",
      "off_c",
    ]);
  });

  it("sorts by duration, then price", () => {
    expect(ids(rankFlights(offers, "duration"))).toEqual([
      "off_c",
      "off_e",
      "off_d",
      "off_a",
      "off_b",
    ]);
  });

  it("sorts by departure instant whatever the fractional-second format", () => {
    expect(ids(rankFlights(offers, "departure"))).toEqual([
      "off_c",
      "off_a",
      "off_b",
      "off_d",
      "off_e",
    ]);
  });

  it("gives one order for every input order and never mutates its input", () => {
    const copy = structuredClone(offers);
    const expected = ids(rankFlights(offers, "price"));
    for (const shuffled of [
      [...offers].reverse(),
      [offers[2], offers[0], offers[4], offers[1], offers[3]],
    ]) {
      expect(ids(rankFlights(shuffled as FlightOffer[], "price"))).toEqual(expected);
    }
    expect(offers).toEqual(copy);
  });
});

describe("rankHotels", () => {
  const hotels = [
    hotel("h1", "200.00", 4),
    hotel("h2", "150.00", 3),
    hotel("h3", "150", 4.5),
    hotel("h0", "200.00", 4),
  ];
  it("sorts by price, best rating first among equal prices, then id", () => {
    expect(ids(rankHotels(hotels, "price"))).toEqual(["h3", "h2", "h0", "h1"]);
  });
  it("sorts by rating descending, then price", () => {
    expect(ids(rankHotels(hotels, "rating"))).toEqual(["h3", "h0", "h1", "h2"]);
    expect(ids(rankHotels([...hotels].reverse(), "rating"))).toEqual(["h3", "h0", "h1", "h2"]);
  });
});
