import type { CreateTableCommandInput } from "@aws-sdk/client-dynamodb";
import { tableDefinition } from "../table.js";

/** `CreateTable` input built from the single table declaration. */
export function createTableInput(tableName: string): CreateTableCommandInput {
  const def = tableDefinition;
  return {
    TableName: tableName,
    BillingMode: def.billingMode,
    AttributeDefinitions: def.keyAttributes.map((name) => ({
      AttributeName: name,
      AttributeType: "S",
    })),
    KeySchema: [
      { AttributeName: def.partitionKey, KeyType: "HASH" },
      { AttributeName: def.sortKey, KeyType: "RANGE" },
    ],
    GlobalSecondaryIndexes: Object.entries(def.globalIndexes).map(([name, index]) => ({
      IndexName: name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: "HASH" },
        { AttributeName: index.sortKey, KeyType: "RANGE" },
      ],
      Projection: { ProjectionType: index.projection },
    })),
    StreamSpecification: { StreamEnabled: true, StreamViewType: def.streamViewType },
  };
}
