/**
 * The single declaration of the platform's DynamoDB table.
 *
 * Everything that needs the table's shape reads it from here: the ElectroDB models
 * (`entities/*`), the embedded engine (`local/engine.ts` builds `CreateTable` from it) and the
 * SST `Dynamo` component (`@travel/infra` maps it to component arguments). Changing a key or an
 * index here changes it everywhere.
 */
export const tableDefinition = {
  /** Logical name; the deployed name comes from SST's `Resource` or `TABLE_NAME`. */
  name: "travel",
  partitionKey: "pk",
  sortKey: "sk",
  /** Every key attribute of the table and its indexes, all strings. */
  keyAttributes: ["pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk"],
  globalIndexes: {
    /**
     * Secondary access by "owner": flights by route + departure date, room nights by city + month,
     * bookings and API keys by tenant (time ordered).
     */
    gsi1: { partitionKey: "gsi1pk", sortKey: "gsi1sk", projection: "ALL" },
    /** Work queues: bookings by status (sharded) for the reconciler. */
    gsi2: { partitionKey: "gsi2pk", sortKey: "gsi2sk", projection: "ALL" },
  },
  /** Epoch-seconds attribute DynamoDB's TTL deletes on. */
  ttlAttribute: "ttl",
  streamViewType: "NEW_AND_OLD_IMAGES",
  billingMode: "PAY_PER_REQUEST",
} as const;

export type TableDefinition = typeof tableDefinition;
export type GlobalIndexName = keyof TableDefinition["globalIndexes"];

/**
 * ElectroDB entity names (`__edb_e__`) whose changes the analytics stream consumer reads: the
 * deployed event-source filter (infra) and the local change feed (analytics) pass exactly these.
 */
export const STREAM_CONSUMED_ENTITIES = [
  "searchEvent",
  "searchEventBatch",
  "booking",
  "flightOffer",
  "roomNight",
] as const;

/** The ElectroDB service name every entity shares. */
export const serviceName = "travel";
