import { type LocalEngine, startLocalEngine } from "@travel/core/local";
import type { Context } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { expectTree, spansOf, startDaemon, type XRayDaemon } from "./xray-daemon.js";

/**
 * The reconciler's Lambda entry (reconciler-lambda.ts) as Lambda loads it: links and the X-Ray
 * daemon address from the environment, over the embedded engine. One process per test file, so
 * the entry's module state (the global tracer provider, the cold start) is this file's alone.
 */
describe("the reconciler's Lambda entry", () => {
  let engine: LocalEngine;
  let daemon: XRayDaemon;

  beforeAll(async () => {
    daemon = await startDaemon();
    engine = await startLocalEngine({ tableName: "travel-reconciler" });
    Object.assign(process.env, {
      SST_RESOURCE_App: JSON.stringify({ name: "travel", stage: "test" }),
      SST_RESOURCE_Table: JSON.stringify({ name: "travel-reconciler", type: "sst.aws.Dynamo" }),
      DYNAMO_ENDPOINT: engine.endpoint,
      AWS_XRAY_DAEMON_ADDRESS: daemon.address,
      LOG_LEVEL: "INFO",
    });
  });
  afterAll(async () => {
    daemon.close();
    await engine.stop();
  });

  const context = (awsRequestId: string, xRayTraceId: string) =>
    ({
      functionName: "travel-reconciler",
      functionVersion: "$LATEST",
      awsRequestId,
      getRemainingTimeInMillis: () => 60_000,
      xRayTraceId,
    }) as unknown as Context;

  it("traces each run under the invocation's trace, logs with the Lambda context, counts one cold start", async () => {
    const { handler } = await import("../src/reconciler-lambda.js");
    const lines: string[] = [];
    const capture = (chunk: unknown) => {
      lines.push(String(chunk));
      return true;
    };
    const writes = [
      vi.spyOn(process.stdout, "write").mockImplementation(capture),
      vi.spyOn(process.stderr, "write").mockImplementation(capture),
    ];
    const first = "1-7759e988-00000000000000000000d001";
    const lambdaSegment = "73995c3f42cd8ad8";
    try {
      for (const [requestId, root] of [
        ["reconcile-cold", first],
        ["reconcile-warm", "1-7759e988-00000000000000000000d002"],
      ] as const) {
        await expect(
          handler({}, context(requestId, `Root=${root};Parent=${lambdaSegment};Sampled=1`)),
        ).resolves.toMatchObject({ confirmed: 0, failed: 0, released: 0, errors: 0 });
      }
    } finally {
      for (const write of writes) write.mockRestore();
    }

    const spans = await spansOf(daemon, first, "booking.reconcile");
    const root = spans.find((s) => s.name === "booking.reconcile");
    expect(root?.parent_id).toBe(lambdaSegment);
    // Finding the pending bookings is a table query, under the run's span.
    expect(spans.filter((s) => s.name.startsWith("DynamoDB.")).map((s) => s.parent_id)).toContain(
      root?.id,
    );
    expectTree(spans, lambdaSegment);

    const records = lines
      .flatMap((l) => l.split("\n"))
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const runs = records.filter((r) => r.message === "booking reconciler run");
    expect(runs).toMatchObject([
      { function_request_id: "reconcile-cold", function_name: "travel-reconciler" },
      { function_request_id: "reconcile-warm", cold_start: false },
    ]);
    const emf = records.filter((r) => r._aws);
    expect(emf.filter((r) => r.ReconcilerColdStart !== undefined)).toHaveLength(1);
    expect(emf[0]).toMatchObject({ ReconcilerColdStart: 1 });
  });
});
