import { tableDefinition } from "@travel/core";
import { createTableInput } from "@travel/core/local";
import { describe, expect, it } from "vitest";
import { dynamoTableArgs } from "./table-args.js";

describe("dynamoTableArgs", () => {
  const args = dynamoTableArgs();

  it("declares exactly the key attributes of the core declaration, all strings", () => {
    expect(args.fields).toEqual({
      pk: "string",
      sk: "string",
      gsi1pk: "string",
      gsi1sk: "string",
      gsi2pk: "string",
      gsi2sk: "string",
    });
    expect(Object.keys(args.fields)).toEqual([...tableDefinition.keyAttributes]);
  });

  it("uses the declaration's keys, indexes, stream view and TTL attribute", () => {
    expect(args).toEqual({
      fields: Object.fromEntries(tableDefinition.keyAttributes.map((name) => [name, "string"])),
      primaryIndex: { hashKey: tableDefinition.partitionKey, rangeKey: tableDefinition.sortKey },
      globalIndexes: {
        gsi1: { hashKey: "gsi1pk", rangeKey: "gsi1sk", projection: "all" },
        gsi2: { hashKey: "gsi2pk", rangeKey: "gsi2sk", projection: "all" },
      },
      stream: "new-and-old-images",
      ttl: tableDefinition.ttlAttribute,
    });
  });

  it("describes the same table as the local engine's CreateTable input", () => {
    const local = createTableInput("travel-test");
    expect(
      Object.entries(args.fields).map(([name]) => ({ AttributeName: name, AttributeType: "S" })),
    ).toEqual(local.AttributeDefinitions);
    expect(local.KeySchema).toEqual([
      { AttributeName: args.primaryIndex.hashKey, KeyType: "HASH" },
      { AttributeName: args.primaryIndex.rangeKey, KeyType: "RANGE" },
    ]);
    expect(
      Object.entries(args.globalIndexes).map(([name, index]) => ({
        IndexName: name,
        KeySchema: [
          { AttributeName: index.hashKey, KeyType: "HASH" },
          { AttributeName: index.rangeKey, KeyType: "RANGE" },
        ],
        Projection: { ProjectionType: index.projection.toUpperCase().replace("-", "_") },
      })),
    ).toEqual(local.GlobalSecondaryIndexes);
    expect(local.StreamSpecification?.StreamViewType).toBe(
      args.stream.toUpperCase().replaceAll("-", "_"),
    );
  });

  it("refuses a declaration whose index uses an attribute missing from keyAttributes", () => {
    expect(() =>
      dynamoTableArgs({
        ...tableDefinition,
        globalIndexes: { gsi3: { partitionKey: "gsi3pk", sortKey: "gsi3sk", projection: "ALL" } },
      }),
    ).toThrow("table declaration uses key attributes missing from keyAttributes: gsi3pk, gsi3sk");
  });
});
