import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { FlightOfferRecord, InventoryChange, RoomNightRecord } from "../domain.js";
import { isConditionalCheckFailed } from "../errors.js";
import type { TravelService } from "../service.js";

/** One unit of inventory a booking can hold: a flight offer (seats) or one hotel night (rooms). */
export type InventoryItemRef =
  | { kind: "flightOffer"; offerId: string }
  | { kind: "roomNight"; hotelId: string; date: string };

export type AcquireHoldResult =
  /** `alreadyHeld`: this booking held the item before the call (a resumed booking). */
  | { outcome: "held"; alreadyHeld: boolean; change: InventoryChange; quantity: number }
  | { outcome: "insufficient"; available: number }
  | { outcome: "missing" };

export type ReleaseHoldResult =
  | { outcome: "released"; change: InventoryChange; quantity: number }
  /** The booking held nothing on this item (never held, or already released). */
  | { outcome: "notHeld" };

/** A stable, human-readable name of an item, used to order holds and in logs. */
export function inventoryItemLabel(item: InventoryItemRef): string {
  return item.kind === "flightOffer"
    ? `flightOffer:${item.offerId}`
    : `roomNight:${item.hotelId}:${item.date}`;
}

type RawItem = Record<string, unknown> & { holds?: Record<string, number> };

/**
 * Booking holds on inventory items, as single-item conditional writes (no transactions).
 *
 * Every item carries `holds`: a map bookingId → quantity. Acquiring decrements the available
 * count *and* records the hold in the same UpdateItem, under the condition that enough is
 * available and this booking holds nothing yet; releasing adds the held quantity back and
 * removes the hold under the condition that the hold exists. Hence:
 * - the count can never go below zero (the condition is evaluated atomically by DynamoDB);
 * - a retry of either write is a no-op (the hold key is the idempotency token), so a booking
 *   or cancellation interrupted between any two writes can be resumed by anyone;
 * - `available + Σ holds` is invariant under booking writes (admin writes set `available`).
 *
 * Keys come from the ElectroDB entities (`entity.get(key).params()`), so they never diverge
 * from the models; the raw document client is used because the nested-map update and its
 * condition are not expressible through ElectroDB's update builder.
 */
