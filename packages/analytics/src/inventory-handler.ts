import {
  flightOfferRecordSchema,
  type InventoryChange,
  type InventoryChangeListener,
  roomNightRecordSchema,
} from "@travel/core";
import { MalformedStreamRecordError } from "./errors.js";
import type { StreamRecordHandler } from "./stream-record.js";

/**
 * Passes the new state of every inventory item (`flightOffer`, `roomNight`) that the stream
 * carries to an `InventoryChangeListener`: the backstop that keeps a search read model in line
 * with writers that did not publish their change themselves (issue #8). Removals carry no new
 * state and are skipped.
 *
 * @example
 * createStreamConsumer({ parser, handlers: [aggregator, createInventoryChangeHandler(search)] });
 */
export function createInventoryChangeHandler(
  listener: InventoryChangeListener,
): StreamRecordHandler {
  return {
    name: "inventory",
    async handle(change) {
      const image = change.newImage;
      if (!image) return;
      let inventoryChange: InventoryChange;
      if (image.entity === "flightOffer") {
        const parsed = flightOfferRecordSchema.safeParse(image.item);
        if (!parsed.success) throw invalid(change.eventId, image.entity);
        inventoryChange = { type: "flightOffer", record: parsed.data };
      } else if (image.entity === "roomNight") {
        const parsed = roomNightRecordSchema.safeParse(image.item);
        if (!parsed.success) throw invalid(change.eventId, image.entity);
        inventoryChange = { type: "roomNight", record: parsed.data };
      } else {
        return;
      }
      await listener.inventoryChanged([inventoryChange]);
    },
  };
}

function invalid(eventId: string, entity: string): MalformedStreamRecordError {
  return new MalformedStreamRecordError(
    eventId,
    `${entity} image does not match its record schema`,
  );
}
