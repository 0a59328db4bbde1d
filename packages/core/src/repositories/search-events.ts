import type { SearchEventRecord } from "../domain.js";
import type { TravelService } from "../service.js";

/** Search events live for a week: long enough for the stream consumer and any replay. */
export const SEARCH_EVENT_TTL_SECONDS = 7 * 24 * 3600;

export function createSearchEventRepository(db: TravelService) {
  const { searchEvent } = db.entities;
  return {
    async record(event: SearchEventRecord): Promise<void> {
      const ttl = Math.floor(Date.parse(event.createdAt) / 1000) + SEARCH_EVENT_TTL_SECONDS;
      await searchEvent.put({ ...event, ttl }).go();
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
