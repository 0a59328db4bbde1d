import { createSocket } from "node:dgram";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLambdaHandler } from "../src/lambda-handler.js";
import { instrumentDynamo, registerLambdaTracing } from "../src/xray/tracing.js";
import { dayFromToday, flightRecords, insertInventory } from "./fixtures.js";
import { startTestApp, type TestApp } from "./harness.js";

interface Subsegment {
  type: string;
  name: string;
  id: string;
  trace_id: string;
  parent_id?: string;
  start_time: number;
  end_time: number;
  namespace?: string;
}

/** A stand-in X-Ray daemon: the UDP socket Lambda's daemon listens on, collecting documents. */
async function startDaemon() {
  const received: Subsegment[] = [];
  const socket = createSocket("udp4");
  socket.on("message", (message) => {
    const [header, body] = message.toString("utf8").split("\n");
    expect(JSON.parse(header ?? "")).toEqual({ format: "json", version: 1 });
    received.push(JSON.parse(body ?? "") as Subsegment);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const { port } = socket.address() as AddressInfo;
  return { received, address: `127.0.0.1:${port}`, close: () => socket.close() };
}

function searchEvent(key: string, date: string): APIGatewayProxyEventV2 {
  const rawQueryString = `origin=JFK&destination=LAX&departureDate=${date}`;
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: "/v1/flights/search",
    rawQueryString,
    queryStringParameters: Object.fromEntries(new URLSearchParams(rawQueryString)),
    headers: { host: "abc123.execute-api.us-east-1.amazonaws.com", "x-api-key": key },
    requestContext: {
      accountId: "123456789012",
      apiId: "abc123",
      domainName: "abc123.execute-api.us-east-1.amazonaws.com",
      domainPrefix: "abc123",
      http: {
        method: "GET",
        path: "/v1/flights/search",
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

describe("traces of a Lambda invocation reach the X-Ray daemon", () => {
  let t: TestApp;
  let daemon: Awaited<ReturnType<typeof startDaemon>>;
  let key: string;
  const date = dayFromToday(6);
  let handler: (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>;

  beforeAll(async () => {
    daemon = await startDaemon();
    const tracing = registerLambdaTracing({ daemonAddress: daemon.address });
    t = await startTestApp();
    instrumentDynamo(t.deps.dynamo.raw, t.deps.tracer);
    await insertInventory(t.engine.db, { flights: flightRecords(date) });
    key = await t.createKey(["search"]);
    handler = tracing.wrap(createLambdaHandler(t.app, t.deps));
  });
  afterAll(async () => {
    await t.close();
    daemon.close();
  });

  async function spansOf(traceId: string, root: string) {
    for (let i = 0; i < 100; i++) {
      const spans = daemon.received.filter((s) => s.trace_id === traceId);
      if (spans.some((s) => s.name === root)) return spans;
      await sleep(20);
    }
    throw new Error(
      `no "${root}" span of ${traceId} arrived: ${JSON.stringify(daemon.received.map((s) => [s.name, s.trace_id]))}`,
    );
  }

  it("sends one search's spans as subsegments of the Lambda segment, DynamoDB calls included", async () => {
    const traceId = "1-5759e988-bd862e3fe1be46a994272793";
    const lambdaSegment = "53995c3f42cd8ad8";
    const result = (await handler(
      searchEvent(key, date),
      lambdaContext(`Root=${traceId};Parent=${lambdaSegment};Sampled=1`),
    )) as APIGatewayProxyStructuredResultV2;
    expect(result.statusCode).toBe(200);

    const spans = await spansOf(traceId, "GET /v1/flights/search");
    const byId = new Map(spans.map((s) => [s.id, s]));
    const root = spans.find((s) => s.name === "GET /v1/flights/search");
    expect(root).toMatchObject({ type: "subsegment", parent_id: lambdaSegment });
    const search = spans.find((s) => s.name === "search.flights");
    expect(search?.parent_id).toBe(root?.id);
    const dynamo = spans.filter((s) => s.name.startsWith("DynamoDB."));
    expect(dynamo.length).toBeGreaterThan(0);
    for (const call of dynamo) expect(call.namespace).toBe("remote");
    // Every span hangs off the Lambda segment through its parents, inside its parent's time.
    for (const span of spans) {
      let node: Subsegment | undefined = span;
      while (node && node.parent_id !== lambdaSegment) {
        const parent = byId.get(node.parent_id ?? "");
        expect(parent, `${span.name}'s parent`).toBeDefined();
        expect(node.start_time).toBeGreaterThanOrEqual(parent?.start_time ?? 0);
        node = parent;
      }
      expect(span.end_time).toBeGreaterThanOrEqual(span.start_time);
    }
    // Nothing outside the invocation (the fixtures' writes) was recorded.
    expect(daemon.received.every((s) => s.trace_id.startsWith("1-5759e988-"))).toBe(true);
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
    await spansOf(sampled, "GET /v1/flights/search");
    expect(daemon.received.filter((s) => s.trace_id === unsampled)).toEqual([]);
  });
});
