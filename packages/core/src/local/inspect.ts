import type { SearchEventRecord } from "../domain.js";
import { parseSearchEventBatch } from "../repositories/search-events.js";
import type { TravelService } from "../service.js";

/**
 * Every search event a table holds, whether written alone or inside a batch item, by search id.
 * A full Scan: for tests and local inspection, never for a request path.
 *
 * @example
 * const events = await scanSearchEvents(engine.db);
 * events.get(searchId); // { searchId, tenantId, route, cacheStatus, ... }
 */
export async function scanSearchEvents(db: TravelService): Promise<Map<string, SearchEventRecord>> {
  const out = new Map<string, SearchEventRecord>();
  const single = await db.entities.searchEvent.scan.go({ pages: "all" });
  for (const { ttl: _ttl, ...event } of single.data)
    out.set(event.searchId, event as SearchEventRecord);
  const batches = await db.entities.searchEventBatch.scan.go({ pages: "all" });
  for (const batch of batches.data) {
    for (const event of parseSearchEventBatch(batch.events)) out.set(event.searchId, event);
  }
  return out;
}
