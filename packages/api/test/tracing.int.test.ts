import { createRedisClient } from "@travel/cache";
import { deleteKeysWithPrefix, describeRedis, uniqueKeyPrefix } from "@travel/cache/testing";
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from "aws-lambda";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createLambdaHandler } from "../src/lambda-handler.js";
import { instrumentDynamo, registerLambdaTracing } from "../src/xray/tracing.js";
import { dayFromToday, flightRecords, insertInventory, seedFlight } from "./fixtures.js";
import { startTestApp, type TestApp } from "./harness.js";
import {
  expectTree,
  type Subsegment,
  spansOf,
  startDaemon,
  type XRayDaemon,
} from "./xray-daemon.js";

function searchEvent(key: string, date: string): APIGatewayProxyEventV2 {
  return httpApiEvent(key, "GET", "/v1/flights/search", {
    query: `origin=JFK&destination=LAX&departureDate=${date}`,
  });
}

function httpApiEvent(
  key: string,
  method: string,
  path: string,
  init: { query?: string; body?: unknown; headers?: Record<string, string> } = {},
): APIGatewayProxyEventV2 {
  const rawQueryString = init.query ?? "";
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: path,
    rawQueryString,
    ...(rawQueryString
      ? { queryStringParameters: Object.fromEntries(new URLSearchParams(rawQueryString)) }
      : {}),
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    headers: {
      host: "abc123.execute-api.us-east-1.amazonaws.com",
      "x-api-key": key,
      ...(init.body === undefined ? {} : { "content-type": "application/json" }),
      ...init.headers,
    },
    requestContext: {
      accountId: "123456789012",
      apiId: "abc123",
      domainName: "abc123.execute-api.us-east-1.amazonaws.com",
      domainPrefix: "abc123",
      http: {
        method,
        path,
        protocol: "HTTP/1.1",
        sourceIp: "205.255.255.176",
        userAgent: "vitest",
      },
      requestId: "JKJaXmPLvHcESHA=",
      routeKey: "$default",
      stage: "$default",
      time: "10/Mar/2020:05:16:23 +0000",
      timeEpoch: 1583817383220,
    },
    isBase64Encoded: false,
  };
}

const lambdaContext = (xRayTraceId: string) =>
  ({
    functionName: "travel-api",
    awsRequestId: "c6af9ac6-7b61-11e6-9a41-93e812345678",
    getRemainingTimeInMillis: () => 10_000,
    xRayTraceId,
  }) as unknown as Context;

