import { createHash, randomBytes } from "node:crypto";
import type { LocalEngine } from "@travel/core/local";

/** An API Gateway HTTP API (payload format 2.0) event, as AWS delivers it to the function. */
export function httpApiEvent(init: {
  method: string;
  path: string;
  query?: string;
  headers?: Record<string, string>;
  body?: string;
}) {
  const query = init.query ?? "";
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: init.path,
    rawQueryString: query,
    headers: {
      accept: "application/json",
      "accept-encoding": "gzip, deflate, br",
      "content-length": String(init.body?.length ?? 0),
      host: "abc123.execute-api.us-east-1.amazonaws.com",
      "user-agent": "bench-lambda",
      "x-amzn-trace-id": "Root=1-5e6722a7-cc56xmpl46db7ae02d4da47e",
      "x-forwarded-for": "203.0.113.10",
      "x-forwarded-port": "443",
      "x-forwarded-proto": "https",
      ...init.headers,
    },
    ...(query ? { queryStringParameters: Object.fromEntries(new URLSearchParams(query)) } : {}),
    requestContext: {
      accountId: "123456789012",
      apiId: "abc123",
      domainName: "abc123.execute-api.us-east-1.amazonaws.com",
      domainPrefix: "abc123",
      http: {
        method: init.method,
        path: init.path,
        protocol: "HTTP/1.1",
        sourceIp: "203.0.113.10",
        userAgent: "bench-lambda",
      },
      requestId: "bench",
      routeKey: "$default",
      stage: "$default",
      time: "01/Jan/2026:00:00:00 +0000",
      timeEpoch: Date.now(),
    },
    ...(init.body !== undefined ? { body: init.body } : {}),
    isBase64Encoded: false,
  };
}

export type HttpApiEvent = ReturnType<typeof httpApiEvent>;

/** `YYYY-MM-DD`, `days` after today (UTC). */
export function dayFromToday(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

export const HOTEL_ID = "htl_01BENCH0H0TE0000000000000A";
/** A flight with seats for every booking the bench makes. */
export const BOOKED_OFFER_ID = "off_01BENCH000000000000000000B";

/** Airports whose routes the uncached searches use, one route never searched before per run. */
const AIRPORTS = ["ATL", "ORD", "DFW", "DEN", "SFO", "SEA", "MIA", "BOS", "LHR", "CDG"];

/** `count` distinct routes other than JFK→LAX (origin, destination). */
export function uncachedRoutes(count: number): [string, string][] {
  const routes: [string, string][] = [];
  for (const origin of AIRPORTS) {
    for (const destination of AIRPORTS) {
      if (origin !== destination) routes.push([origin, destination]);
    }
  }
  if (count > routes.length) throw new Error(`at most ${routes.length} uncached routes`);
  return routes.slice(0, count);
}

/**
 * What the scenarios search and book: 5 flights a day on `date` for JFK→LAX (one of them the
 * booked flight) and every route of `routes`, one LHR hotel with 5 nights, and an API key with
 * every scope (plain key returned; stored hashed like `createApiKeyRepository` does).
 */
export async function seedBenchData(
  engine: LocalEngine,
  date: string,
  routes: [string, string][],
): Promise<string> {
  const { entities } = engine.db;
  const now = new Date().toISOString();
  for (const [r, [origin, destination]] of [
    ["JFK", "LAX"] as [string, string],
    ...routes,
  ].entries()) {
    for (let i = 0; i < 5; i++) {
      const departAt = new Date(`${date}T${String(8 + i * 2).padStart(2, "0")}:00:00Z`);
      const durationMinutes = 330 + i * 10;
      await entities.flightOffer
        .put({
          offerId:
            r === 0 && i === 0
              ? BOOKED_OFFER_ID
              : `off_01BENCH${String(r).padStart(4, "0")}${i}${"0".repeat(14)}`,
          origin,
          destination,
          departDate: date,
          departAt: departAt.toISOString(),
          arriveAt: new Date(departAt.getTime() + durationMinutes * 60_000).toISOString(),
          durationMinutes,
          stops: 0,
          carrier: i % 2 ? "DL" : "AA",
          flightNumber: `${i % 2 ? "DL" : "AA"}${100 + i}`,
          cabin: "economy",
          seatsAvailable: 9_000,
          seatsTotal: 9_000,
          priceMinor: 19_900 + i * 1_500,
          currency: "USD",
          version: 1,
          updatedAt: now,
        })
        .go();
    }
  }
  await entities.hotel
    .put({
      hotelId: HOTEL_ID,
      city: "LHR",
      name: "Bench Hotel",
      rating: 4,
      roomType: "Double",
      currency: "GBP",
      latitude: 51.5,
      longitude: -0.12,
    })
    .go();
  for (let n = 0; n < 5; n++) {
    await entities.roomNight
      .put({
        hotelId: HOTEL_ID,
        city: "LHR",
        date: dayFromToday(30 + n),
        roomsAvailable: 500,
        roomsTotal: 500,
        priceMinor: 15_000,
        currency: "GBP",
        version: 1,
        updatedAt: now,
      })
      .go();
  }
  const plainKey = `tk_${randomBytes(32).toString("base64url")}`;
  await entities.apiKey
    .create({
      keyId: `key_01BENCH${Date.now()}`,
      keyHash: createHash("sha256").update(plainKey).digest("hex"),
      tenantId: "tenant-bench",
      name: "bench:lambda",
      scopes: ["admin", "analytics", "book", "search"],
      rateLimitPerMinute: 1_000_000,
      createdAt: now,
    })
    .go();
  return plainKey;
}
