import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { hc } from "hono/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppType } from "../src/index.js";
import { dayFromToday, loadSeededSlice } from "./fixtures.js";
import { startTestApp, type TestApp } from "./harness.js";

// `pnpm typecheck` checks this file: the @ts-expect-error lines fail it if AppType stops typing
// the routes (an untyped client accepts anything).
describe("hono/client over the exported AppType", () => {
  let t: TestApp;
  let server: ReturnType<typeof serve>;
  let client: ReturnType<typeof hc<AppType>>;
  const departureDate = dayFromToday(12);

  beforeAll(async () => {
    t = await startTestApp();
    const key = await t.createKey(["search"]);
    await loadSeededSlice(t.engine.db, {
      startDate: departureDate,
      days: 1,
      origin: "JFK",
      destination: "LAX",
    });
    server = serve({ fetch: t.app.fetch, port: 0, hostname: "127.0.0.1" });
    await new Promise<void>((done) => server.once("listening", () => done()));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    client = hc<AppType>(baseUrl, { headers: { "x-api-key": key } });
  });
  afterAll(async () => {
    await new Promise<void>((done) => server.close(() => done()));
    await t.close();
  });

  it("searches, reads an offer and gets typed answers from the running app", async () => {
    const health = await client.health.$get();
    expect(health.status).toBe(200);

    const res = await client.v1.flights.search.$get({
      query: { origin: "JFK", destination: "LAX", departureDate, sort: "price" },
    });
    expect(res.status).toBe(200);
    if (res.status !== 200) return;
    const body = await res.json();
    // Typed fields: a typo here would not compile.
    const first = body.data[0];
    expect(first?.origin).toBe("JFK");
    expect(body.meta.inventoryHorizon).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(body.data.length).toBeGreaterThanOrEqual(15);

    const offer = await client.v1.offers[":offerId"].$get({ param: { offerId: first?.id ?? "" } });
    expect(offer.status).toBe(200);
    if (offer.status === 200) expect((await offer.json()).id).toBe(first?.id);

    // @ts-expect-error: no such route on the typed client
    void client.v1.flights.nowhere;
    // @ts-expect-error: origin is required by the query schema
    void (() => client.v1.flights.search.$get({ query: { destination: "LAX", departureDate } }));
  });

  it("gets the 422 of an unknown parameter as a problem", async () => {
    const res = await fetch(
      `${new URL(client.v1.flights.search.$url().toString())}?origin=JFK&destination=LAX&departureDate=${departureDate}&currency=EUR`,
      { headers: { "x-api-key": await t.createKey(["search"]) } },
    );
    expect(res.status).toBe(422);
    const problem = (await res.json()) as { code: string; errors: { path: string }[] };
    expect(problem.code).toBe("validation_failed");
    expect(problem.errors.map((e) => e.path)).toEqual(["currency"]);
  });
});
