import { tableDefinition } from "@travel/core";

type Definition = typeof tableDefinition;
type KeyAttribute = Definition["keyAttributes"][number];
type StreamViewType = "KEYS_ONLY" | "NEW_IMAGE" | "OLD_IMAGE" | "NEW_AND_OLD_IMAGES";
type SstStream = "keys-only" | "new-image" | "old-image" | "new-and-old-images";
type SstProjection = "all" | "keys-only";

/** The subset of `sst.aws.Dynamo` arguments derived from the table declaration. */
export interface DynamoTableArgs {
  fields: Record<KeyAttribute, "string">;
  primaryIndex: { hashKey: string; rangeKey: string };
  globalIndexes: Record<string, { hashKey: string; rangeKey: string; projection: SstProjection }>;
  stream: SstStream;
  ttl: string;
}

const streamNames: Record<StreamViewType, SstStream> = {
  KEYS_ONLY: "keys-only",
  NEW_IMAGE: "new-image",
  OLD_IMAGE: "old-image",
  NEW_AND_OLD_IMAGES: "new-and-old-images",
};

const projectionNames: Record<"ALL" | "KEYS_ONLY", SstProjection> = {
  ALL: "all",
  KEYS_ONLY: "keys-only",
};

/** The shape of a table declaration this mapper understands (the one in `@travel/core`). */
export interface TableDeclaration {
  partitionKey: string;
  sortKey: string;
  keyAttributes: readonly string[];
  globalIndexes: Record<
    string,
    { partitionKey: string; sortKey: string; projection: "ALL" | "KEYS_ONLY" }
  >;
  ttlAttribute: string;
  streamViewType: StreamViewType;
  billingMode: "PAY_PER_REQUEST";
}

/**
 * Map the single table declaration to `sst.aws.Dynamo` arguments.
 *
 * SST's `Dynamo` always creates an on-demand (`PAY_PER_REQUEST`) table with point-in-time
 * recovery on, which is what the declaration asks for; the rest (fields, keys, indexes, stream,
 * TTL) is carried over one to one.
 *
 * @example
 * ```ts
 * new sst.aws.Dynamo("Table", { ...dynamoTableArgs(), deletionProtection: true });
 * ```
 */
export function dynamoTableArgs(declaration: TableDeclaration = tableDefinition): DynamoTableArgs {
  const declared = new Set(declaration.keyAttributes);
  const used = [
    declaration.partitionKey,
    declaration.sortKey,
    ...Object.values(declaration.globalIndexes).flatMap((index) => [
      index.partitionKey,
      index.sortKey,
    ]),
  ];
  const undeclared = used.filter((attribute) => !declared.has(attribute));
  if (undeclared.length > 0) {
    throw new Error(
      `table declaration uses key attributes missing from keyAttributes: ${undeclared.join(", ")}`,
    );
  }
  return {
    fields: Object.fromEntries(declaration.keyAttributes.map((name) => [name, "string"])) as Record<
      KeyAttribute,
      "string"
    >,
    primaryIndex: { hashKey: declaration.partitionKey, rangeKey: declaration.sortKey },
    globalIndexes: Object.fromEntries(
      Object.entries(declaration.globalIndexes).map(([name, index]) => [
        name,
        {
          hashKey: index.partitionKey,
          rangeKey: index.sortKey,
          projection: projectionNames[index.projection],
        },
      ]),
    ),
    stream: streamNames[declaration.streamViewType],
    ttl: declaration.ttlAttribute,
  };
}
