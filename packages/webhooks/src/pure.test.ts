import type { BookingRecord } from "@travel/core";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { nextAttemptAt } from "./backoff.js";
import { WebhookSecretError } from "./errors.js";
import { bookingEvents } from "./events.js";
import { createSecretBox, generateWebhookSecret } from "./secrets.js";
import { signatureHeaders } from "./signature.js";

const HOUR = 3_600_000;

describe("nextAttemptAt", () => {
  const createdAt = new Date("2026-12-01T00:00:00Z");
  const noJitter = () => 0.5;

  it("doubles the wait after each failure, up to 4 h", () => {
    const waits = [1, 2, 3, 4, 12, 13, 20].map((failedAttempts) => {
      const now = new Date(createdAt.getTime() + 1000);
      return (
        nextAttemptAt({ createdAt, failedAttempts, now }, undefined, noJitter)!.getTime() -
        now.getTime()
      );
    });
    expect(waits).toEqual([5_000, 10_000, 20_000, 40_000, 10_240_000, 4 * HOUR, 4 * HOUR]);
  });

  it("makes one last attempt at the end of the 24 h window, then gives up", () => {
    const late = new Date(createdAt.getTime() + 23 * HOUR);
    expect(
      nextAttemptAt({ createdAt, failedAttempts: 15, now: late }, undefined, noJitter),
    ).toEqual(new Date(createdAt.getTime() + 24 * HOUR));
    const over = new Date(createdAt.getTime() + 24 * HOUR);
    expect(nextAttemptAt({ createdAt, failedAttempts: 16, now: over })).toBeUndefined();
  });

  it("spreads waits by the jitter, never below zero", () => {
    const now = new Date(createdAt.getTime() + 1000);
    const low = nextAttemptAt({ createdAt, failedAttempts: 1, now }, undefined, () => 0)!;
    const high = nextAttemptAt({ createdAt, failedAttempts: 1, now }, undefined, () => 1)!;
    expect(low.getTime() - now.getTime()).toBe(4_500);
    expect(high.getTime() - now.getTime()).toBe(5_500);
  });
});

describe("secret box", () => {
  const box = createSecretBox("k".repeat(40));

  it("round-trips a secret and stores nothing readable", () => {
    const secret = generateWebhookSecret();
    const sealed = box.seal(secret, "whk_A");
    expect(sealed).not.toContain(secret.slice(6, 20));
    expect(box.open(sealed, "whk_A")).toBe(secret);
    expect(box.seal(secret, "whk_A")).not.toBe(sealed); // fresh IV each time
  });

  it("refuses a ciphertext moved to another endpoint, tampered with, or under another key", () => {
    const sealed = box.seal(generateWebhookSecret(), "whk_A");
    expect(() => box.open(sealed, "whk_B")).toThrow(WebhookSecretError);
    const tampered = `${sealed.slice(0, -2)}${sealed.endsWith("A") ? "B" : "A"}A`;
    expect(() => box.open(tampered, "whk_A")).toThrow(WebhookSecretError);
    expect(() => createSecretBox("z".repeat(40)).open(sealed, "whk_A")).toThrow(WebhookSecretError);
    expect(() => box.open("garbage", "whk_A")).toThrow(WebhookSecretError);
    expect(() => createSecretBox("short")).toThrow(WebhookSecretError);
  });
});

describe("signatureHeaders", () => {
  it("signs with every secret so a receiver holding either verifies", () => {
    const [a, b] = [generateWebhookSecret(), generateWebhookSecret()];
    const payload = JSON.stringify({ id: "evt_1", type: "webhook.test" });
    const headers = signatureHeaders({
      id: "evt_1",
      timestamp: new Date(),
      payload,
      secrets: [a, b],
    });
    expect(headers["webhook-signature"]).toMatch(/^v1,\S+ v1,\S+$/);
    expect(new Webhook(a).verify(payload, headers)).toMatchObject({ id: "evt_1" });
    expect(new Webhook(b).verify(payload, headers)).toMatchObject({ id: "evt_1" });
    expect(() => new Webhook(generateWebhookSecret()).verify(payload, headers)).toThrow();
    expect(() => new Webhook(a).verify(`${payload} `, headers)).toThrow();
  });
});

describe("bookingEvents", () => {
  const base = {
    bookingId: "bkg_1",
    tenantId: "t",
    updatedAt: "2026-12-01T00:00:05Z",
  } as unknown as BookingRecord;
  const pending = { ...base, status: "pending" } as BookingRecord;
  const confirmed = {
    ...base,
    status: "confirmed",
    confirmedAt: "2026-12-01T00:00:01Z",
  } as BookingRecord;
  const cancelled = {
    ...confirmed,
    status: "cancelled",
    cancelledAt: "2026-12-01T00:00:09Z",
  } as BookingRecord;

  it("makes one event per status transition and none for other writes", () => {
    expect(bookingEvents(pending, confirmed).map((e) => [e.type, e.occurredAt])).toEqual([
      ["booking.confirmed", "2026-12-01T00:00:01Z"],
    ]);
    expect(bookingEvents(undefined, confirmed).map((e) => e.type)).toEqual(["booking.confirmed"]);
    expect(bookingEvents(confirmed, cancelled).map((e) => [e.type, e.occurredAt])).toEqual([
      ["booking.cancelled", "2026-12-01T00:00:09Z"],
    ]);
    expect(bookingEvents(confirmed, { ...confirmed, updatedAt: "later" } as BookingRecord)).toEqual(
      [],
    );
    expect(bookingEvents(cancelled, cancelled)).toEqual([]);
    expect(bookingEvents(undefined, pending)).toEqual([]);
    expect(bookingEvents(pending, { ...pending, status: "failed" } as BookingRecord)).toEqual([]);
    expect(bookingEvents(confirmed, undefined)).toEqual([]);
  });
});
