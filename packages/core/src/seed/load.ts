import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { BatchWriteCommand } from "../aws-sdk.js";
import type { FlightOfferRecord, HotelRecord, RoomNightRecord } from "../domain.js";
import { SeedLoadError } from "../errors.js";
import type { TravelService } from "../service.js";

/** A table item in document form (what the DocumentClient marshals). */
export type TableItem = Record<string, unknown>;

/** DynamoDB's limit of put requests per BatchWriteItem call. */
export const BATCH_SIZE = 25;

export interface WriterStats {
  items: number;
  requests: number;
  /** Items sent again because DynamoDB returned them as unprocessed. */
  retriedItems: number;
}

export interface BatchWriterOptions {
  client: DynamoDBDocumentClient;
  table: string;
  /** BatchWriteItem requests in flight at once (8 keeps dynalite busy without queueing). */
  concurrency?: number;
  /** Attempts per batch before giving up on its unprocessed items. */
  maxAttempts?: number;
  /** Base delay of the exponential backoff between attempts, ms. */
  backoffMs?: number;
}

/**
 * Writes items with BatchWriteItem, 25 per request and `concurrency` requests in flight,
 * resending `UnprocessedItems` with exponential backoff and jitter.
 *
 * @example
 * const writer = createBatchWriter({ client: db.client, table: db.table });
 * await writer.write(items);
 */
export function createBatchWriter(options: BatchWriterOptions) {
  const { client, table, concurrency = 8, maxAttempts = 10, backoffMs = 25 } = options;
  const stats: WriterStats = { items: 0, requests: 0, retriedItems: 0 };
  let active = 0;
  const waiting: (() => void)[] = [];

  async function acquire(): Promise<void> {
    if (active < concurrency) {
      active++;
      return;
    }
    // The releasing request hands its slot over directly, so `active` stays unchanged.
    await new Promise<void>((resolve) => waiting.push(resolve));
  }

  function release(): void {
    const next = waiting.shift();
    if (next) next();
    else active--;
  }

  async function sendBatch(items: TableItem[]): Promise<void> {
    let pending = items.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 1; ; attempt++) {
      stats.requests++;
      const result = await client.send(
        new BatchWriteCommand({ RequestItems: { [table]: pending } }),
      );
      const unprocessed = result.UnprocessedItems?.[table] ?? [];
      if (unprocessed.length === 0) break;
      if (attempt >= maxAttempts) {
        throw new SeedLoadError(
          `${unprocessed.length} items still unprocessed after ${attempt} attempts`,
        );
      }
      stats.retriedItems += unprocessed.length;
      pending = unprocessed as typeof pending;
      const delay = Math.min(2_000, backoffMs * 2 ** (attempt - 1));
      await new Promise((resolve) => setTimeout(resolve, delay / 2 + Math.random() * (delay / 2)));
    }
    stats.items += items.length;
  }

  return {
    /**
     * Resolves once every item is written; rejects with the first batch that failed for good.
     * With `toItem`, records become items one batch at a time, just before that batch is sent,
     * so a large write never blocks the event loop for long (a server may be answering meanwhile).
     */
    async write<T = TableItem>(records: T[], toItem?: (record: T) => TableItem): Promise<void> {
      const batches: Promise<void>[] = [];
      for (let i = 0; i < records.length; i += BATCH_SIZE) {
        const chunk = records.slice(i, i + BATCH_SIZE);
        batches.push(
          (async () => {
            await acquire();
            try {
              await sendBatch(toItem ? chunk.map(toItem) : (chunk as TableItem[]));
            } finally {
              release();
            }
          })(),
        );
      }
      await Promise.all(batches);
    },
    stats(): WriterStats {
      return { ...stats };
    },
  };
}

export type BatchWriter = ReturnType<typeof createBatchWriter>;

/** An inventory record tagged with the entity that stores it. */
export type InventoryRecord =
  | { kind: "flight"; record: FlightOfferRecord }
  | { kind: "hotel"; record: HotelRecord }
  | { kind: "night"; record: RoomNightRecord };

/**
 * Converts inventory records to table items with the ElectroDB entities (keys, index keys and
 * entity markers exactly as the models write them).
 */
export function inventoryItemBuilder(db: TravelService): (tagged: InventoryRecord) => TableItem {
  const { flightOffer, hotel, roomNight } = db.entities;
  return (tagged) => {
    switch (tagged.kind) {
      case "flight":
        return flightOffer.put(tagged.record).params().Item;
      case "hotel":
        return hotel.put(tagged.record).params().Item;
      case "night":
        return roomNight.put(tagged.record).params().Item;
    }
  };
}

/** Tags records for `inventoryItemBuilder`: hotels, then flights, then nights. */
export function tagInventory(records: {
  flights?: FlightOfferRecord[];
  hotels?: HotelRecord[];
  nights?: RoomNightRecord[];
}): InventoryRecord[] {
  return [
    ...(records.hotels ?? []).map((record) => ({ kind: "hotel" as const, record })),
    ...(records.flights ?? []).map((record) => ({ kind: "flight" as const, record })),
    ...(records.nights ?? []).map((record) => ({ kind: "night" as const, record })),
  ];
}

/** Table items for inventory records, all at once (see `inventoryItemBuilder`). */
export function inventoryItems(
  db: TravelService,
  records: { flights?: FlightOfferRecord[]; hotels?: HotelRecord[]; nights?: RoomNightRecord[] },
): TableItem[] {
  return tagInventory(records).map(inventoryItemBuilder(db));
}
