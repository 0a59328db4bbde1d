import { z } from "zod";
import { type SearchEventRecord, searchEventRecordSchema } from "../domain.js";
import { newId } from "../ids.js";
import type { TravelService } from "../service.js";

/** Search events live for a week: long enough for the stream consumer and any replay. */
export const SEARCH_EVENT_TTL_SECONDS = 7 * 24 * 3600;
/** Searches per batch item (~200 bytes each, far under DynamoDB's 400 KB item limit). */
export const MAX_SEARCH_EVENTS_PER_BATCH = 100;

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
      // other 99 with it): invalid ones are left out and counted.
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
          events: JSON.stringify(
            valid.map((e) => ({
              searchId: e.searchId,
              tenantId: e.tenantId,
              kind: e.kind,
              route: e.route,
              day: e.day,
              cacheStatus: e.cacheStatus,
              resultCount: e.resultCount,
              createdAt: e.createdAt,
            })),
          ),
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

/**
 * The searches of a batch item's `events` attribute, validated (a stream consumer reading an
 * image, a test reading the table). Throws a ZodError or SyntaxError on anything else.
 */
export function parseSearchEventBatch(events: string): SearchEventRecord[] {
  return z
    .array(searchEventRecordSchema)
    .min(1)
    .max(MAX_SEARCH_EVENTS_PER_BATCH)
    .parse(JSON.parse(events));
}
