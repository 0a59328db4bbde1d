import { createLocalChangeFeed, type LocalChangeFeed } from "@travel/analytics";
import { newId } from "@travel/core";
import { WEBHOOK_STREAM_ENTITIES } from "@travel/webhooks";
import type { LocalWebhookWorker } from "@travel/webhooks/delivery";
import { Webhook } from "standardwebhooks";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createLocalWebhooks } from "../src/local-webhooks.js";
import { seedFlight } from "./fixtures.js";
import { readProblem, startTestApp, type TestApp, tableSnapshot } from "./harness.js";
import { eventually, type Receiver, startReceiver } from "./webhook-receiver.js";

const SECRET_KEY = "test-webhook-secret-key-0123456789abcdef";
/** Fast backoff so a test sees several retries in well under a second. */
const FAST_RETRY = { baseDelayMs: 60, maxDelayMs: 400, retryForMs: 60_000, jitter: 0 };

interface Delivery {
  id: string;
  eventId: string;
  eventType: string;
  status: string;
  attemptCount: number;
  attempts: { at: string; statusCode: number | null; error: string | null }[];
  nextRetryAt: string | null;
}

/** The app with local mode's webhook pipeline: change feed → producer → worker → receiver. */
async function startPipeline(options: {
  env?: Record<string, string>;
  resolve?: (host: string) => Promise<string[]>;
}) {
  const t = await startTestApp({
    env: { WEBHOOK_SECRET_KEY: SECRET_KEY, ...options.env },
    overrides: {
      webhooks: { retry: FAST_RETRY, ...(options.resolve ? { resolve: options.resolve } : {}) },
    },
  });
  const local = createLocalWebhooks({
    webhooks: t.deps.webhooks,
    db: t.engine.db,
    clock: t.deps.clock,
    logger: t.deps.logger,
    pollIntervalMs: 30,
  });
  const feed: LocalChangeFeed = createLocalChangeFeed({
    engine: t.engine,
    handler: local.producer.handle,
    entities: WEBHOOK_STREAM_ENTITIES,
    batchWindowMs: 10,
  });
  feed.start();
  local.worker.start();
  return {
    t,
    worker: local.worker as LocalWebhookWorker,
    async close() {
      await local.worker.stop();
      await feed.stop();
      await t.close();
    },
  };
}

