import { hotelOfferId, newId } from "@travel/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dayFromToday, flightRecords, HOTELS, insertInventory, roomNights } from "./fixtures.js";
import { readProblem, startTestApp, type TestApp, tableSnapshot } from "./harness.js";

/**
 * Input the schemas let through that used to reach the error handler as a 500 or to trip a
 * shared breaker (issue 17, findings 1 and 6): each is a clear 4xx now and changes nothing.
 */
describe("hostile input is a 4xx, never a 5xx nor anybody else's outage", () => {
  let t: TestApp;
  let searchKey: string;
  let bookKey: string;
  let inventoryKey: string;
  let analyticsKey: string;
  const date = dayFromToday(20);

  beforeAll(async () => {
    t = await startTestApp();
    await insertInventory(t.engine.db, { flights: flightRecords(date) });
    searchKey = await t.createKey(["search"], { tenantId: "tenant-a" });
    bookKey = await t.createKey(["book"], { tenantId: "tenant-a" });
    inventoryKey = await t.createKey(["inventory"], { tenantId: "platform" });
    analyticsKey = await t.createKey(["analytics"], { tenantId: "tenant-a" });
  });
  afterAll(async () => {
    await t.close();
  });

  const impossibleStay = () =>
    hotelOfferId({
      hotelId: HOTELS[0]?.hotelId ?? "",
      checkIn: "2026-13-45",
      checkOut: "2026-14-01",
    });

  it("finding 1: offer ids with impossible dates are 404s that never open the shared breaker", async () => {
    for (let i = 0; i < 8; i++) {
      const res = await t.request(`/v1/offers/${impossibleStay()}`, { key: searchKey });
      expect(res.status).toBe(404);
      expect(await readProblem(res)).toMatchObject({ code: "offer_not_found" });
    }
    // Every tenant's lookups and uncached searches still work, and /health says so.
    const other = await t.createKey(["search"], { tenantId: "tenant-b" });
    const search = await t.request(
      `/v1/flights/search?origin=JFK&destination=LAX&departureDate=${date}`,
      { key: other },
    );
    expect(search.status).toBe(200);
    const offerId = ((await search.json()) as { data: { id: string }[] }).data[0]?.id;
    expect((await t.request(`/v1/offers/${offerId}`, { key: other })).status).toBe(200);
    const health = (await (await t.request("/health")).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ status: "ok" });
    expect(Object.values(health.breakers as object).every((s) => s === "closed")).toBe(true);
  });

  it("finding 1: a re-pricing that fails on a dependency opens only the re-pricing breaker, and /health says degraded", async () => {
    const app = await startTestApp();
    try {
      await insertInventory(app.engine.db, { flights: flightRecords(date) });
      const key = await app.createKey(["search"]);
      const search = await app.request(
        `/v1/flights/search?origin=JFK&destination=LAX&departureDate=${date}`,
        { key },
      );
      expect(search.status).toBe(200);
      await app.engine.stop();
      for (let i = 0; i < 6; i++) {
        const res = await app.request(`/v1/offers/${newId("offer")}`, { key });
        expect(res.status).toBe(503);
      }
      const health = await app.request("/health");
      expect(await health.json()).toMatchObject({
        status: "degraded",
        breakers: { "inventory.price": "open", "inventory.search": "closed" },
      });
      // The cached search is still served: the fill breaker never saw the re-pricing failures.
      const cached = await app.request(
        `/v1/flights/search?origin=JFK&destination=LAX&departureDate=${date}`,
        { key },
      );
      expect(cached.status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it("finding 6: an admin PATCH of a crafted hotel offer id is a 404, not a 500", async () => {
    const before = await tableSnapshot(t.engine);
    const res = await t.request(`/v1/admin/offers/${impossibleStay()}`, {
      method: "PATCH",
      key: inventoryKey,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ roomsAvailable: 1 }),
    });
    expect(res.status).toBe(404);
    expect(await readProblem(res)).toMatchObject({ code: "offer_not_found" });
    expect(await tableSnapshot(t.engine)).toBe(before);
  });

  it("finding 6: an amount beyond exact minor units is a 422 naming the field, and books nothing", async () => {
    const search = await t.request(
      `/v1/flights/search?origin=JFK&destination=LAX&departureDate=${date}`,
      { key: searchKey },
    );
    const offerId = ((await search.json()) as { data: { id: string }[] }).data[0]?.id;
    const before = await tableSnapshot(t.engine);
    for (const amount of ["999999999999999.99", "250.001"]) {
      const res = await t.request("/v1/bookings", {
        method: "POST",
        key: bookKey,
        headers: { "content-type": "application/json", "idempotency-key": `huge-${amount}` },
        body: JSON.stringify({
          offerId,
          travelers: [{ givenName: "Ada", familyName: "Lovelace" }],
          contact: { email: "ada@example.org" },
          expectedTotal: { amount, currency: "USD" },
        }),
      });
      expect(res.status, amount).toBe(422);
      expect(await readProblem(res)).toMatchObject({
        code: "validation_failed",
        errors: [{ path: "expectedTotal.amount" }],
      });
    }
    const patch = await t.request(`/v1/admin/offers/${offerId}`, {
      method: "PATCH",
      key: inventoryKey,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ price: { amount: "999999999999999.99", currency: "USD" } }),
    });
    expect(patch.status).toBe(422);
    expect(await tableSnapshot(t.engine)).toBe(before);
  });

  it("finding 6: analytics dates far in the future or past are a 422, not a 500", async () => {
    for (const [from, to] of [
      ["9999-12-01", "9999-12-31"],
      ["0001-01-01", "0001-01-31"],
    ]) {
      const res = await t.request(`/v1/analytics/summary?from=${from}&to=${to}`, {
        key: analyticsKey,
      });
      expect(res.status, from).toBe(422);
      expect(await readProblem(res)).toMatchObject({ code: "validation_failed" });
    }
  });

  it("finding 5: availability never exceeds the seats that exist once held seats are counted (409 inventory_conflict)", async () => {
    const offer = flightRecords(date)[1]!; // 180 seats in all
    const booked = await t.request("/v1/bookings", {
      method: "POST",
      key: bookKey,
      headers: { "content-type": "application/json", "idempotency-key": "held-seats-1" },
      body: JSON.stringify({
        offerId: offer.offerId,
        quantity: 2,
        travelers: [
          { givenName: "Ada", familyName: "Lovelace" },
          { givenName: "Alan", familyName: "Turing" },
        ],
        contact: { email: "ada@example.org" },
        expectedTotal: { amount: ((offer.priceMinor * 2) / 100).toFixed(2), currency: "USD" },
      }),
    });
    expect(booked.status).toBe(201);
    expect(booked.headers.get("cache-control")).toBe("no-store"); // finding 8: traveller details
    const patch = (seatsAvailable: number) =>
      t.request(`/v1/admin/offers/${offer.offerId}`, {
        method: "PATCH",
        key: inventoryKey,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ seatsAvailable }),
      });
    const seats = async () =>
      (
        await t.engine.db.entities.flightOffer
          .get({ offerId: offer.offerId })
          .go({ consistent: true })
      ).data?.seatsAvailable;
    const tooMany = await patch(179);
    expect(tooMany.status).toBe(409);
    expect(await readProblem(tooMany)).toMatchObject({ code: "inventory_conflict" });
    expect(await seats()).toBe(offer.seatsAvailable - 2);
    const ok = await patch(178);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { seatsAvailable: number }).seatsAvailable).toBe(178);
  });

  const postBooking = (idempotencyKey: string, body: unknown) =>
    t.request("/v1/bookings", {
      method: "POST",
      key: bookKey,
      headers: { "content-type": "application/json", "idempotency-key": idempotencyKey },
      body: JSON.stringify(body),
    });

  it("finding 8: a birth date in the future is a 422 and books nothing", async () => {
    const offer = flightRecords(date)[0]!;
    const tomorrowEverywhere = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    for (const dateOfBirth of [tomorrowEverywhere, "9999-12-31"]) {
      const before = await tableSnapshot(t.engine);
      const res = await postBooking(`future-birth-${dateOfBirth}`, {
        offerId: offer.offerId,
        quantity: 1,
        travelers: [{ givenName: "Ada", familyName: "Lovelace", dateOfBirth }],
        contact: { email: "ada@example.org" },
        expectedTotal: { amount: (offer.priceMinor / 100).toFixed(2), currency: "USD" },
      });
      expect(res.status, dateOfBirth).toBe(422);
      const problem = await readProblem(res);
      expect(problem).toMatchObject({ code: "validation_failed" });
      expect(JSON.stringify(problem.errors)).toContain("dateOfBirth");
      expect(await tableSnapshot(t.engine)).toBe(before);
    }
  });

  it("finding 8: bookings' limit takes plain digits only, as search's does (0x10, 1e1 → 422)", async () => {
    for (const limit of ["0x10", "1e1", "0b11", "+5", "5.0", ""]) {
      const res = await t.request(`/v1/bookings?limit=${encodeURIComponent(limit)}`, {
        key: bookKey,
      });
      expect(res.status, limit).toBe(422);
      expect(await readProblem(res)).toMatchObject({ code: "validation_failed" });
    }
    expect((await t.request("/v1/bookings?limit=16", { key: bookKey })).status).toBe(200);
  });

  it("a hotel update refused on one night writes no night (all or nothing)", async () => {
    const [first, second] = [dayFromToday(40), dayFromToday(41)];
    const hotel = HOTELS[0]!;
    await insertInventory(t.engine.db, {
      hotels: [hotel],
      nights: roomNights(first, second).filter((n) => n.hotelId === hotel.hotelId),
    });
    // Two rooms held on the second night only (a one-night stay).
    const oneNight = hotelOfferId({
      hotelId: hotel.hotelId,
      checkIn: second,
      checkOut: dayFromToday(42),
    });
    const booked = await postBooking("second-night-rooms", {
      offerId: oneNight,
      quantity: 2,
      travelers: [{ givenName: "Grace", familyName: "Hopper" }],
      contact: { email: "grace@example.org" },
      expectedTotal: { amount: "360.00", currency: "GBP" },
    });
    expect(booked.status).toBe(201);
    const nights = async () =>
      Promise.all(
        [first, second].map(
          async (d) =>
            (
              await t.engine.db.entities.roomNight
                .get({ hotelId: hotel.hotelId, date: d })
                .go({ consistent: true })
            ).data,
        ),
      );
    const before = await nights();
    const stay = hotelOfferId({
      hotelId: hotel.hotelId,
      checkIn: first,
      checkOut: dayFromToday(42),
    });
    // 40 rooms fit the first night (none held) but not the second (2 held): nothing is written.
    const res = await t.request(`/v1/admin/offers/${stay}`, {
      method: "PATCH",
      key: inventoryKey,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ roomsAvailable: 40, price: { amount: "500.00", currency: "GBP" } }),
    });
    expect(res.status).toBe(409);
    expect(await readProblem(res)).toMatchObject({ code: "inventory_conflict" });
    // Let any write still in flight after the answer land before comparing.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await nights()).toEqual(before);
  });
});
