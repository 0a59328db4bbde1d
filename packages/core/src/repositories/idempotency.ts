import { isConditionalCheckFailed } from "../errors.js";
import type { TravelService } from "../service.js";

/** How long an `Idempotency-Key` is remembered: the contract's 24 hours. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

/** The stored answer of a finished request, replayed verbatim for the same key and body. */
export interface StoredResponse {
  status: number;
  /** JSON text of the body (the booking, or the problem's stable members). */
  body: string;
}

export interface IdempotencyRecord {
  tenantId: string;
  idempotencyKey: string;
  /** SHA-256 of the canonical request; the same key with another hash is a conflict. */
  requestHash: string;
  status: "in_progress" | "completed";
  /** Generated when the key is first seen, so every retry resumes the same booking. */
  bookingId: string;
  response: StoredResponse | undefined;
  /** Epoch ms until which the current owner's lease runs (0: released for takeover). */
  lockedUntil: number;
  createdAt: string;
  /** Epoch seconds after which the record counts as absent (DynamoDB TTL deletes it later). */
  ttl: number;
}

interface IdempotencyItem {
  tenantId: string;
  idempotencyKey: string;
  requestHash: string;
  status: "in_progress" | "completed";
  bookingId: string;
  responseStatus?: number;
  responseBody?: string;
  lockedUntil?: number;
  createdAt: string;
  ttl: number;
}

function toRecord(item: IdempotencyItem): IdempotencyRecord {
  return {
    tenantId: item.tenantId,
    idempotencyKey: item.idempotencyKey,
    requestHash: item.requestHash,
    status: item.status,
    bookingId: item.bookingId,
    response:
      item.responseStatus !== undefined && item.responseBody !== undefined
        ? { status: item.responseStatus, body: item.responseBody }
        : undefined,
    lockedUntil: item.lockedUntil ?? 0,
    createdAt: item.createdAt,
    ttl: item.ttl,
  };
}

/**
 * `Idempotency-Key` records, one per tenant and key, each written with a single conditional
 * write: `begin` creates the record (or replaces one whose TTL passed but DynamoDB has not yet
 * deleted), `takeOver` moves an expired lease to a new owner by compare-and-swap on
 * `lockedUntil`, `complete` stores the answer once.
 */
export function createIdempotencyRepository(db: TravelService) {
  const { idempotency } = db.entities;

  async function get(tenantId: string, idempotencyKey: string, now: Date) {
    const { data } = await idempotency.get({ tenantId, idempotencyKey }).go({ consistent: true });
    if (!data) return undefined;
    const record = toRecord(data as IdempotencyItem);
    // DynamoDB's TTL deletes lazily; an expired record must already behave as absent.
    return record.ttl * 1000 <= now.getTime() ? undefined : record;
  }

  return {
    get,

    /**
     * Claims the key for a new request. Answers `{ created: true }` for the caller that now owns
     * it, otherwise the existing record (which may belong to a concurrent identical request).
     */
    async begin(input: {
      tenantId: string;
      idempotencyKey: string;
      requestHash: string;
      bookingId: string;
      now: Date;
      leaseMs: number;
    }): Promise<
      { created: true; record: IdempotencyRecord } | { created: false; record: IdempotencyRecord }
    > {
      const nowSeconds = Math.floor(input.now.getTime() / 1000);
      const item: IdempotencyItem = {
        tenantId: input.tenantId,
        idempotencyKey: input.idempotencyKey,
        requestHash: input.requestHash,
        status: "in_progress",
        bookingId: input.bookingId,
        lockedUntil: input.now.getTime() + input.leaseMs,
        createdAt: input.now.toISOString(),
        ttl: nowSeconds + IDEMPOTENCY_TTL_SECONDS,
      };
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          await idempotency
            .put(item)
            .where(
              ({ tenantId, ttl }, { notExists, lte }) =>
                `${notExists(tenantId)} OR ${lte(ttl, nowSeconds)}`,
            )
            .go();
          return { created: true, record: toRecord(item) };
        } catch (error) {
          if (!isConditionalCheckFailed(error)) throw error;
          const existing = await get(input.tenantId, input.idempotencyKey, input.now);
          // Gone between the write and the read (TTL): try to claim it again.
          if (!existing) continue;
          // This request's own write, applied although its answer was lost (a client timeout,
          // then the SDK's retry failed the condition): the booking id is new per request.
          if (existing.bookingId === input.bookingId) return { created: true, record: existing };
          return { created: false, record: existing };
        }
      }
      throw new Error("idempotency record kept changing while it was claimed");
    },

    /** Takes over an expired lease; `undefined` when someone else changed the record first. */
    async takeOver(
      record: IdempotencyRecord,
      lockedUntil: number,
    ): Promise<IdempotencyRecord | undefined> {
      try {
        const { data } = await idempotency
          .patch({ tenantId: record.tenantId, idempotencyKey: record.idempotencyKey })
          .set({ lockedUntil })
          .where(
            ({ status, lockedUntil: current, requestHash }, { eq, notExists }) =>
              `${eq(status, "in_progress")} AND ${eq(requestHash, record.requestHash)} AND (${
                record.lockedUntil === 0 ? `${notExists(current)} OR ` : ""
              }${eq(current, record.lockedUntil)})`,
          )
          .go({ response: "all_new" });
        return toRecord(data as IdempotencyItem);
      } catch (error) {
        if (isConditionalCheckFailed(error)) return undefined;
        throw error;
      }
    },

    /** Ends the current lease early (after an unexpected error) so a retry resumes at once. */
    async releaseLease(record: IdempotencyRecord, ownLockedUntil: number): Promise<boolean> {
      try {
        await idempotency
          .patch({ tenantId: record.tenantId, idempotencyKey: record.idempotencyKey })
          .set({ lockedUntil: 0 })
          .where(
            ({ status, lockedUntil }, { eq }) =>
              `${eq(status, "in_progress")} AND ${eq(lockedUntil, ownLockedUntil)}`,
          )
          .go();
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    },

    /**
     * Stores the answer for the booking the record was created for. Only the first answer is
     * kept: a later `complete` (a reconciler racing a retry) returns the stored record instead.
     */
    async complete(input: {
      tenantId: string;
      idempotencyKey: string;
      bookingId: string;
      response: StoredResponse;
    }): Promise<IdempotencyRecord | undefined> {
      try {
        const { data } = await idempotency
          .patch({ tenantId: input.tenantId, idempotencyKey: input.idempotencyKey })
          .set({
            status: "completed",
            responseStatus: input.response.status,
            responseBody: input.response.body,
          })
          .remove(["lockedUntil"])
          .where(
            ({ status, bookingId }, { eq }) =>
              `${eq(status, "in_progress")} AND ${eq(bookingId, input.bookingId)}`,
          )
          .go({ response: "all_new" });
        return toRecord(data as IdempotencyItem);
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
        const { data } = await idempotency
          .get({ tenantId: input.tenantId, idempotencyKey: input.idempotencyKey })
          .go({ consistent: true });
        return data ? toRecord(data as IdempotencyItem) : undefined;
      }
    },
  };
}

export type IdempotencyRepository = ReturnType<typeof createIdempotencyRepository>;
