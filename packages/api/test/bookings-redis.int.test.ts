import { deleteKeysWithPrefix, describeRedis, uniqueKeyPrefix } from "@travel/cache/testing";
import { startLocalEngine } from "@travel/core/local";
import { Redis } from "ioredis";
import { afterAll, expect, it } from "vitest";
import { dayFromToday, flightRecords, insertInventory, JFK_LAX } from "./fixtures.js";
import { startTestApp } from "./harness.js";

describeRedis("bookings with two API instances sharing Redis", ({ url }) => {
  const prefix = uniqueKeyPrefix("api-bookings").replace(/:$/, "");
  const redis = new Redis(url);
  afterAll(async () => {
    await deleteKeysWithPrefix(redis, prefix);
    redis.disconnect();
  });

  it("a booking and a cancellation on one instance show in the other's very next search", async () => {
    const engine = await startLocalEngine();
    const env = { REDIS_URL: url, REDIS_KEY_PREFIX: prefix };
    const a = await startTestApp({ engine, env });
    const b = await startTestApp({ engine, env });
    try {
      const date = dayFromToday(15);
      await insertInventory(engine.db, { flights: flightRecords(date) });
      const key = await a.createKey(["search", "book"]);
      const path = `/v1/flights/search?origin=JFK&destination=LAX&departureDate=${date}`;
      const target = JFK_LAX[0]!; // 9 seats at 250.00
      const seatsOnB = async () => {
        const res = await b.request(path, { key });
        const body = (await res.json()) as { data: { id: string; seatsAvailable: number }[] };
        return {
          cache: res.headers.get("x-cache"),
          seats: body.data.find((o) => o.id === target.id)?.seatsAvailable,
        };
      };
      expect((await a.request(path, { key })).headers.get("x-cache")).toBe("MISS");
      expect(await seatsOnB()).toEqual({ cache: "HIT", seats: 9 });

      const booked = await a.request("/v1/bookings", {
        method: "POST",
        key,
        headers: { "content-type": "application/json", "idempotency-key": `redis-${prefix}` },
        body: JSON.stringify({
          offerId: target.id,
          quantity: 3,
          travelers: [1, 2, 3].map((i) => ({
            givenName: "Ada",
            familyName: `Lovelace${"abc"[i - 1]}`,
          })),
          contact: { email: "ada@example.com" },
          expectedTotal: { amount: "750.00", currency: "USD" },
        }),
      });
      expect(booked.status).toBe(201);
      const { id } = (await booked.json()) as { id: string };
      // Applied in place to the shared read model before the 201: B's next search is a HIT.
      expect(await seatsOnB()).toEqual({ cache: "HIT", seats: 6 });

      const cancelled = await a.request(`/v1/bookings/${id}/cancel`, { method: "POST", key });
      expect(cancelled.status).toBe(200);
      expect(await seatsOnB()).toEqual({ cache: "HIT", seats: 9 });
      expect(a.deps.cache.backend).toBe("redis");
    } finally {
      await a.close();
      await b.close();
      await engine.stop();
    }
  });
});
