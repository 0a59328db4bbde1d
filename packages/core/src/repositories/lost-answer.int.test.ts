import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDynamoClients } from "../client.js";
import { newId } from "../ids.js";
import { LOCAL_CREDENTIALS, type LocalEngine, startLocalEngine } from "../local/engine.js";
import { createTravelService } from "../service.js";
import { type BookingRecord, createBookingRepository, workQueueFor } from "./bookings.js";
import { createIdempotencyRepository } from "./idempotency.js";

// A write DynamoDB applied whose answer never reached the client (a request timeout on a slow
// network or a busy host): the SDK retries it, and the retry fails the write's own condition.
// The repositories must recognise their own write instead of waiting for a "concurrent owner"
// that is themselves (the request then answered 409 idempotency_conflict after its wait).

let engine: LocalEngine;
let loseNext: ((operation: string) => boolean) | undefined;
let lost = 0;
let db: ReturnType<typeof createTravelService>;

beforeAll(async () => {
  engine = await startLocalEngine();
  const clients = createDynamoClients({
    endpoint: engine.endpoint,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 3,
  });
  // Inside the retry loop: let the request reach the engine, then drop its answer once.
  clients.raw.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (loseNext?.(context.commandName ?? "")) {
        loseNext = undefined;
        lost++;
        throw Object.assign(new Error("answer lost after the write was applied"), {
          name: "TimeoutError",
          $metadata: {},
        });
      }
      return result;
    },
    { step: "deserialize", name: "loseOneAnswer" },
  );
  db = createTravelService({ client: clients.document, table: engine.tableName });
});
afterAll(async () => {
  await engine.stop();
});

describe("a conditional create whose answer was lost", () => {
  it("claims an idempotency key for the request that wrote it", async () => {
    const idempotency = createIdempotencyRepository(db);
    const input = {
      tenantId: "acme",
      idempotencyKey: `key-${newId("booking")}`,
      requestHash: "h",
      bookingId: newId("booking"),
      now: new Date(),
      leaseMs: 30_000,
    };
    lost = 0;
    loseNext = (operation) => operation === "PutItemCommand";
    const claimed = await idempotency.begin(input);
    expect(lost).toBe(1);
    expect(claimed.created).toBe(true);
    expect(claimed.record.bookingId).toBe(input.bookingId);

    // Another request with the same key still finds it taken.
    const other = await idempotency.begin({ ...input, bookingId: newId("booking") });
    expect(other.created).toBe(false);
    expect(other.record.bookingId).toBe(input.bookingId);
  });

  it("creates a pending booking once, and only for the writer", async () => {
    const bookings = createBookingRepository(db);
    const now = new Date();
    const bookingId = newId("booking");
    const record: BookingRecord = {
      bookingId,
      tenantId: "acme",
      reference: "ABC123",
      status: "pending",
      offerId: "offer_1",
      offerType: "flight",
      route: "JFK-LAX",
      quantity: 1,
      totalMinor: 100,
      currency: "USD",
      travelers: [],
      contact: { email: "a@example.com" } as BookingRecord["contact"],
      items: [{ kind: "flightOffer", offerId: "offer_1" }],
      startsAt: new Date(now.getTime() + 86_400_000).toISOString(),
      workQueue: workQueueFor("pending", bookingId),
      leaseUntil: now.getTime() + 30_000,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    lost = 0;
    loseNext = (operation) => operation === "PutItemCommand";
    expect(await bookings.createPending(record)).toBe(true);
    expect(lost).toBe(1);
    // A second worker's create of the same booking (another lease) is refused.
    expect(await bookings.createPending({ ...record, leaseUntil: now.getTime() + 60_000 })).toBe(
      false,
    );
  });
});
