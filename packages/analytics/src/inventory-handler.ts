import {
  flightOfferRecordSchema,
  type InventoryChange,
  type InventoryChangeListener,
  roomNightRecordSchema,
} from "@travel/core";
import { MalformedStreamRecordError } from "./errors.js";
import type { RecordRejection, StreamBatchHandler } from "./stream-record.js";

/**
 * Passes the new state of every inventory item (`flightOffer`, `roomNight`) a batch carries to
 * an `InventoryChangeListener`, in ONE call per batch: the backstop that keeps a search read
 * model in line with writers that did not publish their change themselves (issue #8). The
 * listener applies changes version-guarded, so a redelivered or reordered record changes
 * nothing (idempotent like the aggregates). Removals carry no new state and are skipped; an
 * image its schema rejects is refused alone.
 *
 * @example
 * createStreamConsumer({ parser, handlers: [aggregator, createInventoryChangeHandler(search)] });
 */
export function createInventoryChangeHandler(
  listener: InventoryChangeListener,
): StreamBatchHandler {
  return {
    name: "inventory",
    async handleBatch(changes) {
      const rejections: RecordRejection[] = [];
      const inventoryChanges: InventoryChange[] = [];
      for (const change of changes) {
        const image = change.newImage;
        if (image?.entity === "flightOffer") {
          const parsed = flightOfferRecordSchema.safeParse(image.item);
          if (parsed.success) inventoryChanges.push({ type: "flightOffer", record: parsed.data });
          else rejections.push(invalid(change.eventId, image.entity, parsed.error));
        } else if (image?.entity === "roomNight") {
          const parsed = roomNightRecordSchema.safeParse(image.item);
          if (parsed.success) inventoryChanges.push({ type: "roomNight", record: parsed.data });
          else rejections.push(invalid(change.eventId, image.entity, parsed.error));
        }
      }
      if (inventoryChanges.length > 0) await listener.inventoryChanged(inventoryChanges);
      return rejections;
    },
  };
}

function invalid(eventId: string, entity: string, cause: unknown): RecordRejection {
  return {
    eventId,
    error: new MalformedStreamRecordError(
      eventId,
      `${entity} image does not match its record schema`,
      { cause },
    ),
  };
}
