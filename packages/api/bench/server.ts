/**
 * The server `search.bench.ts` measures: the full API (real Redis for the search cache and the
 * rate limiter; the embedded engine of `engine.ts` at `DYNAMO_ENDPOINT`, in its own process) plus,
 * on the same server, a bare Hono JSON route that skips every API middleware. Prints one JSON
 * line `{ port, key, date }` when ready.
 */
import { serve } from "@hono/node-server";
import { createDynamoClients, createTravelService } from "@travel/core";
import { LOCAL_CREDENTIALS } from "@travel/core/local";
import { Hono } from "hono";
import { createApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { createAppDeps } from "../src/deps.js";
import { flightRecords } from "../test/fixtures.js";

// The AWS SDK's "node >=22 from 2027" notice is noise in a bench (Lambda runs 22): the SDK's
// own switch silences that one warning and no other (child processes inherit it).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `bench:api:${process.pid}`;
const endpoint = process.env.DYNAMO_ENDPOINT;
const tableName = process.env.TABLE_NAME ?? "travel";
if (!endpoint) throw new Error("DYNAMO_ENDPOINT is required (see engine.ts)");
const dynamo = createDynamoClients({ endpoint, credentials: LOCAL_CREDENTIALS });
const db = createTravelService({ client: dynamo.document, table: tableName });
const config = loadConfig({
  REDIS_URL: redisUrl,
  REDIS_KEY_PREFIX: prefix,
  LOG_LEVEL: process.env.LOG_LEVEL ?? "WARN",
  // Generous: on a 2-core box shared with the load generator and the engine, event-loop lag alone
  // can exceed the 100 ms default and turn hits into fall-open misses; this bench measures hits.
  CACHE_COMMAND_TIMEOUT_MS: process.env.CACHE_COMMAND_TIMEOUT_MS ?? "1000",
  CURSOR_SIGNING_KEY: "bench-cursor-signing-key-0123456789abcdef",
});
const deps = await createAppDeps(config, { dynamo, db });

// 20 economy offers on one route and day: a realistic page of results.
const date = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
const specs = Array.from({ length: 20 }, (_, i) => ({
  id: `off_01JD8X3Z5K7M9P1Q3R5T7V${String(i).padStart(2, "0")}AA`,
  departHourUtc: 4 + (i % 18),
  durationMinutes: 300 + ((i * 37) % 200),
  priceMinor: 15_000 + ((i * 7919) % 40_000),
  seats: 3 + (i % 9),
}));
for (const record of flightRecords(date, specs)) await db.entities.flightOffer.put(record).go();
const { plainKey } = await deps.apiKeys.create({
  tenantId: "bench",
  name: "bench",
  scopes: ["search"],
  rateLimitPerMinute: 1_000_000,
  now: new Date(),
});

const cacheErrors = new Map<string, number>();
deps.cache.onMetric((event) => {
  if (event.type !== "error") return;
  const key = `${event.operation}: ${event.error instanceof Error ? event.error.name : String(event.error)}`;
  cacheErrors.set(key, (cacheErrors.get(key) ?? 0) + 1);
});

const app = createApp(deps);
// Baselines on the same server, outside every API middleware: a tiny JSON answer, and the very
// body the cached search answers (so the comparison isolates the stack, not JSON size).
const searchPath = `/v1/flights/search?origin=JFK&destination=LAX&departureDate=${date}&limit=20`;
const sample = await app.request(searchPath, { headers: { "x-api-key": plainKey } });
if (sample.status !== 200) throw new Error(`sample search failed: ${sample.status}`);
const searchBody: unknown = await sample.json();
const bare = new Hono();
bare.get("/__bare", (c) => c.json({ status: "ok", items: [1, 2, 3] }));
bare.get("/__bare-search-body", (c) => c.json(searchBody));
// The API app is served as production serves it: mounting it into another Hono app with
// `route()` would wrap each of its handlers in a second compose for its onError (measured: ~3 %
// of a search's CPU) that production never pays.
const fetch = (request: Request) =>
  // The path starts at the first "/" after "http://host"; only it decides, not the query string.
  request.url.startsWith("/__bare", request.url.indexOf("/", 8))
    ? bare.fetch(request)
    : app.fetch(request);

const server = serve({ fetch, port: 0, hostname: "127.0.0.1" }, (info) => {
  process.stdout.write(
    `${JSON.stringify({ port: info.port, key: plainKey, date, backend: deps.cache.backend })}\n`,
  );
});

process.once("SIGTERM", async () => {
  server.close();
  // What the run did to the cache and the limiter, so a result is never a disguised miss storm.
  const { hits, misses, errors, breakerState } = deps.cache.metrics();
  process.stderr.write(
    `${JSON.stringify({ cache: { hits, misses, errors, breakerState, errorKinds: Object.fromEntries(cacheErrors) }, metrics: deps.metrics.snapshot(), events: deps.searchEvents.stats() })}\n`,
  );
  // Remove what this run put in Redis: its cache entries and rate-limit counters.
  const { Redis } = await import("ioredis");
  const { deleteKeysWithPrefix } = await import("@travel/cache/testing");
  const redis = new Redis(redisUrl);
  await deleteKeysWithPrefix(redis, prefix);
  redis.disconnect();
  await deps.close();
  dynamo.raw.destroy();
  process.exit(0);
});
