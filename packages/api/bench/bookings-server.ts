/**
 * The server `bookings.bench.ts` measures: the full API in local-mode configuration (embedded
 * engine in memory, in-process cache and rate limiter: no REDIS_URL) with `OFFERS` flight offers
 * of `SEATS` seats each. It also serves `GET /__oversell-check`, which reads every offer
 * (strongly consistent) and checks the booking invariant on each item's own snapshot:
 * `seatsAvailable >= 0` and `seatsAvailable + Σ holds = seats seeded`.
 * Prints one JSON line `{ port, key, offers }` when ready.
 */
import { serve } from "@hono/node-server";
import { newId } from "@travel/core";
import { startLocalEngine } from "@travel/core/local";
import { Hono } from "hono";
import { createApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { createAppDeps } from "../src/deps.js";

// The AWS SDK's "node >=22 from 2027" notice is noise in a bench (Lambda runs 22): the SDK's
// own switch silences that one warning and no other (child processes inherit it).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const OFFERS = Number(process.env.BENCH_OFFERS ?? 50);
const SEATS = Number(process.env.BENCH_SEATS ?? 40);

const engine = await startLocalEngine();
const config = loadConfig({
  LOG_LEVEL: process.env.LOG_LEVEL ?? "WARN",
  CURSOR_SIGNING_KEY: "bench-cursor-signing-key-0123456789abcdef",
});
const deps = await createAppDeps(config, { dynamo: engine.clients, db: engine.db });

const departAt = new Date(Date.now() + 20 * 86_400_000);
departAt.setUTCHours(9, 0, 0, 0);
const offers: { offerId: string; priceMinor: number }[] = [];
for (let i = 0; i < OFFERS; i++) {
  const offerId = newId("offer");
  const priceMinor = 10_000 + i * 100;
  offers.push({ offerId, priceMinor });
  await engine.db.entities.flightOffer
    .create({
      offerId,
      origin: "JFK",
      destination: "LAX",
      departDate: departAt.toISOString().slice(0, 10),
      departAt: departAt.toISOString(),
      arriveAt: new Date(departAt.getTime() + 6 * 3600_000).toISOString(),
      durationMinutes: 360,
      stops: 0,
      carrier: "AA",
      flightNumber: `AA${100 + i}`,
      cabin: "economy",
      seatsAvailable: SEATS,
      seatsTotal: SEATS,
      priceMinor,
      currency: "USD",
      version: 1,
      updatedAt: new Date().toISOString(),
      holds: {},
    })
    .go();
}
const { plainKey } = await deps.apiKeys.create({
  tenantId: "bench",
  name: "bench",
  scopes: ["book"],
  rateLimitPerMinute: 1_000_000,
  now: new Date(),
});

const root = new Hono();
root.get("/__oversell-check", async (c) => {
  let seatsLeft = 0;
  let held = 0;
  const violations: string[] = [];
  for (const { offerId } of offers) {
    const { data } = await engine.db.entities.flightOffer.get({ offerId }).go({ consistent: true });
    const holds = Object.values((data?.holds ?? {}) as Record<string, number>);
    const sum = holds.reduce((a, b) => a + b, 0);
    seatsLeft += data!.seatsAvailable;
    held += sum;
    if (data!.seatsAvailable < 0 || data!.seatsAvailable + sum !== SEATS) violations.push(offerId);
  }
  const confirmed = await engine.db.entities.booking.scan
    .where(({ status }, { eq }) => eq(status, "confirmed"))
    .go({ pages: "all" });
  const confirmedSeats = confirmed.data.reduce((sum, b) => sum + b.quantity, 0);
  return c.json({ seatsLeft, held, confirmedSeats, seeded: OFFERS * SEATS, violations });
});
root.route("/", createApp(deps));

const server = serve({ fetch: root.fetch, port: 0, hostname: "127.0.0.1" }, (info) => {
  process.stdout.write(`${JSON.stringify({ port: info.port, key: plainKey, offers })}\n`);
});

process.once("SIGTERM", async () => {
  server.close();
  await deps.close();
  await engine.stop();
  process.exit(0);
});
