import { seedRoutes } from "@travel/core/seed";
import { createRouteNetwork } from "@travel/search";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dayFromToday, loadSeededFlights } from "./fixtures.js";
import { readProblem, startTestApp, type TestApp } from "./harness.js";

interface Money {
  amount: string;
  currency: string;
}
interface Itinerary {
  id: string;
  price: Money;
  totalPrice: Money;
  slices: { segments: { offerId: string; origin: string; destination: string }[] }[];
}

// SYD→DEL has no nonstop in the seed network: every itinerary connects (via DXB or SIN).
const network = createRouteNetwork(seedRoutes());
const HUBS = network.hubs("SYD", "DEL");

describe("booking itineraries through HTTP: every segment held, never oversold", () => {
  let t: TestApp;
  let search: string;
  let book: string;
  let admin: string;
  const out = dayFromToday(7);
  const back = dayFromToday(11);
  let seq = 0;

  const seats = async (offerId: string) => {
    const { data } = await t.engine.db.entities.flightOffer
      .get({ offerId })
      .go({ consistent: true });
    return {
      available: data?.seatsAvailable ?? -1,
      holds: (data?.holds ?? {}) as Record<string, number>,
    };
  };
  const find = async (query: string) => {
    const res = await t.request(`/v1/flights/search?${query}&limit=100`, { key: search });
    // The body in the failure message: a 503 or 422 says why.
    expect(res.status, await res.clone().text()).toBe(200);
    return ((await res.json()) as { data: Itinerary[] }).data;
  };
  const post = (body: unknown) =>
    t.request("/v1/bookings", {
      method: "POST",
      key: book,
      headers: {
        "content-type": "application/json",
        "idempotency-key": `itin-${Date.now()}-${seq++}`,
      },
      body: JSON.stringify(body),
    });
  const person = (type: string, dateOfBirth?: string) => ({
    type,
    givenName: "Ada",
    familyName: `Lovelace${String.fromCharCode(97 + (seq++ % 26))}`,
    ...(dateOfBirth ? { dateOfBirth } : {}),
  });
  const contact = { email: "ada@example.com" };

  beforeAll(async () => {
    t = await startTestApp();
    search = await t.createKey(["search"]);
    book = await t.createKey(["book"]);
    admin = await t.createKey(["inventory"], { tenantId: "platform" });
    await loadSeededFlights(t.engine.db, {
      startDate: out,
      days: 6,
      keep: (f) =>
        (f.origin === "SYD" && HUBS.includes(f.destination)) ||
        (HUBS.includes(f.origin) && f.destination === "DEL") ||
        (f.origin === "DEL" && HUBS.includes(f.destination)) ||
        (HUBS.includes(f.origin) && f.destination === "SYD"),
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it("a connecting round trip for 2 adults, a child and an infant holds 3 seats on all 4 segments", async () => {
    const offers = await find(
      `origin=SYD&destination=DEL&departureDate=${out}&returnDate=${back}&adults=2&children=1&infants=1`,
    );
    const offer = offers.find((o) => o.slices.every((s) => s.segments.length === 2)) as Itinerary;
    expect(offer).toBeDefined();
    const legs = offer.slices.flatMap((s) => s.segments.map((g) => g.offerId));
    expect(new Set(legs).size).toBe(4);
    const before = await Promise.all(legs.map(seats));
    const travelers = [
      person("adult"),
      person("adult", "1980-05-01"),
      person("child", "2018-06-01"),
      person(
        "infant",
        out.replace(/^\d{4}/, (y) => String(Number(y) - 1)),
      ),
    ];

    // The wrong mix, or a "child" too old on the departure date: 422, nothing held.
    const wrongMix = await post({
      offerId: offer.id,
      travelers: travelers.slice(0, 3),
      contact,
      expectedTotal: offer.totalPrice,
    });
    expect(wrongMix.status).toBe(422);
    const tooOld = await post({
      offerId: offer.id,
      travelers: [travelers[0], travelers[1], person("child", "2010-01-01"), travelers[3]],
      contact,
      expectedTotal: offer.totalPrice,
    });
    expect(tooOld.status).toBe(422);
    expect((await readProblem(tooOld)).errors).toEqual([
      expect.objectContaining({ path: "travelers.2.dateOfBirth" }),
    ]);
    expect(await Promise.all(legs.map(seats))).toEqual(before);

    const res = await post({
      offerId: offer.id,
      travelers,
      contact,
      expectedTotal: offer.totalPrice,
    });
    expect(res.status).toBe(201);
    const booking = (await res.json()) as { id: string; quantity: number; total: Money };
    expect(booking.quantity).toBe(3);
    expect(booking.total).toEqual(offer.totalPrice);
    const after = await Promise.all(legs.map(seats));
    after.forEach((state, i) => {
      expect(state.available).toBe((before[i]?.available ?? 0) - 3);
      expect(state.holds).toEqual({ [booking.id]: 3 });
    });
  });

  it("50 racing bookings mixing the nonstop and connecting itineraries over one shared leg never oversell it", async () => {
    const connecting = await find(`origin=SYD&destination=DEL&departureDate=${out}`);
    const shared = connecting[0]?.slices[0]?.segments[0] as {
      offerId: string;
      destination: string;
    };
    const using = connecting.filter((o) => o.slices[0]?.segments[0]?.offerId === shared.offerId);
    expect(using.length).toBeGreaterThan(0);
    const nonstop = (
      await find(`origin=SYD&destination=${shared.destination}&departureDate=${out}&maxStops=0`)
    ).find((o) => o.id === shared.offerId) as Itinerary;
    expect(nonstop).toBeDefined();

    const patched = await t.request(`/v1/admin/offers/${shared.offerId}`, {
      method: "PATCH",
      key: admin,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ seatsAvailable: 10 }),
    });
    expect(patched.status).toBe(200);
    const heldBefore = Object.values((await seats(shared.offerId)).holds).reduce(
      (a, b) => a + b,
      0,
    );
    const others = [
      ...new Set(using.flatMap((o) => o.slices.flatMap((s) => s.segments.map((g) => g.offerId)))),
    ].filter((id) => id !== shared.offerId);
    const othersBefore = new Map(
      await Promise.all(others.map(async (id) => [id, (await seats(id)).available] as const)),
    );

    const attempts = Array.from({ length: 50 }, (_, i) => {
      const offer = i % 2 === 0 ? nonstop : (using[i % using.length] as Itinerary);
      return post({
        offerId: offer.id,
        travelers: [person("adult")],
        contact,
        expectedTotal: offer.price,
      });
    });
    const answers = await Promise.all(attempts);
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(40);
    const final = await seats(shared.offerId);
    expect(final.available).toBe(0);
    expect(Object.values(final.holds).reduce((a, b) => a + b, 0)).toBe(heldBefore + 10);

    // Every other segment lost exactly the seats of confirmed bookings using it: nothing leaked.
    const confirmed = await Promise.all(
      answers.map(async (r, i) =>
        r.status === 201 ? (i % 2 === 0 ? nonstop : using[i % using.length]) : undefined,
      ),
    );
    for (const id of others) {
      const taken = confirmed.filter((o) =>
        o?.slices.some((s) => s.segments.some((g) => g.offerId === id)),
      ).length;
      expect((await seats(id)).available).toBe((othersBefore.get(id) ?? 0) - taken);
    }
  });
});
