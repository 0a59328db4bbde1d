import { GetCommand, UpdateCommand } from "../aws-sdk.js";
import type { FlightOfferRecord, InventoryChange, RoomNightRecord } from "../domain.js";
import { isConditionalCheckFailed } from "../errors.js";
import type { TravelService } from "../service.js";

/** One unit of inventory a booking can hold: a flight offer (seats) or one hotel night (rooms). */
export type InventoryItemRef = (
  | { kind: "flightOffer"; offerId: string }
  | { kind: "roomNight"; hotelId: string; date: string }
) & {
  /**
   * Most units of this item one tenant may hold (`tenant_inventory_cap`), fixed when the
   * booking is priced and stored with it, so a resumed booking is held to the same cap.
   * Absent on bookings made before the cap existed: those are not capped.
   */
  tenantCap?: number;
};

/** Who holds: the booking and its tenant (whose holds on one item are counted for the cap). */
export interface HoldOwner {
  bookingId: string;
  tenantId: string;
}

/**
 * The contract's fairness cap: a tenant may hold at most max(9, ⌊share × total⌋) units of
 * one item (a flight's seats, a hotel's rooms on one night).
 *
 * @example tenantInventoryCap(63, 50) // 31
 */
export function tenantInventoryCap(total: number, sharePercent: number): number {
  return Math.max(9, Math.floor((total * sharePercent) / 100));
}

export type AcquireHoldResult =
  /** `alreadyHeld`: this booking held the item before the call (a resumed booking). */
  | { outcome: "held"; alreadyHeld: boolean; change: InventoryChange; quantity: number }
  | { outcome: "insufficient"; available: number }
  /** The tenant would hold more than `tenantCap` units of the item. */
  | { outcome: "capped"; heldByTenant: number; cap: number }
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

