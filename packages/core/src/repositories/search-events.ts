import { promisify } from "node:util";
import { deflateRaw, inflateRawSync } from "node:zlib";
import { z } from "zod";
import { type SearchEventRecord, searchEventRecordSchema } from "../domain.js";
import { newId } from "../ids.js";
import type { TravelService } from "../service.js";

/** Search events live for a week: long enough for the stream consumer and any replay. */
export const SEARCH_EVENT_TTL_SECONDS = 7 * 24 * 3600;
/**
 * Searches per batch item: ~200 bytes of JSON each, ~30 stored (deflated, base64; see
 * `encodeSearchEventBatch`), so a typical full item is ~15 kB. With the longest valid fields
 * (every field of `searchEventRecordSchema` is bounded) the JSON stays under the readers' 1 MiB
 * inflate cap and the item under DynamoDB's 400 KB limit (tested).
 */
export const MAX_SEARCH_EVENTS_PER_BATCH = 500;

export function createSearchEventRepository(db: TravelService) {
  const { searchEvent, searchEventBatch } = db.entities;
  return {
    /**
     * Writes up to `MAX_SEARCH_EVENTS_PER_BATCH` searches as ONE item (one PutItem, one stream
     * record for the analytics consumer). Returns the batch id.
     */
    async recordBatch(
      events: readonly SearchEventRecord[],
    ): Promise<{ batchId: string | undefined; rejected: number }> {
      if (events.length > MAX_SEARCH_EVENTS_PER_BATCH) {
        throw new RangeError(
          `a batch holds at most ${MAX_SEARCH_EVENTS_PER_BATCH} search events, got ${events.length}`,
        );
      }
      // Checked here, one by one (a single bad search must not make the consumer refuse the
      // rest of the batch with it): invalid ones are left out and counted.
      const valid: SearchEventRecord[] = [];
      for (const event of events) {
        const parsed = searchEventRecordSchema.safeParse(event);
        if (parsed.success) valid.push(parsed.data);
      }
      const rejected = events.length - valid.length;
      if (valid.length === 0) return { batchId: undefined, rejected };
      // The latest instant (ISO strings compare in time order); the TTL counts from it.
      let createdAt = valid[0]?.createdAt ?? "";
      for (const event of valid) if (event.createdAt > createdAt) createdAt = event.createdAt;
      const batchId = newId("searchBatch", Date.parse(createdAt) || Date.now());
      await searchEventBatch
        .put({
          batchId,
          events: await encodeSearchEventBatch(valid),
          count: valid.length,
          createdAt,
          ttl: Math.floor(Date.parse(createdAt) / 1000) + SEARCH_EVENT_TTL_SECONDS,
        })
        .go({ response: "none" });
      return { batchId, rejected };
    },
    /** The searches of one batch item, in the order they were recorded. */
    async getBatch(batchId: string): Promise<SearchEventRecord[] | undefined> {
      const { data } = await searchEventBatch.get({ batchId }).go();
      return data ? parseSearchEventBatch(data.events) : undefined;
    },
    async record(event: SearchEventRecord): Promise<void> {
      const ttl = Math.floor(Date.parse(event.createdAt) / 1000) + SEARCH_EVENT_TTL_SECONDS;
      await searchEvent.put({ ...event, ttl }).go();
    },
    /**
     * Writes many events with BatchWriteItem (25 per request, ElectroDB chunks), retrying
     * unprocessed items with backoff. Throws when some are still unprocessed after the retries,
     * so the caller can count them as lost instead of believing they landed.
     */
    async recordMany(events: readonly SearchEventRecord[]): Promise<void> {
      let pending = events.map((event) => ({
        ...event,
        ttl: Math.floor(Date.parse(event.createdAt) / 1000) + SEARCH_EVENT_TTL_SECONDS,
      }));
      for (let attempt = 0; pending.length > 0; attempt++) {
        const { unprocessed } = await searchEvent.put(pending).go({ concurrency: 4 });
        if (unprocessed.length === 0) return;
        if (attempt >= 5) {
          throw new Error(`${unprocessed.length} search events unprocessed after retries`);
        }
        const left = new Set(unprocessed.map((u) => u.searchId));
        pending = pending.filter((e) => left.has(e.searchId));
        await new Promise((r) => setTimeout(r, 25 * 2 ** attempt));
      }
    },
    async get(searchId: string): Promise<SearchEventRecord | undefined> {
      const { data } = await searchEvent.get({ searchId }).go();
      if (!data) return undefined;
      const { ttl: _ttl, ...rest } = data;
      return rest as SearchEventRecord;
    },
  };
}

export type SearchEventRepository = ReturnType<typeof createSearchEventRepository>;

/** Marks a batch's `events` written as deflated JSON in base64 (plain JSON starts with `[`). */
const DEFLATED_PREFIX = "deflate:";
/** Inflated JSON of a batch is at most this long (500 events of the longest valid fields fit). */
const MAX_BATCH_JSON_BYTES = 1024 * 1024;
const deflateRawAsync = promisify(deflateRaw);

/**
 * A batch item's `events` attribute: the searches as JSON, deflated and base64-encoded behind
 * `deflate:`. Measured on 100 realistic searches: 19.3 kB of JSON become 1.9 kB (a tenth of the
 * write capacity and stream bytes, and the AWS SDK escapes a JSON string attribute one
 * character at a time). Deflating runs on libuv's thread pool, off the event loop (a few ms for
 * 500 searches). Readers take both forms (`parseSearchEventBatch`).
 */
export async function encodeSearchEventBatch(
  events: readonly SearchEventRecord[],
): Promise<string> {
  const json = JSON.stringify(
    events.map((e) => ({
      searchId: e.searchId,
      tenantId: e.tenantId,
      kind: e.kind,
      route: e.route,
      day: e.day,
      cacheStatus: e.cacheStatus,
      resultCount: e.resultCount,
      createdAt: e.createdAt,
    })),
  );
  return DEFLATED_PREFIX + (await deflateRawAsync(json)).toString("base64");
}

/**
 * The searches of a batch item's `events` attribute (deflated, or plain JSON as items written
 * before the deflated form), validated: a stream consumer reading an image, a test reading the
 * table. Throws (ZodError, SyntaxError, a zlib error) on anything else, including JSON that
 * would inflate past 1 MiB.
 */
export function parseSearchEventBatch(events: string): SearchEventRecord[] {
  const json = events.startsWith(DEFLATED_PREFIX)
    ? inflateRawSync(Buffer.from(events.slice(DEFLATED_PREFIX.length), "base64"), {
        maxOutputLength: MAX_BATCH_JSON_BYTES,
      }).toString("utf8")
    : events;
  return z
    .array(searchEventRecordSchema)
    .min(1)
    .max(MAX_SEARCH_EVENTS_PER_BATCH)
    .parse(JSON.parse(json));
}
