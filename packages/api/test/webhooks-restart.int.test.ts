import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLocalChangeFeed } from "@travel/analytics";
import { startLocalEngine } from "@travel/core/local";
import { Webhook } from "standardwebhooks";
import { afterAll, describe, expect, it } from "vitest";
import { WEBHOOK_FEED_LANES } from "../src/local/feed.js";
import { createLocalWebhooks } from "../src/local-webhooks.js";
import { seedFlight } from "./fixtures.js";
import { startTestApp, type TestApp } from "./harness.js";
import { eventually, startReceiver } from "./webhook-receiver.js";

const SECRET_KEY = "test-webhook-secret-key-0123456789abcdef";
const FAST_RETRY = { baseDelayMs: 60, maxDelayMs: 400, retryForMs: 60_000, jitter: 0 };
const journal = { lanes: WEBHOOK_FEED_LANES };

/** One `pnpm start` life: the app and local mode's webhook pipeline on the engine's journal. */
async function startRun(dataDir: string) {
  const engine = await startLocalEngine({ dataDir, journal });
  const t = await startTestApp({
    engine,
    env: { WEBHOOK_SECRET_KEY: SECRET_KEY, WEBHOOK_LOCAL_RECEIVERS: "on" },
    overrides: { webhooks: { retry: FAST_RETRY } },
  });
  const local = createLocalWebhooks({
    webhooks: t.deps.webhooks,
    db: engine.db,
    clock: t.deps.clock,
    logger: t.deps.logger,
    pollIntervalMs: 30,
  });
  const feed = createLocalChangeFeed({
    engine,
    handler: local.producer.handle,
    lanes: WEBHOOK_FEED_LANES,
    batchWindowMs: 10,
  });
  return {
    t,
    startPipeline() {
      feed.start();
      local.worker.start();
    },
    async stopPipeline() {
      await local.worker.stop();
      await feed.stop();
    },
    async stop() {
      await local.worker.stop();
      await feed.stop();
      await t.close();
      await engine.stop();
    },
  };
}

async function book(t: TestApp, key: string, offerId: string, idempotencyKey: string) {
  const res = await t.request("/v1/bookings", {
    method: "POST",
    key,
    headers: { "content-type": "application/json", "idempotency-key": idempotencyKey },
    body: JSON.stringify({
      offerId,
      quantity: 1,
      travelers: [{ givenName: "Ada", familyName: "Lovelace" }],
      contact: { email: "ada@example.com" },
      expectedTotal: { amount: "250.00", currency: "USD" },
    }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

describe("local webhooks across a restart (durable change feed, in-process worker)", () => {
  const root = mkdtempSync(join(tmpdir(), "api-webhooks-restart-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("a receiver down across a restart gets every event: one already being retried, one whose booking committed after the pipeline stopped", async () => {
    const dataDir = join(root, "dynamo");
    const receiver = await startReceiver();
    const first = await startRun(dataDir);
    first.startPipeline();
    const key = await first.t.createKey(["book", "keys"], { tenantId: "tenant-restart" });
    const registered = await first.t.request("/v1/webhooks", {
      method: "POST",
      key,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ url: receiver.url(), events: ["booking.confirmed"] }),
    });
    expect(registered.status).toBe(201);
    const endpoint = (await registered.json()) as { id: string; secret: string };
    await receiver.stop();

    // Booking A: its event is made and retried while the receiver is down.
    const bookingA = await book(first.t, key, await seedFlight(first.t.engine.db, 9), "restart-a");
    await eventually(async () => {
      const res = await first.t.request(`/v1/webhooks/${endpoint.id}/deliveries`, { key });
      const { data } = (await res.json()) as { data: { attemptCount: number }[] };
      return data[0] && data[0].attemptCount >= 1;
    });
    // The pipeline stops (the process is going down); booking B commits after it: its change
    // is only in the engine's journal when the process ends.
    await first.stopPipeline();
    const bookingB = await book(first.t, key, await seedFlight(first.t.engine.db, 9), "restart-b");
    await first.stop();

    // Next start on the same data, receiver back: both events arrive, once each.
    await receiver.start();
    const second = await startRun(dataDir);
    second.startPipeline();
    try {
      await eventually(() => receiver.received.length >= 2, 20_000);
      const events = receiver.received.map(
        (hook) =>
          new Webhook(endpoint.secret).verify(
            hook.body,
            hook.headers as Record<string, string>,
          ) as { type: string; data: { id: string } },
      );
      expect(events.map((e) => [e.type, e.data.id]).sort()).toEqual(
        [
          ["booking.confirmed", bookingA],
          ["booking.confirmed", bookingB],
        ].sort(),
      );
      await new Promise((r) => setTimeout(r, 300));
      expect(receiver.received).toHaveLength(2);
    } finally {
      await second.stop();
      await receiver.stop();
    }
  }, 60_000);
});