type RawItem = Record<string, unknown> & {
  holds?: Record<string, number>;
  tenantHolds?: Record<string, number>;
};

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
 * Items also carry `tenantHolds`: tenantId → units that tenant's bookings hold, kept in the
 * same writes (acquire adds, release subtracts), so it always equals the sum of the tenant's
 * holds, whatever crashes in between; the acquire's condition keeps it within the booking's
 * `tenantCap`, which makes the cap hold under any race (DynamoDB evaluates it atomically).
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
      const {
        holds: _holds,
        tenantHolds: _tenantHolds,
        ...record
      } = data as FlightOfferRecord & { holds?: unknown; tenantHolds?: unknown };
      return { type: "flightOffer", record: record as FlightOfferRecord };
    }
    const { data } = roomNight.parse({ Item: raw });
    const {
      holds: _holds,
      tenantHolds: _tenantHolds,
      month: _month,
      ...record
    } = data as RoomNightRecord & {
      holds?: unknown;
      tenantHolds?: unknown;
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
   * Creates empty `holds` / `tenantHolds` maps on an item that lacks them (items seeded or
   * created without them). A nested `SET holds.#b` fails on a missing map, and `if_not_exists`
   * cannot create one member of a missing map, so this runs once per item, only when the first
   * hold needs it.
   */
  async function ensureHoldsMap(item: InventoryItemRef): Promise<boolean> {
    try {
      await client.send(
        new UpdateCommand({
          TableName: table,
          Key: keyOf(item),
          UpdateExpression:
            "SET holds = if_not_exists(holds, :empty), tenantHolds = if_not_exists(tenantHolds, :empty)",
          ConditionExpression:
            "attribute_exists(pk) AND (attribute_not_exists(holds) OR attribute_not_exists(tenantHolds))",
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
     * Holds `quantity` units of `item` for a booking. Idempotent: when the booking already
     * holds the item the call changes nothing and answers `held` with `alreadyHeld: true`.
     * With a `HoldOwner`, the tenant's units on the item are counted in the same write and,
     * when the item carries a `tenantCap`, kept within it (`capped`).
     */
    async acquire(
      item: InventoryItemRef,
      owner: string | HoldOwner,
      quantity: number,
      now: Date,
    ): Promise<AcquireHoldResult> {
      if (!Number.isInteger(quantity) || quantity < 1) {
        throw new RangeError(`hold quantity must be a positive integer, got ${quantity}`);
      }
      const { bookingId, tenantId } = typeof owner === "string" ? { bookingId: owner } : owner;
      const cap = tenantId === undefined ? undefined : item.tenantCap;
      if (cap !== undefined && quantity > cap) {
        return { outcome: "capped", heldByTenant: 0, cap };
      }
      const count = countAttribute(item);
      const names: Record<string, string> = { "#count": count, "#b": bookingId };
      const values: Record<string, unknown> = {
        ":q": quantity,
        ":one": 1,
        ":now": now.toISOString(),
      };
      let update = "SET #count = #count - :q, holds.#b = :q, updatedAt = :now";
      let condition = "attribute_exists(pk) AND #count >= :q AND attribute_not_exists(holds.#b)";
      if (tenantId !== undefined) {
        names["#t"] = tenantId;
        values[":zero"] = 0;
        update += ", tenantHolds.#t = if_not_exists(tenantHolds.#t, :zero) + :q";
        if (cap !== undefined) {
          // No arithmetic in conditions: "held + q ≤ cap" is "held ≤ cap − q".
          values[":limit"] = cap - quantity;
          condition += " AND (attribute_not_exists(tenantHolds.#t) OR tenantHolds.#t <= :limit)";
        }
      }
      const command = new UpdateCommand({
        TableName: table,
        Key: keyOf(item),
        UpdateExpression: `${update} ADD version :one`,
        ConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
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
            // Tell "this booking already holds it" (resume) from "over the cap" and "not enough left".
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
            // Sold out wins over the cap: no other tenant could have these units either.
            const available = Number(current[count] ?? 0);
            const heldByTenant = Number(
              (tenantId !== undefined && current.tenantHolds?.[tenantId]) || 0,
            );
            if (available >= quantity && cap !== undefined && heldByTenant + quantity > cap) {
              return { outcome: "capped", heldByTenant, cap };
            }
            return { outcome: "insufficient", available };
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
     * Returns what a booking holds on `item` to the available count, exactly once: the hold
     * is removed in the same write, so a second call (a retry, a concurrent cancel, the
     * reconciler) finds no hold and changes nothing. With a `HoldOwner` the tenant's count
     * goes down in that same write; a hold taken before tenants were counted (the count does
     * not cover it) is released without touching the count.
     */
    async release(
      item: InventoryItemRef,
      owner: string | HoldOwner,
      now: Date,
    ): Promise<ReleaseHoldResult> {
      const { bookingId, tenantId } = typeof owner === "string" ? { bookingId: owner } : owner;
      const count = countAttribute(item);
      const attempt = async (counted: boolean): Promise<ReleaseHoldResult> => {
        const names: Record<string, string> = { "#count": count, "#b": bookingId };
        if (counted && tenantId !== undefined) names["#t"] = tenantId;
        const { Attributes } = await client.send(
          new UpdateCommand({
            TableName: table,
            Key: keyOf(item),
            UpdateExpression: counted
              ? "SET #count = #count + holds.#b, tenantHolds.#t = tenantHolds.#t - holds.#b, updatedAt = :now REMOVE holds.#b ADD version :one"
              : "SET #count = #count + holds.#b, updatedAt = :now REMOVE holds.#b ADD version :one",
            ConditionExpression: counted
              ? "attribute_exists(holds.#b) AND tenantHolds.#t >= holds.#b"
              : "attribute_exists(holds.#b)",
            ExpressionAttributeNames: names,
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
      };
      try {
        return await attempt(tenantId !== undefined);
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
      if (tenantId === undefined) return { outcome: "notHeld" };
      try {
        return await attempt(false);
      } catch (error) {
        if (isConditionalCheckFailed(error)) return { outcome: "notHeld" };
        throw error;
      }
    },

    /** Units the tenant's bookings hold on `item` (0 when none), strongly consistent. */
    async heldByTenant(item: InventoryItemRef, tenantId: string): Promise<number> {
      const current = await read(item);
      return Number(current?.tenantHolds?.[tenantId] ?? 0);
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
