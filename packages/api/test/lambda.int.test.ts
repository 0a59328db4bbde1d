import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { scanSearchEvents } from "@travel/core/local";
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createLambdaHandler } from "../src/lambda-handler.js";
import { createLogger, createMetrics } from "../src/observability.js";
import { registerPostResponseExtension } from "../src/post-response.js";
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
    key = await t.createKey(["search", "keys"], { tenantId: "lambda" });
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
    const recorded = (await scanSearchEvents(t.engine.db)).get(body.meta.searchId);
    expect(recorded).toMatchObject({ route: "JFK-LAX", cacheStatus: "miss", resultCount: 4 });
  });

  it("logs with the invocation's Lambda context and counts one ColdStart per process", async () => {
    const logger = createLogger({ serviceName: "travel-api", logLevel: "INFO" });
    const metrics = createMetrics({ serviceName: "travel-api", emitEmf: false });
    const handler = createLambdaHandler(t.app, { logger, metrics, flush: async () => {} });
    const lines: string[] = [];
    const write = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      for (const awsRequestId of ["cold-1", "warm-2"]) {
        await handler(httpApiEvent({ method: "GET", path: "/health" }), {
          ...lambdaContext,
          awsRequestId,
        } as Context);
        logger.info("probe");
      }
    } finally {
      write.mockRestore();
    }
    const probes = lines
      .flatMap((l) => l.split("\n"))
      .filter((l) => l.includes('"probe"'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(probes).toMatchObject([
      {
        function_request_id: "cold-1",
        cold_start: expect.any(Boolean),
        function_name: "travel-api",
      },
      { function_request_id: "warm-2", cold_start: false },
    ]);
    expect(metrics.snapshot().ColdStart).toBe(1);
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
      expect(JSON.parse(result.body ?? "")).toMatchObject({
        status: "ok",
        checks: { dynamodb: "ok", cache: "ok" },
      });
    } finally {
      await engine.stop();
    }
  });
});

/**
 * Lambda's side of the Extensions API, as documented: `register` answers an identifier, and
 * `event/next` is held open until the next invocation starts; an extension asking for its next
 * event is how Lambda learns it is done with the current one.
 */