function api(t: TestApp, key: string) {
  const send = (
    path: string,
    method = "GET",
    body?: unknown,
    headers: Record<string, string> = {},
  ) =>
    t.request(path, {
      method,
      key,
      headers: {
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  return {
    send,
    async register(url: string, events = ["booking.confirmed", "booking.cancelled"]) {
      const res = await send("/v1/webhooks", "POST", { url, events });
      expect(res.status).toBe(201);
      return (await res.json()) as { id: string; secret: string; url: string };
    },
    async book(offerId: string): Promise<string> {
      const res = await send(
        "/v1/bookings",
        "POST",
        {
          offerId,
          quantity: 1,
          travelers: [{ givenName: "Ada", familyName: "Lovelace" }],
          contact: { email: "ada@example.com" },
          expectedTotal: { amount: "250.00", currency: "USD" },
        },
        { "idempotency-key": `webhook-test-${newId("search")}` },
      );
      expect(res.status).toBe(201);
      return ((await res.json()) as { id: string }).id;
    },
    async cancel(bookingId: string) {
      const res = await send(`/v1/bookings/${bookingId}/cancel`, "POST");
      expect(res.status).toBe(200);
    },
    async deliveries(endpointId: string): Promise<Delivery[]> {
      const res = await send(`/v1/webhooks/${endpointId}/deliveries?limit=100`);
      expect(res.status).toBe(200);
      return ((await res.json()) as { data: Delivery[] }).data;
    },
  };
}

/**
 * The table without the delivery log: endpoints of earlier tests may still be retrying in the
 * background (their items change), which says nothing about what a refused request wrote.
 */
async function snapshotWithoutDeliveries(t: TestApp): Promise<string> {
  const items = JSON.parse(await tableSnapshot(t.engine)) as string[];
  return JSON.stringify(items.filter((item) => !item.startsWith("webhookDelivery:")));
}

function verify(secret: string, hook: { body: string; headers: Record<string, unknown> }) {
  return new Webhook(secret).verify(hook.body, hook.headers as Record<string, string>) as {
    id: string;
    type: string;
    createdAt: string;
    data: { id: string; status: string };
  };
}

describe("webhooks in local mode (local receiver, local change feed, in-process worker)", () => {
  let p: Awaited<ReturnType<typeof startPipeline>>;
  let receiver: Receiver;
  let key: string;

  beforeAll(async () => {
    p = await startPipeline({ env: { WEBHOOK_LOCAL_RECEIVERS: "on" } });
    key = await p.t.createKey(["book", "keys"], { tenantId: "tenant-hooks" });
  });
  afterAll(async () => {
    await p.close();
  });
  afterEach(async () => {
    await receiver?.stop();
    // Each test's endpoints go, so later tests' bookings are not sent to them too.
    const client = api(p.t, key);
    const listed = (await (await client.send("/v1/webhooks")).json()) as { data: { id: string }[] };
    for (const { id } of listed.data) await client.send(`/v1/webhooks/${id}`, "DELETE");
  });

  it("a booking and its cancellation arrive as two signed events, in order, verified with standardwebhooks", async () => {
    receiver = await startReceiver();
    const client = api(p.t, key);
    const endpoint = await client.register(receiver.url());
    expect(endpoint.secret).toMatch(/^whsec_/);

    const bookingId = await client.book(await seedFlight(p.t.engine.db, 9));
    await client.cancel(bookingId);

    await eventually(() => receiver.received.length >= 2);
    const events = receiver.received.map((hook) => verify(endpoint.secret, hook));
    expect(events.map((e) => [e.type, e.data.id, e.data.status])).toEqual([
      ["booking.confirmed", bookingId, "confirmed"],
      ["booking.cancelled", bookingId, "cancelled"],
    ]);
    for (const [i, hook] of receiver.received.entries()) {
      expect(hook.headers["webhook-id"]).toBe(events[i]?.id);
      expect(events[i]?.id).toMatch(/^evt_/);
    }
    // Any other secret fails verification.
    expect(() =>
      verify("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwMfKQ9r8GKYo=", receiver.received[0]!),
    ).toThrow();

    const log = await eventually(async () => {
      const d = await client.deliveries(endpoint.id);
      return d.every((x) => x.status === "delivered") && d.length === 2 ? d : undefined;
    });
    expect(log.map((d) => d.eventType)).toEqual(["booking.cancelled", "booking.confirmed"]);
    expect(log[0]?.attempts).toMatchObject([{ statusCode: 204, error: null }]);
    // Nothing more is sent: the feed's later changes of the booking make no new event.
    await p.worker.drain();
    expect(receiver.received).toHaveLength(2);
  });

  it("retries with backoff while the receiver is down and delivers everything, in order, once it is back", async () => {
    receiver = await startReceiver();
    const client = api(p.t, key);
    const endpoint = await client.register(receiver.url());
    await receiver.stop();

    const bookingId = await client.book(await seedFlight(p.t.engine.db, 9));
    await client.cancel(bookingId);
    // The confirmation is retried; the cancellation waits behind it (order per booking).
    const whileDown = await eventually(async () => {
      const d = await client.deliveries(endpoint.id);
      const confirmed = d.find((x) => x.eventType === "booking.confirmed");
      return confirmed && confirmed.attemptCount >= 3 && d.length === 2 ? d : undefined;
    });
    const confirmed = whileDown.find((x) => x.eventType === "booking.confirmed")!;
    const cancelled = whileDown.find((x) => x.eventType === "booking.cancelled")!;
    expect(confirmed.status).toBe("pending");
    expect(confirmed.nextRetryAt).not.toBeNull();
    expect(confirmed.attempts.every((a) => a.statusCode === null && a.error)).toBe(true);
    expect(cancelled).toMatchObject({ status: "pending", attemptCount: 0 });
    const at = confirmed.attempts.map((a) => Date.parse(a.at));
    const gaps = at.slice(1).map((t, i) => t - (at[i] as number));
    expect(gaps[0]).toBeGreaterThanOrEqual(FAST_RETRY.baseDelayMs);
    expect(gaps[1]).toBeGreaterThanOrEqual(2 * FAST_RETRY.baseDelayMs);

    await receiver.start();
    await eventually(() => receiver.received.length >= 2);
    const events = receiver.received.map((hook) => verify(endpoint.secret, hook));
    expect(events.map((e) => e.type)).toEqual(["booking.confirmed", "booking.cancelled"]);
    const log = await eventually(async () => {
      const d = await client.deliveries(endpoint.id);
      return d.every((x) => x.status === "delivered") ? d : undefined;
    });
    expect(log.find((d) => d.eventType === "booking.confirmed")?.attemptCount).toBeGreaterThan(3);
  });

  it("never follows a redirect: the 302 is a failed attempt and the target is never called", async () => {
    receiver = await startReceiver();
    const client = api(p.t, key);
    const endpoint = await client.register(receiver.url("/redirect-me"));
    const test = await client.send(`/v1/webhooks/${endpoint.id}/test`, "POST");
    expect(test.status).toBe(202);
    const delivery = await eventually(async () => {
      const [d] = await client.deliveries(endpoint.id);
      return d && d.attemptCount >= 2 ? d : undefined;
    });
    expect(delivery.status).toBe("pending");
    expect(delivery.attempts[0]).toMatchObject({ statusCode: 302 });
    expect(delivery.attempts[0]?.error).toContain("redirect");
    expect(receiver.received.every((r) => r.path === "/redirect-me")).toBe(true);
  });

  it("rotate-secret: the new secret is shown once and both secrets sign for the overlap", async () => {
    receiver = await startReceiver();
    const client = api(p.t, key);
    const endpoint = await client.register(receiver.url());
    const rotated = await client.send(`/v1/webhooks/${endpoint.id}/rotate-secret`, "POST");
    expect(rotated.status).toBe(200);
    const body = (await rotated.json()) as { secret: string; previousSecretExpiresAt: string };
    expect(body.secret).toMatch(/^whsec_/);
    expect(body.secret).not.toBe(endpoint.secret);
    const overlapHours = (Date.parse(body.previousSecretExpiresAt) - Date.now()) / 3_600_000;
    expect(overlapHours).toBeGreaterThan(23.9);
    expect(overlapHours).toBeLessThanOrEqual(24);

    const test = await client.send(`/v1/webhooks/${endpoint.id}/test`, "POST");
    expect(test.status).toBe(202);
    const queued = (await test.json()) as { id: string; type: string };
    await eventually(() => receiver.received.length >= 1);
    const hook = receiver.received[0]!;
    expect(String(hook.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    expect(verify(body.secret, hook)).toMatchObject({ id: queued.id, type: "webhook.test" });
    expect(verify(endpoint.secret, hook)).toMatchObject({ id: queued.id, type: "webhook.test" });

    // The secret never comes back after creation or rotation.
    const listed = await (await client.send("/v1/webhooks")).text();
    expect(listed).toContain(endpoint.id);
    expect(listed).not.toContain(body.secret);
    expect(listed).not.toContain(endpoint.secret);
    expect(listed).not.toContain("secret");
    // Nor is it stored in plain text.
    const stored = await tableSnapshot(p.t.engine);
    expect(stored).not.toContain(body.secret.slice(6));
    expect(stored).not.toContain(endpoint.secret.slice(6));
  });

  it("is the caller's tenant's only, needs the keys scope, and refuses bad input with 4xx writing nothing", async () => {
    const client = api(p.t, key);
    const endpoint = await client.register("http://localhost:9/hooks", ["booking.cancelled"]);
    const other = api(p.t, await p.t.createKey(["keys"], { tenantId: "tenant-other" }));
    for (const [path, method] of [
      [`/v1/webhooks/${endpoint.id}`, "DELETE"],
      [`/v1/webhooks/${endpoint.id}/test`, "POST"],
      [`/v1/webhooks/${endpoint.id}/rotate-secret`, "POST"],
      [`/v1/webhooks/${endpoint.id}/deliveries`, "GET"],
    ] as const) {
      const res = await other.send(path, method);
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    expect(((await (await other.send("/v1/webhooks")).json()) as { data: unknown[] }).data).toEqual(
      [],
    );

    const noScope = api(p.t, await p.t.createKey(["book"], { tenantId: "tenant-hooks" }));
    expect((await noScope.send("/v1/webhooks")).status).toBe(403);
    const keys = api(p.t, await p.t.createKey(["keys"], { tenantId: "tenant-hooks" }));
    expect((await keys.send("/v1/webhooks")).status).toBe(200);

    const before = await snapshotWithoutDeliveries(p.t);
    for (const body of [
      { url: "http://localhost:9/x", events: ["booking.exploded"] },
      { url: "http://localhost:9/x", events: [] },
      { url: "http://localhost:9/x", events: ["booking.confirmed", "booking.confirmed"] },
      { url: "http://localhost:9/x", events: ["booking.confirmed"], extra: 1 },
      { url: "not a url", events: ["booking.confirmed"] },
      { events: ["booking.confirmed"] },
    ]) {
      const res = await client.send("/v1/webhooks", "POST", body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      await readProblem(res);
    }
    expect((await client.send("/v1/webhooks/whk_nope!/deliveries")).status).toBe(422);
    expect((await client.send("/v1/webhooks/whk_nope!/test", "POST")).status).toBe(422);
    const unknown = "/v1/webhooks/whk_01JD8X3Z5K7M9P1Q3R5T7V9X1Z";
    expect((await client.send(`${unknown}/deliveries`)).status).toBe(404);
    expect((await client.send(unknown, "DELETE")).status).toBe(404);
    expect(await snapshotWithoutDeliveries(p.t)).toBe(before);

    expect((await client.send(`/v1/webhooks/${endpoint.id}`, "DELETE")).status).toBe(204);
    expect((await client.send(`/v1/webhooks/${endpoint.id}`, "DELETE")).status).toBe(404);
    expect((await client.send(`/v1/webhooks/${endpoint.id}/deliveries`)).status).toBe(404);
  });
});

describe("webhook URLs in a deployed-stage configuration", () => {
  let p: Awaited<ReturnType<typeof startPipeline>>;
  let receiver: Receiver;
  let key: string;
  /** What the fake DNS answers for every name; tests change it to play a rebinding host. */
  let dns: string[] = ["93.184.216.34"];

  beforeAll(async () => {
    receiver = await startReceiver();
    p = await startPipeline({ resolve: async () => dns });
    key = await p.t.createKey(["keys"], { tenantId: "tenant-deployed" });
  });
  afterAll(async () => {
    await receiver.stop();
    await p.close();
  });

  it.each([
    "http://hooks.example.com/travel",
    "http://127.0.0.1:8080/hooks",
    "https://127.0.0.1/hooks",
    "https://10.0.0.1/hooks",
    "https://169.254.169.254/latest/meta-data/",
    "https://[::ffff:127.0.0.1]/hooks",
    "https://[::1]/hooks",
    "https://localhost/hooks",
    "https://user:pass@hooks.example.com/",
    "ftp://hooks.example.com/",
  ])("refuses %s with 422 webhook_url_rejected, writing nothing", async (url) => {
    const before = await snapshotWithoutDeliveries(p.t);
    const res = await api(p.t, key).send("/v1/webhooks", "POST", {
      url,
      events: ["booking.confirmed"],
    });
    expect(res.status).toBe(422);
    expect(await readProblem(res)).toMatchObject({ code: "webhook_url_rejected" });
    expect(await snapshotWithoutDeliveries(p.t)).toBe(before);
  });

  it.each([
    ["127.0.0.1"],
    ["10.0.0.1"],
    ["169.254.169.254"],
    ["::ffff:127.0.0.1"],
    ["93.184.216.34", "192.168.1.20"],
  ])("refuses a host name resolving to %s", async (...addresses) => {
    dns = addresses;
    try {
      const res = await api(p.t, key).send("/v1/webhooks", "POST", {
        url: "https://hooks.example.com/travel",
        events: ["booking.confirmed"],
      });
      expect(res.status).toBe(422);
      expect(await readProblem(res)).toMatchObject({ code: "webhook_url_rejected" });
    } finally {
      dns = ["93.184.216.34"];
    }
  });

  it("refuses at delivery time when DNS changes after registration (no connection is made)", async () => {
    const client = api(p.t, key);
    // Registered while the name resolves to a public address; the port is the local receiver's,
    // so a sender that followed the new DNS answer would reach it.
    const endpoint = await client.register(`https://hooks.example.com:${receiver.port}/travel`);
    for (const rebound of ["127.0.0.1", "10.0.0.1", "169.254.169.254", "::ffff:127.0.0.1"]) {
      dns = [rebound];
      const test = await client.send(`/v1/webhooks/${endpoint.id}/test`, "POST");
      expect(test.status).toBe(202);
      const { id } = (await test.json()) as { id: string };
      const delivery = await eventually(async () => {
        const d = (await client.deliveries(endpoint.id)).find((x) => x.eventId === id);
        return d && d.attemptCount >= 1 ? d : undefined;
      });
      expect(delivery.attempts[0]?.statusCode).toBeNull();
      expect(delivery.attempts[0]?.error).toContain("webhook_url_rejected");
      expect(delivery.attempts[0]?.error).toContain(rebound);
    }
    expect(receiver.connections()).toBe(0);
    expect(receiver.received).toHaveLength(0);
    dns = ["93.184.216.34"];
    await client.send(`/v1/webhooks/${endpoint.id}`, "DELETE");
  });
});