export function createInventoryHoldRepository(db: TravelService) {
  const { flightOffer, roomNight } = db.entities;
  const client = db.client;
  const table = db.table;

  function keyOf(item: InventoryItemRef): Record<string, unknown> {
    const params =
      item.kind === "flightOffer"
        ? flightOffer.get({ offerId: item.offerId }).params()
        : roomNight.get({ hotelId: item.hotelId, date: item.date }).params();
    return params.Key as Record<string, unknown>;
  }

  const countAttribute = (item: InventoryItemRef) =>
    item.kind === "flightOffer" ? "seatsAvailable" : "roomsAvailable";

  function toChange(item: InventoryItemRef, raw: RawItem): InventoryChange {
    if (item.kind === "flightOffer") {
      const { data } = flightOffer.parse({ Item: raw });
      const { holds: _holds, ...record } = data as FlightOfferRecord & { holds?: unknown };
      return { type: "flightOffer", record: record as FlightOfferRecord };
    }
    const { data } = roomNight.parse({ Item: raw });
    const {
      holds: _holds,
      month: _month,
      ...record
    } = data as RoomNightRecord & {
      holds?: unknown;
      month?: string;
    };
    return { type: "roomNight", record: record as RoomNightRecord };
  }

  async function read(item: InventoryItemRef): Promise<RawItem | undefined> {
    const { Item } = await client.send(
      new GetCommand({ TableName: table, Key: keyOf(item), ConsistentRead: true }),
    );
    return Item as RawItem | undefined;
  }

  /**
   * Creates an empty `holds` map on an item that has none (items seeded or created without it).
   * A nested `SET holds.#b` fails on a missing map, and `if_not_exists` cannot create one
   * member of a missing map, so this runs once per item, only when the first hold needs it.
   */
  async function ensureHoldsMap(item: InventoryItemRef): Promise<boolean> {
    try {
      await client.send(
        new UpdateCommand({
          TableName: table,
          Key: keyOf(item),
          UpdateExpression: "SET holds = :empty",
          ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(holds)",
          ExpressionAttributeValues: { ":empty": {} },
        }),
      );
      return true;
    } catch (error) {
      // Either the map exists now (someone else created it) or the item does not exist.
      if (isConditionalCheckFailed(error)) return (await read(item)) !== undefined;
      throw error;
    }
  }

  return {
    keyOf,
    read,

    /**
     * Holds `quantity` units of `item` for `bookingId`. Idempotent: when the booking already
     * holds the item the call changes nothing and answers `held` with `alreadyHeld: true`.
     */
    async acquire(
      item: InventoryItemRef,
      bookingId: string,
      quantity: number,
      now: Date,
    ): Promise<AcquireHoldResult> {
      if (!Number.isInteger(quantity) || quantity < 1) {
        throw new RangeError(`hold quantity must be a positive integer, got ${quantity}`);
      }
      const count = countAttribute(item);
      const command = new UpdateCommand({
        TableName: table,
        Key: keyOf(item),
        UpdateExpression: `SET #count = #count - :q, holds.#b = :q, updatedAt = :now ADD version :one`,
        ConditionExpression:
          "attribute_exists(pk) AND #count >= :q AND attribute_not_exists(holds.#b)",
        ExpressionAttributeNames: { "#count": count, "#b": bookingId },
        ExpressionAttributeValues: { ":q": quantity, ":one": 1, ":now": now.toISOString() },
        ReturnValues: "ALL_NEW",
      });
      for (let attempt = 0; attempt < 2; attempt++) {
        try {
          const { Attributes } = await client.send(command);
          return {
            outcome: "held",
            alreadyHeld: false,
            quantity,
            change: toChange(item, Attributes as RawItem),
          };
        } catch (error) {
          if (isConditionalCheckFailed(error)) {
            // Tell "this booking already holds it" (resume) from "not enough left".
            const current = await read(item);
            if (!current) return { outcome: "missing" };
            const held = current.holds?.[bookingId];
            if (typeof held === "number") {
              return {
                outcome: "held",
                alreadyHeld: true,
                quantity: held,
                change: toChange(item, current),
              };
            }
            return { outcome: "insufficient", available: Number(current[count] ?? 0) };
          }
          if (attempt === 0 && isInvalidDocumentPath(error)) {
            if (!(await ensureHoldsMap(item))) return { outcome: "missing" };
            continue;
          }
          throw error;
        }
      }
      throw new Error(`could not create the holds map of ${inventoryItemLabel(item)}`);
    },

    /**
     * Returns what `bookingId` holds on `item` to the available count, exactly once: the hold
     * is removed in the same write, so a second call (a retry, a concurrent cancel, the
     * reconciler) finds no hold and changes nothing.
     */
    async release(
      item: InventoryItemRef,
      bookingId: string,
      now: Date,
    ): Promise<ReleaseHoldResult> {
      const count = countAttribute(item);
      try {
        const { Attributes } = await client.send(
          new UpdateCommand({
            TableName: table,
            Key: keyOf(item),
            UpdateExpression:
              "SET #count = #count + holds.#b, updatedAt = :now REMOVE holds.#b ADD version :one",
            ConditionExpression: "attribute_exists(holds.#b)",
            ExpressionAttributeNames: { "#count": count, "#b": bookingId },
            ExpressionAttributeValues: { ":one": 1, ":now": now.toISOString() },
            ReturnValues: "ALL_OLD",
          }),
        );
        const old = Attributes as RawItem;
        const quantity = Number(old.holds?.[bookingId] ?? 0);
        // ALL_OLD tells the released quantity; the new state is derived (no second read).
        const holds = { ...(old.holds ?? {}) };
        delete holds[bookingId];
        const next: RawItem = {
          ...old,
          [count]: Number(old[count] ?? 0) + quantity,
          holds,
          version: Number(old.version ?? 0) + 1,
          updatedAt: now.toISOString(),
        };
        return { outcome: "released", quantity, change: toChange(item, next) };
      } catch (error) {
        if (isConditionalCheckFailed(error)) return { outcome: "notHeld" };
        throw error;
      }
    },

    /** Quantity `bookingId` holds on `item` (0 when none), strongly consistent. */
    async heldBy(item: InventoryItemRef, bookingId: string): Promise<number> {
      const current = await read(item);
      return Number(current?.holds?.[bookingId] ?? 0);
    },

    /** The item's current state as an `InventoryChange` (what listeners get), or undefined. */
    async current(item: InventoryItemRef): Promise<InventoryChange | undefined> {
      const raw = await read(item);
      return raw ? toChange(item, raw) : undefined;
    },

    /** Every hold on the item (bookingId → quantity), for audits and tests. */
    async holdsOn(item: InventoryItemRef): Promise<Record<string, number>> {
      return { ...((await read(item))?.holds ?? {}) };
    },
  };
}

/** DynamoDB's answer to `SET holds.#b` when the `holds` map does not exist. */
function isInvalidDocumentPath(error: unknown): boolean {
  const e = error as { name?: string; message?: string };
  return (
    e?.name === "ValidationException" &&
    typeof e.message === "string" &&
    e.message.includes("document path")
  );
}

export type InventoryHoldRepository = ReturnType<typeof createInventoryHoldRepository>;
