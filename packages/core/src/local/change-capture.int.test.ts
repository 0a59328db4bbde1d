import {
  BatchWriteItemCommand,
  DeleteItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EngineChange } from "./change-capture.js";
import { type LocalEngine, startLocalEngine } from "./engine.js";

describe("engine change capture", () => {
  let engine: LocalEngine;
  const changes: EngineChange[] = [];

  beforeAll(async () => {
    engine = await startLocalEngine();
    engine.onChange((change) => changes.push(change));
  });
  afterAll(async () => {
    await engine.stop();
  });

  it("reports insert, modify and remove with the images the engine held", async () => {
    changes.length = 0;
    const TableName = engine.tableName;
    const Key = { pk: { S: "cap#1" }, sk: { S: "x" } };
    await engine.clients.raw.send(
      new PutItemCommand({ TableName, Item: { ...Key, n: { N: "1" } } }),
    );
    await engine.clients.raw.send(
      new UpdateItemCommand({
        TableName,
        Key,
        UpdateExpression: "ADD n :d",
        ExpressionAttributeValues: { ":d": { N: "2" } },
      }),
    );
    await engine.clients.raw.send(new DeleteItemCommand({ TableName, Key }));

    expect(changes.map((c) => c.eventName)).toEqual(["INSERT", "MODIFY", "REMOVE"]);
    expect(changes[0]).toMatchObject({ keys: Key, newImage: { ...Key, n: { N: "1" } } });
    expect(changes[0]?.oldImage).toBeUndefined();
    expect(changes[1]).toMatchObject({
      oldImage: { n: { N: "1" } },
      newImage: { n: { N: "3" } },
    });
    expect(changes[2]).toMatchObject({ keys: Key, oldImage: { n: { N: "3" } } });
    expect(changes[2]?.newImage).toBeUndefined();
    expect(changes.every((c) => c.tableName === engine.tableName)).toBe(true);
  });

  it("reports nothing for failed conditions, unchanged puts and deletes of missing items", async () => {
    changes.length = 0;
    const TableName = engine.tableName;
    const Item = { pk: { S: "cap#2" }, sk: { S: "x" }, a: { S: "v" } };
    await engine.clients.raw.send(new PutItemCommand({ TableName, Item }));
    await engine.clients.raw.send(new PutItemCommand({ TableName, Item }));
    await expect(
      engine.clients.raw.send(
        new PutItemCommand({
          TableName,
          Item: { ...Item, a: { S: "w" } },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      ),
    ).rejects.toThrow(/conditional/i);
    await engine.clients.raw.send(
      new DeleteItemCommand({ TableName, Key: { pk: { S: "missing" }, sk: { S: "x" } } }),
    );
    expect(changes.map((c) => c.eventName)).toEqual(["INSERT"]);
  });

  it("reports every item of a batch write and writes by other clients alike", async () => {
    changes.length = 0;
    await engine.db.entities.searchEvent
      .put({
        searchId: "srch_cap",
        tenantId: "t",
        kind: "flight",
        route: "JFK-LAX",
        day: "2026-01-01",
        cacheStatus: "miss",
        resultCount: 1,
        createdAt: "2026-01-01T00:00:00.000Z",
        ttl: 1,
      })
      .go();
    await engine.clients.raw.send(
      new BatchWriteItemCommand({
        RequestItems: {
          [engine.tableName]: [1, 2, 3].map((i) => ({
            PutRequest: { Item: { pk: { S: `cap#b${i}` }, sk: { S: "x" } } },
          })),
        },
      }),
    );
    expect(changes).toHaveLength(4);
    expect(changes[0]?.newImage?.__edb_e__).toEqual({ S: "searchEvent" });
    expect(
      changes
        .slice(1)
        .map((c) => c.keys.pk?.S)
        .sort(),
    ).toEqual(["cap#b1", "cap#b2", "cap#b3"]);
  });
});
