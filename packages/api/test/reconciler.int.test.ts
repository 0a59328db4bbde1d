import { createBookingRepositories, createBookingService } from "@travel/booking";
import { newId } from "@travel/core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createReconcilerHandler } from "../src/reconciler-handler.js";
import { startTestApp, TEST_CURSOR_KEY, type TestApp } from "./harness.js";

let t: TestApp;
let now = Date.parse("2027-01-10T10:00:00.000Z");
const clock = { now: () => new Date(now) };

beforeAll(async () => {
  t = await startTestApp({ overrides: { clock } });
});
afterAll(async () => {
  await t.close();
});

it("the scheduled handler confirms a booking whose request died after holding the seats", async () => {
  const offerId = newId("offer");
  await t.engine.db.entities.flightOffer
    .create({
      offerId,
      origin: "BOS",
      destination: "SFO",
      departDate: "2027-02-01",
      departAt: "2027-02-01T10:00:00.000Z",
      arriveAt: "2027-02-01T16:00:00.000Z",
      durationMinutes: 360,
      stops: 0,
      carrier: "UA",
      flightNumber: "UA1",
      cabin: "economy",
      seatsAvailable: 4,
      seatsTotal: 4,
      priceMinor: 10_000,
      currency: "USD",
      version: 1,
      updatedAt: clock.now().toISOString(),
    })
    .go();
  // A process that dies between holding the seats and confirming.
  const repos = createBookingRepositories(t.engine.db);
  const dying = createBookingService({
    ...repos,
    bookings: {
      ...repos.bookings,
      confirm: async () => {
        throw new Error("process died");
      },
    },
    clock,
    cursorSecret: TEST_CURSOR_KEY,
  });
  const request = {
    offerId,
    quantity: 1,
    travelers: [{ type: "adult" as const, givenName: "Ada", familyName: "Lovelace" }],
    contact: { email: "ada@example.com" },
    expectedTotal: { amount: "100.00", currency: "USD" },
  };
  await expect(
    dying.book({ tenantId: "tenant-test", idempotencyKey: "reconcile-me-1", request }),
  ).rejects.toThrow("process died");
  const held = await t.engine.db.entities.flightOffer.get({ offerId }).go({ consistent: true });
  expect(held.data?.seatsAvailable).toBe(3);
  const [bookingId] = Object.keys(held.data?.holds as Record<string, number>);

  now += 61_000;
  const summary = await createReconcilerHandler(t.deps)();
  expect(summary).toMatchObject({ confirmed: 1, errors: 0 });

  const key = await t.createKey(["book"], { tenantId: "tenant-test" });
  const res = await t.request(`/v1/bookings/${bookingId}`, { key });
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ id: bookingId, status: "confirmed" });
  // The client's retry with the same key gets that booking back, marked as a replay.
  const retry = await t.request("/v1/bookings", {
    method: "POST",
    key,
    headers: { "content-type": "application/json", "idempotency-key": "reconcile-me-1" },
    body: JSON.stringify(request),
  });
  expect(retry.status).toBe(201);
  expect(retry.headers.get("idempotent-replayed")).toBe("true");
  expect(await retry.json()).toMatchObject({ id: bookingId });
  const after = await t.engine.db.entities.flightOffer.get({ offerId }).go({ consistent: true });
  expect(after.data?.seatsAvailable).toBe(3);

  // Nothing is left to do on the next run.
  expect(await createReconcilerHandler(t.deps)()).toMatchObject({ examined: 0, errors: 0 });
});

it("a process that signs no cursors (the reconciler) does not warn about the missing cursor key", async () => {
  const { createLogger } = await import("../src/observability.js");
  const warnings = (servesCursors: boolean | undefined) => {
    const logger = createLogger({ serviceName: "test", logLevel: "SILENT" });
    const seen: string[] = [];
    logger.warn = ((message: string) => {
      seen.push(message);
    }) as typeof logger.warn;
    return { logger, seen, servesCursors };
  };
  for (const { logger, seen, servesCursors } of [warnings(false), warnings(undefined)]) {
    const app = await startTestApp({
      engine: t.engine,
      env: { CURSOR_SIGNING_KEY: "" },
      overrides: { logger, ...(servesCursors === undefined ? {} : { servesCursors }) },
    });
    await app.close();
    const cursorWarnings = seen.filter((m) => m.includes("CURSOR_SIGNING_KEY"));
    expect(cursorWarnings).toHaveLength(servesCursors === false ? 0 : 1);
  }
});
