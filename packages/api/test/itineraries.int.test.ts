import { findAirport, findPlace } from "@travel/core";
import { seedRoutes } from "@travel/core/seed";
import { createRouteNetwork } from "@travel/search";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dayFromToday, loadSeededFlights } from "./fixtures.js";
import { startTestApp, type TestApp } from "./harness.js";

interface Money {
  amount: string;
  currency: string;
}
interface Segment {
  offerId: string;
  origin: string;
  destination: string;
  departAt: string;
  arriveAt: string;
  carrier: string;
}
interface Itinerary {
  id: string;
  origin: string;
  destination: string;
  stops: number;
  price: Money;
  totalPrice: Money;
  seatsAvailable: number;
  passengers: { adults: number; children: number; infants: number };
  fareBreakdown: { type: string; count: number; amount: Money }[];
  slices: { origin: string; destination: string; segments: Segment[] }[];
}
interface Body {
  data: Itinerary[];
  meta: { total: number };
}

const cents = (m: Money) => Math.round(Number(m.amount) * 100);
const minutes = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 60_000;
const NYC = findPlace("NYC")?.airports ?? [];
const LON = findPlace("LON")?.airports ?? [];
// A pair the seed network does not fly nonstop, with connection points (SYD→DEL via DXB, SIN).
const network = createRouteNetwork(seedRoutes());
const [FAR_FROM, FAR_TO] = ["SYD", "DEL"];
const HUBS = network.hubs(FAR_FROM, FAR_TO);