async function fakeExtensionsApi(options: { refuse?: boolean } = {}) {
  const log: string[] = [];
  let held: ServerResponse | undefined;
  let asked: (() => void) | undefined;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method === "POST" && req.url === "/2020-01-01/extension/register") {
      let body = "";
      req.on("data", (c: Buffer) => {
        body += c.toString();
      });
      req.on("end", () => {
        log.push(`register ${req.headers["lambda-extension-name"]} ${body}`);
        if (options.refuse) {
          res.writeHead(403).end('{"errorType":"Extension.Forbidden"}');
          return;
        }
        res.writeHead(200, { "Lambda-Extension-Identifier": "ext-1" }).end("{}");
      });
      return;
    }
    if (req.method === "GET" && req.url === "/2020-01-01/extension/event/next") {
      expect(req.headers["lambda-extension-identifier"]).toBe("ext-1");
      log.push("extension: next");
      held = res;
      asked?.();
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const waitForNext = () =>
    new Promise<void>((resolve) => {
      if (held) resolve();
      else asked = resolve;
    });
  return {
    runtimeApi: `127.0.0.1:${port}`,
    log,
    waitForNext,
    /** Starts an invocation: answers the held `event/next` with an INVOKE event. */
    async invoke(requestId: string, deadlineInMs = 10_000) {
      await waitForNext();
      const res = held as ServerResponse;
      held = undefined;
      asked = undefined;
      res.writeHead(200, { "content-type": "application/json" }).end(
        JSON.stringify({
          eventType: "INVOKE",
          deadlineMs: Date.now() + deadlineInMs,
          requestId,
          invokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:travel-api",
          tracing: { type: "X-Amzn-Trace-Id", value: "Root=1-5f35ae12-0c0fec141ab77a00bc047aa2" },
        }),
      );
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** A deferred promise: the test decides when it settles. */
function deferred() {
  let resolve = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const contextFor = (awsRequestId: string) => ({ ...lambdaContext, awsRequestId }) as Context;

describe("flushing after the response (Lambda internal extension)", () => {
  let t: TestApp;
  let key: string;
  const date = dayFromToday(7);
  const silent = { warn: () => {}, error: () => {} };
  beforeAll(async () => {
    t = await startTestApp();
    await insertInventory(t.engine.db, { flights: flightRecords(date) });
    key = await t.createKey(["search"]);
  });
  afterAll(async () => {
    await t.close();
  });
  const search = () =>
    httpApiEvent({
      method: "GET",
      path: "/v1/flights/search",
      query: `origin=JFK&destination=LAX&departureDate=${date}`,
      headers: { "x-api-key": key },
    });

  it("answers before the search events are written, and holds the invocation until they are", async () => {
    const api = await fakeExtensionsApi();
    const runner = await registerPostResponseExtension({
      runtimeApi: api.runtimeApi,
      logger: silent,
    });
    expect(runner).toBeDefined();
    expect(api.log[0]).toBe('register travel-post-response-flush {"events":["INVOKE"]}');
    let gate = deferred();
    let flushed = 0;
    // The flush is held at a gate the test opens: the answer must not wait for it.
    const gatedDeps = {
      logger: t.deps.logger,
      metrics: t.deps.metrics,
      flush: async () => {
        await gate.promise;
        await t.deps.flush();
        flushed++;
      },
    };
    const handler = createLambdaHandler(t.app, gatedDeps, runner);
    try {
      for (const requestId of ["req-1", "req-2"]) {
        gate = deferred();
        await api.invoke(requestId);
        const result = (await Promise.race([
          handler(search(), contextFor(requestId)),
          sleep(5_000).then(() => {
            throw new Error("the handler waited for the flush");
          }),
        ])) as APIGatewayProxyStructuredResultV2;
        expect(result.statusCode).toBe(200);
        const { meta } = JSON.parse(result.body ?? "") as { meta: { searchId: string } };
        // The caller has its answer; the event is not written yet.
        expect((await scanSearchEvents(t.engine.db)).has(meta.searchId)).toBe(false);
        gate.resolve();
        // The extension asks for its next event (ending the invocation) only after the flush.
        await api.waitForNext();
        expect(flushed).toBe(requestId === "req-1" ? 1 : 2);
        const after = (await scanSearchEvents(t.engine.db)).get(meta.searchId);
        expect(after).toMatchObject({ route: "JFK-LAX" });
      }
      expect(api.log.filter((line) => line === "extension: next")).toHaveLength(3);
    } finally {
      runner?.stop();
      await api.close();
    }
  });

  it("pairs work with its invocation; survives work that throws, hangs, or comes before its event", async () => {
    const api = await fakeExtensionsApi();
    const errors: string[] = [];
    const runner = await registerPostResponseExtension({
      runtimeApi: api.runtimeApi,
      logger: { warn: () => {}, error: (message) => errors.push(message) },
    });
    if (!runner) throw new Error("not registered");
    const done: string[] = [];
    try {
      // Work handed over before the extension sees the invocation's event still runs in it.
      runner.schedule("early", async () => {
        done.push("early");
      });
      await api.invoke("early");
      await api.waitForNext();
      expect(done).toEqual(["early"]);

      // Work that throws: logged, and the invocation still ends.
      await api.invoke("throws");
      runner.schedule("throws", async () => {
        throw new Error("table down");
      });
      await api.waitForNext();
      expect(errors).toContain("post-response work failed");

      // Work that never finishes: the invocation ends before its deadline (1 s here).
      await api.invoke("hangs", 1_000);
      runner.schedule("hangs", () => new Promise<void>(() => {}));
      const started = Date.now();
      await api.waitForNext();
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(errors).toContain("post-response work did not finish before the invocation deadline");

      // Work of an invocation whose event never reached the extension runs at the next one.
      runner.schedule("lost", async () => {
        done.push("lost");
      });
      await api.invoke("after-lost");
      runner.schedule("after-lost", async () => {
        done.push("after-lost");
      });
      await api.waitForNext();
      expect(done).toEqual(["early", "lost", "after-lost"]);
    } finally {
      runner.stop();
      await api.close();
    }
  });

  it("flushes before answering when the extension cannot register, or outside Lambda", async () => {
    const api = await fakeExtensionsApi({ refuse: true });
    const warnings: string[] = [];
    const runner = await registerPostResponseExtension({
      runtimeApi: api.runtimeApi,
      logger: { warn: (message) => warnings.push(message), error: () => {} },
    });
    await api.close();
    expect(runner).toBeUndefined();
    expect(warnings).toEqual([
      "post-response extension not registered; flushing before each response",
    ]);
    expect(
      await registerPostResponseExtension({ runtimeApi: undefined, logger: silent }),
    ).toBeUndefined();

    const handler = createLambdaHandler(t.app, t.deps, runner);
    const result = (await handler(search(), lambdaContext)) as APIGatewayProxyStructuredResultV2;
    const { meta } = JSON.parse(result.body ?? "") as { meta: { searchId: string } };
    expect((await scanSearchEvents(t.engine.db)).get(meta.searchId)).toMatchObject({
      route: "JFK-LAX",
    });
  });
});
