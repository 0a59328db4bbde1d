import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLambdaHandler } from "../src/lambda-handler.js";
import { dayFromToday, flightRecords, insertInventory } from "./fixtures.js";
import { startTestApp, type TestApp } from "./harness.js";

/** An HTTP API (payload format 2.0) event in the shape AWS documents for Lambda proxy integrations. */
function httpApiEvent(init: {
  method: string;
  path: string;
  query?: string;
  headers?: Record<string, string>;
  body?: string;
}): APIGatewayProxyEventV2 {
  const queryStringParameters = init.query
    ? Object.fromEntries(new URLSearchParams(init.query))
    : undefined;
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: init.path,
    rawQueryString: init.query ?? "",
    headers: {
      accept: "application/json",
      "content-length": String(init.body?.length ?? 0),
      host: "abc123.execute-api.us-east-1.amazonaws.com",
      "user-agent": "vitest",
      "x-amzn-trace-id": "Root=1-5e6722a7-cc56xmpl46db7ae02d4da47e",
      "x-forwarded-for": "205.255.255.176",
      "x-forwarded-port": "443",
      "x-forwarded-proto": "https",
      ...init.headers,
    },
    ...(queryStringParameters ? { queryStringParameters } : {}),
    requestContext: {
      accountId: "123456789012",
      apiId: "abc123",
      domainName: "abc123.execute-api.us-east-1.amazonaws.com",
      domainPrefix: "abc123",
      http: {
        method: init.method,
        path: init.path,
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
    ...(init.body !== undefined ? { body: init.body } : {}),
    isBase64Encoded: false,
  };
}

const lambdaContext = {
  functionName: "travel-api",
  awsRequestId: "c6af9ac6-7b61-11e6-9a41-93e812345678",
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

describe("Lambda handler (API Gateway HTTP API, payload 2.0)", () => {
  let t: TestApp;
  let key: string;
  const date = dayFromToday(6);
  beforeAll(async () => {
    t = await startTestApp();
    await insertInventory(t.engine.db, { flights: flightRecords(date) });
    key = await t.createKey(["search", "admin"]);
  });
  afterAll(async () => {
    await t.close();
  });

  it("answers a search event with offers, x-cache and rate-limit headers, and flushes search events", async () => {
    const handler = createLambdaHandler(t.app, t.deps);
    const result = (await handler(
      httpApiEvent({
        method: "GET",
        path: "/v1/flights/search",
        query: `origin=JFK&destination=LAX&departureDate=${date}&sort=duration`,
        headers: { "x-api-key": key, "x-request-id": "lambda-test-1" },
      }),
      lambdaContext,
    )) as APIGatewayProxyStructuredResultV2;
    expect(result.statusCode).toBe(200);
    expect(result.headers?.["x-cache"]).toBe("MISS");
    expect(result.headers?.["x-request-id"]).toBe("lambda-test-1");
    expect(result.headers?.["ratelimit-limit"]).toBe("10000");
    const body = JSON.parse(result.body ?? "") as {
      data: { durationMinutes: number }[];
      meta: { searchId: string };
    };
    expect(body.data.map((o) => o.durationMinutes)).toEqual([330, 345, 390, 480]);
    // The handler flushed the search event before returning: it is already in the table.
    const recorded = await t.engine.db.entities.searchEvent
      .get({ searchId: body.meta.searchId })
      .go();
    expect(recorded.data).toMatchObject({ route: "JFK-LAX", cacheStatus: "miss", resultCount: 4 });
  });

  it("answers a POST body event and a problem for a missing key", async () => {
    const handler = createLambdaHandler(t.app, t.deps);
    const created = (await handler(
      httpApiEvent({
        method: "POST",
        path: "/v1/admin/api-keys",
        headers: { "x-api-key": key, "content-type": "application/json" },
        body: JSON.stringify({ tenantId: "lambda", name: "via lambda", scopes: ["search"] }),
      }),
      lambdaContext,
    )) as APIGatewayProxyStructuredResultV2;
    expect(created.statusCode).toBe(201);
    expect(JSON.parse(created.body ?? "")).toMatchObject({
      tenantId: "lambda",
      scopes: ["search"],
    });

    const denied = (await handler(
      httpApiEvent({ method: "GET", path: "/v1/offers/off_01JD8X3Z5K7M9P1Q3R5T7V9X1Z" }),
      lambdaContext,
    )) as APIGatewayProxyStructuredResultV2;
    expect(denied.statusCode).toBe(401);
    expect(denied.headers?.["content-type"]).toBe("application/problem+json");
    expect(JSON.parse(denied.body ?? "")).toMatchObject({ code: "unauthorized" });
  });
});

describe("the lambda.ts entry", () => {
  it("builds the app from SST links at cold start and answers /health", async () => {
    const { startLocalEngine } = await import("@travel/core/local");
    const engine = await startLocalEngine({ tableName: "travel-linked" });
    // `sst dev` / `sst shell` expose links as SST_RESOURCE_<Name> JSON; deployed functions decrypt
    // the same data from their bundle. `sst/resource` reads both.
    process.env.SST_RESOURCE_App = JSON.stringify({ name: "travel", stage: "test" });
    process.env.SST_RESOURCE_Table = JSON.stringify({
      name: "travel-linked",
      type: "sst.aws.Dynamo",
    });
    process.env.SST_RESOURCE_CursorSigningKey = JSON.stringify({ value: "x".repeat(40) });
    process.env.DYNAMO_ENDPOINT = engine.endpoint;
    process.env.LOG_LEVEL = "SILENT";
    process.env.POWERTOOLS_METRICS_DISABLED = "true";
    try {
      const { handler } = await import("../src/lambda.js");
      const result = (await handler(
        httpApiEvent({ method: "GET", path: "/health" }),
        lambdaContext,
      )) as APIGatewayProxyStructuredResultV2;
      expect(result.statusCode).toBe(200);
      expect(JSON.parse(result.body ?? "")).toEqual({
        status: "ok",
        checks: { dynamodb: "ok", cache: "ok" },
      });
    } finally {
      await engine.stop();
    }
  });
});