describe("itineraries through HTTP: round trips, connections, passengers, live legs", () => {
  let t: TestApp;
  let key: string;
  let admin: string;
  const out = dayFromToday(6);
  const back = dayFromToday(9);
  const get = async (query: string) => {
    const res = await t.request(`/v1/flights/search?${query}`, { key });
    expect(res.status).toBe(200);
    return (await res.json()) as Body;
  };

  /** Every page of a search. */
  const all = async (query: string) => {
    const offers: Itinerary[] = [];
    let cursor: string | null = null;
    do {
      const page = (await get(
        `${query}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      )) as Body & { meta: { nextCursor: string | null } };
      offers.push(...page.data);
      cursor = page.meta.nextCursor;
    } while (cursor);
    return offers;
  };

  beforeAll(async () => {
    t = await startTestApp();
    key = await t.createKey(["search"]);
    admin = await t.createKey(["inventory", "search"]);
    expect(network.hasRoute(FAR_FROM, FAR_TO)).toBe(false);
    expect(HUBS.length).toBeGreaterThan(0);
    await loadSeededFlights(t.engine.db, {
      startDate: out,
      days: 5,
      keep: (f) =>
        (NYC.includes(f.origin) && LON.includes(f.destination)) ||
        (LON.includes(f.origin) && NYC.includes(f.destination)) ||
        (f.origin === "JFK" && f.destination === "LAX") ||
        (f.origin === FAR_FROM && HUBS.includes(f.destination)) ||
        (HUBS.includes(f.origin) && f.destination === FAR_TO),
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it("NYC→LON round trip: two slices, offers across several airports of each city", async () => {
    // Each direction's read-model entries filled first (one way each), as a warmed cache holds
    // them: a cold fill of six route-months at once outlasts the embedded engine's timeout here.
    await get(`origin=NYC&destination=LON&departureDate=${out}&maxStops=0`);
    await get(`origin=LON&destination=NYC&departureDate=${back}&maxStops=0`);
    const body = {
      data: await all(
        `origin=NYC&destination=LON&departureDate=${out}&returnDate=${back}&maxStops=0`,
      ),
    };
    expect(body.data.length).toBeGreaterThan(10);
    for (const offer of body.data) {
      expect(offer.slices).toHaveLength(2);
      const [there, home] = offer.slices as [Itinerary["slices"][0], Itinerary["slices"][0]];
      expect(NYC).toContain(there.origin);
      expect(LON).toContain(there.destination);
      expect(LON).toContain(home.origin);
      expect(NYC).toContain(home.destination);
      expect((there.segments[0]?.departAt ?? "").slice(0, 10) >= out).toBe(true);
      expect((home.segments[0]?.departAt ?? "").slice(0, 10) >= back).toBe(true);
      // price = one adult over both slices, seats = the fewest of any segment
      expect(offer.id).toMatch(/^off_I/);
    }
    const origins = new Set(body.data.map((o) => o.slices[0]?.origin));
    const arrivals = new Set(body.data.map((o) => o.slices[0]?.destination));
    expect(origins.size).toBeGreaterThanOrEqual(2);
    expect(arrivals.size).toBeGreaterThanOrEqual(2);
  });

  it("a pair with no nonstop gets one-stop itineraries that obey the connection rules", async () => {
    const body = await get(
      `origin=${FAR_FROM}&destination=${FAR_TO}&departureDate=${out}&limit=100`,
    );
    expect(body.data.length).toBeGreaterThan(0);
    for (const offer of body.data) {
      expect(offer.stops).toBe(1);
      const [a, b] = (offer.slices[0]?.segments ?? []) as [Segment, Segment];
      expect(a.origin).toBe(FAR_FROM);
      expect(HUBS).toContain(a.destination);
      expect(b.origin).toBe(a.destination);
      expect(b.destination).toBe(FAR_TO);
      const domestic =
        findAirport(a.origin)?.country === findAirport(b.destination)?.country &&
        findAirport(a.destination)?.country === findAirport(a.origin)?.country;
      const layover = minutes(a.arriveAt, b.departAt);
      expect(layover).toBeGreaterThanOrEqual(domestic ? 45 : 60);
      expect(layover).toBeLessThanOrEqual(8 * 60);
    }
    const nonstopOnly = await get(
      `origin=${FAR_FROM}&destination=${FAR_TO}&departureDate=${out}&maxStops=0`,
    );
    expect(nonstopOnly.data).toEqual([]);
  });

  it("prices children at 75 % and infants at 10 % of the adult fare, rounded half-up", async () => {
    const body = await get(
      `origin=JFK&destination=LAX&departureDate=${out}&adults=2&children=1&infants=1&maxStops=0`,
    );
    expect(body.data.length).toBeGreaterThan(0);
    for (const offer of body.data) {
      const adult = cents(offer.price);
      const child = Math.floor((adult * 75 + 50) / 100);
      const infant = Math.floor((adult * 10 + 50) / 100);
      expect(offer.passengers).toEqual({ adults: 2, children: 1, infants: 1 });
      expect(offer.fareBreakdown.map((f) => [f.type, f.count, cents(f.amount)])).toEqual([
        ["adult", 2, adult],
        ["child", 1, child],
        ["infant", 1, infant],
      ]);
      expect(cents(offer.totalPrice)).toBe(2 * adult + child + infant);
      expect(offer.seatsAvailable).toBeGreaterThanOrEqual(3);
      expect(offer.id).toMatch(/^off_I/);
    }
    const tooManyInfants = await t.request(
      `/v1/flights/search?origin=JFK&destination=LAX&departureDate=${out}&adults=1&infants=2`,
      { key },
    );
    expect(tooManyInfants.status).toBe(422);
  });

  it("a leg's price change shows in the next search of every itinerary using it, and in re-pricing", async () => {
    const before = await get(
      `origin=NYC&destination=LON&departureDate=${out}&returnDate=${back}&maxStops=0&limit=100`,
    );
    const leg = before.data[0]?.slices[0]?.segments[0] as Segment;
    const using = (body: Body) =>
      body.data.filter((o) =>
        o.slices.some((s) => s.segments.some((g) => g.offerId === leg.offerId)),
      );
    const was = using(before);
    expect(was.length).toBeGreaterThan(0);
    const oneWay = await get(
      `origin=${leg.origin}&destination=${leg.destination}&departureDate=${out}&maxStops=0&limit=100`,
    );
    const legBefore = oneWay.data.find((o) => o.id === leg.offerId) as Itinerary;
    expect(legBefore).toBeDefined();

    const patch = await t.request(`/v1/admin/offers/${leg.offerId}`, {
      method: "PATCH",
      key: admin,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ price: { amount: "1.00", currency: legBefore.price.currency } }),
    });
    expect(patch.status).toBe(200);
    // Cheaper, so every itinerary using the leg stays on the first page.
    const delta = 100 - cents(legBefore.price);

    const after = await get(
      `origin=NYC&destination=LON&departureDate=${out}&returnDate=${back}&maxStops=0&limit=100`,
    );
    const now = using(after);
    expect(now.map((o) => o.id)).toEqual(expect.arrayContaining(was.map((o) => o.id)));
    for (const previous of was) {
      const offer = now.find((o) => o.id === previous.id) as Itinerary;
      expect(cents(offer.price)).toBe(cents(previous.price) + delta);
      expect(cents(offer.totalPrice)).toBe(cents(previous.totalPrice) + delta);
    }
    const single = await get(
      `origin=${leg.origin}&destination=${leg.destination}&departureDate=${out}&maxStops=0&limit=100`,
    );
    expect(single.data.find((o) => o.id === leg.offerId)?.price.amount).toBe("1.00");

    const repriced = await t.request(`/v1/offers/${now[0]?.id}`, { key });
    expect(repriced.status).toBe(200);
    const offer = (await repriced.json()) as Itinerary;
    expect(offer.id).toBe(now[0]?.id);
    expect(cents(offer.price)).toBe(cents((now[0] as Itinerary).price));
    expect(offer.slices).toHaveLength(2);
  });
});
