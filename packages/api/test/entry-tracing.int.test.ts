import { createLocalChangeFeed } from "@travel/analytics";
import { createRedisClient } from "@travel/cache";
import { deleteKeysWithPrefix, describeRedis, uniqueKeyPrefix } from "@travel/cache/testing";
import { createSearchEventRepository, newId } from "@travel/core";
import { type LocalEngine, startLocalEngine } from "@travel/core/local";
import type { Context, DynamoDBStreamEvent } from "aws-lambda";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { dayFromToday, flightRecords, insertInventory } from "./fixtures.js";
import { expectTree, spansOf, startDaemon, type XRayDaemon } from "./xray-daemon.js";

/**
 * The stream consumer's Lambda entry (consumer-lambda.ts) as Lambda loads it: links and the X-Ray
 * daemon address from the environment, a real DynamoDB Streams event captured from the embedded
 * engine, the real Redis. One process per test file, so the entry's module state (the global
 * tracer provider, the cold start) is this file's alone.
 */
describeRedis("the consumer's Lambda entry", ({ url }) => {
  let engine: LocalEngine;
  let daemon: XRayDaemon;
  const prefix = uniqueKeyPrefix("entry-tracing");
  let batch: DynamoDBStreamEvent;

  beforeAll(async () => {
    daemon = await startDaemon();
    engine = await startLocalEngine({ tableName: "travel-consumer" });
    // A batch as the stream delivers it: one flight offer and one search-events item.
    const captured: DynamoDBStreamEvent[] = [];
    const feed = createLocalChangeFeed({
      engine,
      handler: async (event) => {
        captured.push(event);
        return { batchItemFailures: [] };
      },
      batchWindowMs: 50,
    });
    feed.start();
    const date = dayFromToday(5);
    await insertInventory(engine.db, { flights: flightRecords(date).slice(0, 1) });
    await createSearchEventRepository(engine.db).recordBatch([
      {
        searchId: newId("search"),
        tenantId: "ten_trace",
        kind: "flight",
        route: "JFK-LAX",
        day: date,
        cacheStatus: "miss",
        resultCount: 4,
        createdAt: new Date().toISOString(),
      },
    ]);
    await vi.waitFor(() => expect(captured.flatMap((e) => e.Records)).toHaveLength(2), {
      timeout: 10_000,
    });
    await feed.stop();
    batch = { Records: captured.flatMap((e) => e.Records) };

    Object.assign(process.env, {
      SST_RESOURCE_App: JSON.stringify({ name: "travel", stage: "test" }),
      SST_RESOURCE_Table: JSON.stringify({ name: "travel-consumer", type: "sst.aws.Dynamo" }),
      DYNAMO_ENDPOINT: engine.endpoint,
      REDIS_URL: url,
      REDIS_KEY_PREFIX: prefix,
      AWS_XRAY_DAEMON_ADDRESS: daemon.address,
      LOG_LEVEL: "INFO",
      // What Lambda sets for on-demand environments (Powertools counts cold starts of those only).
      AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
      STAGE: "test",
    });
  });
  afterAll(async () => {
    daemon.close();
    await engine.stop();
    const client = createRedisClient({ url });
    await deleteKeysWithPrefix(client, `${prefix}:`);
    await client.quit();
  });

  const context = (awsRequestId: string, xRayTraceId: string) =>
    ({
      functionName: "travel-consumer",
      functionVersion: "$LATEST",
      awsRequestId,
      getRemainingTimeInMillis: () => 60_000,
      xRayTraceId,
    }) as unknown as Context;

  it("traces each batch under the invocation's trace with its DynamoDB and Redis calls, logs with the Lambda context, counts one cold start", async () => {
    const { handler } = await import("../src/consumer-lambda.js");
    // The warm batch adds a search-events item the consumer refuses (reported, and logged).
    const searches = batch.Records.find((r) => r.dynamodb?.NewImage?.events);
    if (!searches?.dynamodb?.NewImage) throw new Error("no search-events record captured");
    const malformed = {
      ...searches,
      eventID: "malformed-1",
      dynamodb: {
        ...searches.dynamodb,
        SequenceNumber: "999999999999999999999",
        NewImage: {
          ...searches.dynamodb.NewImage,
          events: { S: JSON.stringify([{ searchId: "srch_x", day: "not a day" }]) },
        },
      },
    };
    const lines: string[] = [];
    const capture = (chunk: unknown) => {
      lines.push(String(chunk));
      return true;
    };
    // Powertools writes info and metrics to stdout, warnings and errors to stderr.
    const writes = [
      vi.spyOn(process.stdout, "write").mockImplementation(capture),
      vi.spyOn(process.stderr, "write").mockImplementation(capture),
    ];
    const cold = "1-6759e988-00000000000000000000c001";
    const warm = "1-6759e988-00000000000000000000c002";
    const lambdaSegment = "63995c3f42cd8ad8";
    const results: unknown[] = [];
    try {
      results.push(
        await handler(
          batch,
          context("consumer-cold", `Root=${cold};Parent=${lambdaSegment};Sampled=1`),
        ),
        await handler(
          { Records: [...batch.Records, malformed] },
          context("consumer-warm", `Root=${warm};Parent=${lambdaSegment};Sampled=1`),
        ),
      );
    } finally {
      for (const write of writes) write.mockRestore();
    }
    expect(results).toEqual([
      { batchItemFailures: [] },
      { batchItemFailures: [{ itemIdentifier: "999999999999999999999" }] },
    ]);

    // Cold: the search counts are row updates in the table, under the batch's span. (The first
    // Redis commands of a process wait for the connection and are written outside the
    // invocation, so they are not in its trace.)
    const first = await spansOf(daemon, cold, "analytics.consumer");
    const root = first.find((s) => s.name === "analytics.consumer");
    expect(root?.parent_id).toBe(lambdaSegment);
    expect(first.filter((s) => s.parent_id === root?.id).map((s) => s.name)).toContain(
      "DynamoDB.UpdateItem",
    );
    expectTree(first, lambdaSegment);
    // Warm: the redelivered records are recognised in the table, and the offer is applied to
    // the read model again (version-guarded) by a Redis script.
    const second = await spansOf(daemon, warm, "analytics.consumer");
    const names = second.map((s) => s.name);
    expect(names).toContain("DynamoDB.BatchGetItem");
    expect(names.filter((n) => /^Redis\.EVAL(SHA)?$/.test(n)).length).toBeGreaterThan(0);
    for (const call of second.filter((s) => s.name !== "analytics.consumer")) {
      expect(call.namespace, call.name).toBe("remote");
    }
    expectTree(second, lambdaSegment);

    const records = lines
      .flatMap((l) => l.split("\n"))
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    // The refused record's warning carries the invocation's context.
    expect(records.find((r) => r.message === "stream record refused")).toMatchObject({
      function_request_id: "consumer-warm",
      function_name: "travel-consumer",
      cold_start: false,
      eventId: "malformed-1",
    });
    const coldStarts = records.filter((r) =>
      (
        r._aws as { CloudWatchMetrics?: { Metrics: { Name: string }[] }[] } | undefined
      )?.CloudWatchMetrics?.[0]?.Metrics.some((m) => m.Name === "ColdStart"),
    );
    expect(coldStarts).toHaveLength(1);
    expect(coldStarts[0]).toMatchObject({
      ColdStart: 1,
      stage: "test",
      function_name: "travel-consumer",
    });
  });
});