describeRedis("traces of a Lambda invocation reach the X-Ray daemon", ({ url }) => {
  let t: TestApp;
  let daemon: XRayDaemon;
  let key: string;
  const date = dayFromToday(6);
  const prefix = uniqueKeyPrefix("tracing");
  let handler: (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>;

  beforeAll(async () => {
    daemon = await startDaemon();
    const tracing = registerLambdaTracing({ daemonAddress: daemon.address });
    t = await startTestApp({ env: { REDIS_URL: url, REDIS_KEY_PREFIX: prefix } });
    instrumentDynamo(t.deps.dynamo.raw, t.deps.tracer);
    await insertInventory(t.engine.db, { flights: flightRecords(date) });
    key = await t.createKey(["search"]);
    handler = tracing.wrap(createLambdaHandler(t.app, t.deps));
  });
  afterAll(async () => {
    await t.close();
    daemon.close();
    const client = createRedisClient({ url });
    await deleteKeysWithPrefix(client, `${prefix}:`);
    await client.quit();
  });

  it("sends one search's spans as subsegments of the Lambda segment, its DynamoDB and Redis calls included", async () => {
    const traceId = "1-5759e988-bd862e3fe1be46a994272793";
    const lambdaSegment = "53995c3f42cd8ad8";
    const result = (await handler(
      searchEvent(key, date),
      lambdaContext(`Root=${traceId};Parent=${lambdaSegment};Sampled=1`),
    )) as APIGatewayProxyStructuredResultV2;
    expect(result.statusCode).toBe(200);

    const spans = await spansOf(daemon, traceId, "GET /v1/flights/search");
    const byId = new Map(spans.map((s) => [s.id, s]));
    const root = spans.find((s) => s.name === "GET /v1/flights/search");
    expect(root).toMatchObject({ type: "subsegment", parent_id: lambdaSegment });
    const search = spans.find((s) => s.name === "search.flights");
    expect(search?.parent_id).toBe(root?.id);
    const under = (span: Subsegment, ancestor: Subsegment | undefined): boolean => {
      for (let node = byId.get(span.parent_id ?? ""); node; node = byId.get(node.parent_id ?? "")) {
        if (node.id === ancestor?.id) return true;
      }
      return false;
    };
    // The search's own table reads (a first search loads the route from DynamoDB) and its Redis
    // commands (the inventory read model), as remote calls under search.flights.
    const dynamo = spans.filter((s) => s.name.startsWith("DynamoDB."));
    const redis = spans.filter((s) => s.name.startsWith("Redis."));
    expect(dynamo.filter((s) => under(s, search)).map((s) => s.name)).toContain("DynamoDB.Query");
    expect(redis.filter((s) => under(s, search)).map((s) => s.name)).toContain("Redis.HGETALL");
    // The rate limiter's Redis call and the key lookup belong to the request, before the search.
    expect(redis.some((s) => s.parent_id === root?.id)).toBe(true);
    for (const call of [...dynamo, ...redis]) expect(call.namespace, call.name).toBe("remote");
    expectTree(spans, lambdaSegment);
    // Nothing outside the invocation (the fixtures' writes) was recorded.
    expect(daemon.received.every((s) => s.trace_id.startsWith("1-5759e988-"))).toBe(true);
  });

  it("traces a booking: booking.book with its DynamoDB writes and the Redis refresh of the seats", async () => {
    const offerId = await seedFlight(t.engine.db, 9);
    const bookKey = await t.createKey(["search", "book"]);
    const traceId = "1-5759e988-0000000000000000000b00c1";
    const lambdaSegment = "53995c3f42cd8ad9";
    const result = (await handler(
      httpApiEvent(bookKey, "POST", "/v1/bookings", {
        body: {
          offerId,
          quantity: 1,
          travelers: [{ givenName: "Ada", familyName: "Lovelace" }],
          contact: { email: "ada@example.com" },
          expectedTotal: { amount: "250.00", currency: "USD" },
        },
        headers: { "idempotency-key": "tracing-booking-1" },
      }),
      lambdaContext(`Root=${traceId};Parent=${lambdaSegment};Sampled=1`),
    )) as APIGatewayProxyStructuredResultV2;
    expect(result.statusCode, result.body).toBe(201);
    const spans = await spansOf(daemon, traceId, "POST /v1/bookings");
    const book = spans.find((s) => s.name === "booking.book");
    expect(book).toBeDefined();
    const children = spans.filter((s) => s.parent_id === book?.id).map((s) => s.name);
    // The hold, the booking and the confirmation are table writes; the read model's seats are
    // refreshed in Redis before the answer (a script: EVALSHA once Redis has it, else EVAL).
    expect(children).toEqual(expect.arrayContaining(["DynamoDB.PutItem", "DynamoDB.UpdateItem"]));
    expect(children.filter((n) => /^Redis\.EVAL(SHA)?$/.test(n)).length).toBeGreaterThan(0);
    expectTree(spans, lambdaSegment);
  });

  it("records nothing for an invocation X-Ray did not sample", async () => {
    const unsampled = "1-5759e988-00000000000000000000dead";
    await handler(
      searchEvent(key, date),
      lambdaContext(`Root=${unsampled};Parent=53995c3f42cd8ad8;Sampled=0`),
    );
    const sampled = "1-5759e988-00000000000000000000beef";
    await handler(
      searchEvent(key, date),
      lambdaContext(`Root=${sampled};Parent=53995c3f42cd8ad8;Sampled=1`),
    );
    // Datagrams on loopback arrive in order: once the sampled one is in, the other would be too.
    await spansOf(daemon, sampled, "GET /v1/flights/search");
    expect(daemon.received.filter((s) => s.trace_id === unsampled)).toEqual([]);
  });
});
