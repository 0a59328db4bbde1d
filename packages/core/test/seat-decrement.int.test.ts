import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FlightOfferRecord } from "../src/domain.js";
import { isConditionalCheckFailed } from "../src/errors.js";
import { newId } from "../src/ids.js";
import { type LocalEngine, startLocalEngine } from "../src/local/engine.js";

let engine: LocalEngine;

beforeAll(async () => {
  engine = await startLocalEngine();
});

afterAll(async () => {
  await engine?.stop();
});

async function putOffer(seats: number): Promise<FlightOfferRecord> {
  const offer: FlightOfferRecord = {
    offerId: newId("offer"),
    origin: "LHR",
    destination: "JFK",
    departDate: "2026-07-01",
    departAt: "2026-07-01T10:00:00Z",
    arriveAt: "2026-07-01T18:00:00Z",
    durationMinutes: 480,
    stops: 0,
    carrier: "BA",
    flightNumber: "BA117",
    cabin: "economy",
    seatsAvailable: seats,
    seatsTotal: seats,
    priceMinor: 54_900,
    currency: "USD",
    version: 1,
    updatedAt: "2026-06-01T00:00:00Z",
  };
  await engine.db.entities.flightOffer.put(offer).go();
  return offer;
}

/** `SET seatsAvailable = seatsAvailable - :one` guarded by `seatsAvailable >= :one`, as a booking does. */
async function takeSeat(offerId: string): Promise<"taken" | "sold_out"> {
  const key = engine.db.entities.flightOffer
    .put(
      // Only the key is used; the rest of the record is a placeholder the key builder requires.
      {
        offerId,
        origin: "LHR",
        destination: "JFK",
        departDate: "x",
        departAt: "x",
        arriveAt: "x",
        durationMinutes: 1,
        stops: 0,
        carrier: "BA",
        flightNumber: "x",
        cabin: "economy",
        seatsAvailable: 0,
        seatsTotal: 0,
        priceMinor: 0,
        currency: "USD",
        version: 1,
        updatedAt: "x",
      },
    )
    .params().Item;
  try {
    await engine.clients.document.send(
      new UpdateCommand({
        TableName: engine.tableName,
        Key: { pk: key.pk, sk: key.sk },
        UpdateExpression: "SET seatsAvailable = seatsAvailable - :one",
        ConditionExpression: "seatsAvailable >= :one",
        ExpressionAttributeValues: { ":one": 1 },
      }),
    );
    return "taken";
  } catch (error) {
    if (isConditionalCheckFailed(error)) return "sold_out";
    throw error;
  }
}

describe("concurrent conditional seat decrements", () => {
  it.each([
    [30, 50],
    [60, 50],
    [1, 50],
  ])(
    "with %i seats and %i concurrent takers: exactly min(seats, takers) succeed, never below zero",
    async (seats, takers) => {
      const offer = await putOffer(seats);
      const results = await Promise.all(
        Array.from({ length: takers }, () => takeSeat(offer.offerId)),
      );
      expect(results.filter((r) => r === "taken")).toHaveLength(Math.min(seats, takers));
      expect(results.filter((r) => r === "sold_out")).toHaveLength(Math.max(0, takers - seats));
      const { data } = await engine.db.entities.flightOffer
        .get({ offerId: offer.offerId })
        .go({ consistent: true });
      expect(data?.seatsAvailable).toBe(Math.max(0, seats - takers));
    },
  );

  it("does the same through ElectroDB's patch with a where clause", async () => {
    const offer = await putOffer(30);
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () =>
        engine.db.entities.flightOffer
          .patch({ offerId: offer.offerId })
          .subtract({ seatsAvailable: 1 })
          .where(({ seatsAvailable }, { gte }) => gte(seatsAvailable, 1))
          .go(),
      ),
    );
    const failures = results.filter((r) => r.status === "rejected");
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(30);
    expect(failures).toHaveLength(20);
    for (const f of failures)
      expect(isConditionalCheckFailed((f as PromiseRejectedResult).reason)).toBe(true);
    const { data } = await engine.db.entities.flightOffer
      .get({ offerId: offer.offerId })
      .go({ consistent: true });
    expect(data?.seatsAvailable).toBe(0);
  });
});
