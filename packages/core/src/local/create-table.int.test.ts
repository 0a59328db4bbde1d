import { DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tableDefinition } from "../table.js";
import { createTableInput } from "./create-table.js";
import { type LocalEngine, startLocalEngine } from "./engine.js";

let engine: LocalEngine;

beforeAll(async () => {
  engine = await startLocalEngine({ tableName: "travel-create-table-test" });
});

afterAll(async () => {
  await engine?.stop();
});

describe("the table built from the declaration", () => {
  it("declares exactly the table's keys, indexes and stream", () => {
    const input = createTableInput("t");
    expect(input.KeySchema).toEqual([
      { AttributeName: tableDefinition.partitionKey, KeyType: "HASH" },
      { AttributeName: tableDefinition.sortKey, KeyType: "RANGE" },
    ]);
    expect(input.AttributeDefinitions?.map((a) => a.AttributeName).sort()).toEqual(
      [...tableDefinition.keyAttributes].sort(),
    );
    expect(input.AttributeDefinitions?.every((a) => a.AttributeType === "S")).toBe(true);
    expect(
      Object.fromEntries(
        (input.GlobalSecondaryIndexes ?? []).map((index) => [
          index.IndexName,
          {
            partitionKey: index.KeySchema?.find((k) => k.KeyType === "HASH")?.AttributeName,
            sortKey: index.KeySchema?.find((k) => k.KeyType === "RANGE")?.AttributeName,
            projection: index.Projection?.ProjectionType,
          },
        ]),
      ),
    ).toEqual(tableDefinition.globalIndexes);
    expect(input.StreamSpecification).toEqual({
      StreamEnabled: true,
      StreamViewType: tableDefinition.streamViewType,
    });
    expect(input.BillingMode).toBe(tableDefinition.billingMode);
  });

  it("is what the engine actually created", async () => {
    const { Table } = await engine.clients.raw.send(
      new DescribeTableCommand({ TableName: engine.tableName }),
    );
    const input = createTableInput(engine.tableName);
    expect(Table?.TableStatus).toBe("ACTIVE");
    expect(Table?.KeySchema).toEqual(input.KeySchema);
    // dynalite has no streams and drops StreamSpecification, so only keys and indexes can be
    // compared here; the declaration test above pins the stream view type.
    expect(
      (Table?.GlobalSecondaryIndexes ?? [])
        .map((i) => ({ IndexName: i.IndexName, KeySchema: i.KeySchema, Projection: i.Projection }))
        .sort((a, b) => String(a.IndexName).localeCompare(String(b.IndexName))),
    ).toEqual(input.GlobalSecondaryIndexes);
  });

  it("keeps an existing table when started again on the same data", async () => {
    const { mkdtempSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = mkdtempSync(join(tmpdir(), "travel-engine-"));
    try {
      const first = await startLocalEngine({ dataDir: dir });
      expect(first.reused).toBe(false);
      await first.db.entities.streamMarker
        .put({ eventId: "e1", state: "applied", processedAt: "2026-01-01T00:00:00Z", ttl: 1 })
        .go();
      await first.stop();
      const second = await startLocalEngine({ dataDir: dir });
      try {
        expect(second.reused).toBe(true);
        const { data } = await second.db.entities.streamMarker.get({ eventId: "e1" }).go();
        expect(data?.state).toBe("applied");
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
