import { BatchGetCommand, GetCommand, PutCommand, UpdateCommand } from "../aws-sdk.js";
import { isConditionalCheckFailed } from "../errors.js";
import type { TravelService } from "../service.js";
import {
  type AggregateCounts,
  aggregatePartitionOf,
  CANCELLED_REVENUE_PREFIX,
  isMinuteRow,
  MINUTE_ROW_RETENTION_SECONDS,
  REVENUE_PREFIX,
} from "./analytics.js";

/**
 * One aggregate row's share of a batch: what to add to (day, scope) in the batch's shard (money
 * per currency: one row of a batch can sum bookings in several currencies).
 */
export interface AggregateRowDelta {
  day: string;
  scope: string;
  delta: AggregateCounts;
}

/** The write-ahead record of one batch of counter updates (entity `aggregateBatch`). */
export interface AggregateBatch {
  batchId: string;
  state: "pending" | "applied";
  shard: number;
  rows: AggregateRowDelta[];
}

/** A change-stream record as the claims know it: its eventID and the second it was created. */
export interface StreamRecordRef {
  eventId: string;
  /** `ApproximateCreationDateTime` (epoch seconds): unchanged on every delivery. */
  createdSecond: number;
}

/** Claim buckets per second: spreads a second's claims over this many small items. */
export const CLAIM_BUCKETS = 4;
/** Row token attributes a single row write removes at most (the rest go with the next one). */
const RELEASES_PER_WRITE = 32;
const BATCH_GET_LIMIT = 100;
const CURRENCY = /^[A-Z]{3}$/;
/** Claims and batches outlive the stream's 24 h retention: no redelivery can come after. */
const RETENTION_SECONDS = 48 * 3600;
/** Row attributes `b_<batchId>`: the batches that counted this row and may still be rolled forward. */
const TOKEN_PREFIX = "b_";

type Key = Record<string, unknown>;

/**
 * The analytics consumer's exactly-once writes, by batch: a batch's records are summed per
 * aggregate row in memory and each row is written once, so the cost is writes per row per
 * batch, plus one claim write per (second, bucket) the batch's records were created in. The
 * order, and why every crash point is safe to retry:
 * 1. `claimRecords`: the records are claimed for a fresh batchId (`<eventID>@<batchId>` in the
 *    claims of their creation second and bucket).
 * 2. `createBatch`: the batch (rows and deltas, state `pending`), after ALL its claims. A claim
 *    naming a batch that does not exist never got that far: nothing was counted, the record is
 *    fresh (and the next claim adds a new entry beside the dead one).
 * 3. `addRow` per row: ONE conditional UpdateItem ADDs the row's delta *and* SETs the row
 *    attribute `b_<batchId>`, on condition it does not exist yet. A redelivery of any record
 *    claimed by a `pending` batch finishes that batch (roll-forward) instead of counting the
 *    record again, and skips the rows that already hold the batch's token.
 * 4. `markBatchApplied`: every row counted it; from now on nobody adds its rows again.
 * 5. The row tokens of an applied batch are removed (`releaseTokens`), by the next row write of
 *    the same consumer to that row (REMOVE in the same UpdateItem) or on their own. Only after
 *    4: the roll-forward of a `pending` batch relies on them. A consumer that dies leaves a few
 *    tokens behind; rows are per day, so what stays is bounded and never counted.
 * The batch item stays (`applied`, small) until its TTL: it is what says "counted" to a late
 * redelivery. All of this relies on one record never being in two invocations at once, which
 * Lambda guarantees per shard (also with parallelizationFactor > 1: a record belongs to one
 * lane and is retried in that lane only) and the local change feed by its single delivery
 * loop. Concurrent batches hold different records, claims and batchIds; on a shared row each
 * ADD is atomic and carries its own token.
 */
export function createAggregateWriteRepository(db: TravelService) {
  const { dailyAggregate, recordClaims, aggregateBatch } = db.entities;
  const client = db.client;

  function rowKey(day: string, shard: number, scope: string): Key {
    return dailyAggregate.get({ month: aggregatePartitionOf(day), day, shard, scope }).params()
      .Key as Key;
  }

  function claimsKey(second: number, bucket: number): Key {
    return recordClaims.get({ second, bucket }).params().Key as Key;
  }

  async function batchGet(keys: Key[]): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let todo = keys;
    for (let attempt = 0; todo.length > 0; attempt++) {
      const chunk = todo.slice(0, BATCH_GET_LIMIT);
      todo = todo.slice(BATCH_GET_LIMIT);
      const result = await client.send(
        new BatchGetCommand({
          RequestItems: { [db.table]: { Keys: chunk, ConsistentRead: true } },
        }),
      );
      items.push(...((result.Responses?.[db.table] ?? []) as Record<string, unknown>[]));
      const unprocessed = result.UnprocessedKeys?.[db.table]?.Keys as Key[] | undefined;
      if (unprocessed?.length) {
        todo = [...unprocessed, ...todo];
        await backoff(attempt);
      }
    }
    return items;
  }

  /** Records grouped by their claims item. */
  function byClaimsKey(records: readonly StreamRecordRef[]) {
    const groups = new Map<string, { second: number; bucket: number; eventIds: string[] }>();
    for (const { eventId, createdSecond } of records) {
      const bucket = claimBucketOf(eventId);
      const id = `${createdSecond}#${bucket}`;
      const group = groups.get(id);
      if (group) group.eventIds.push(eventId);
      else groups.set(id, { second: createdSecond, bucket, eventIds: [eventId] });
    }
    return [...groups.values()];
  }

  return {
    /** The batchIds that claimed each of these records (absent: never claimed). */
    async findClaims(records: readonly StreamRecordRef[]): Promise<Map<string, string[]>> {
      const wanted = new Set(records.map((r) => r.eventId));
      const keys = byClaimsKey(records).map((g) => claimsKey(g.second, g.bucket));
      const claims = new Map<string, string[]>();
      for (const item of await batchGet(keys)) {
        for (const entry of (item.claims as Set<string> | undefined) ?? []) {
          const at = entry.lastIndexOf("@");
          const eventId = entry.slice(0, at);
          if (!wanted.has(eventId)) continue;
          const list = claims.get(eventId);
          if (list) list.push(entry.slice(at + 1));
          else claims.set(eventId, [entry.slice(at + 1)]);
        }
      }
      return claims;
    },

    /** The batches among `batchIds` that were created (a missing one never counted anything). */
    async findBatches(batchIds: readonly string[]): Promise<Map<string, AggregateBatch>> {
      const keys = batchIds.map((batchId) => aggregateBatch.get({ batchId }).params().Key as Key);
      const batches = new Map<string, AggregateBatch>();
      for (const item of await batchGet(keys)) {
        const batch: AggregateBatch = {
          batchId: String(item.batchId),
          state: item.state === "applied" ? "applied" : "pending",
          shard: Number(item.shard),
          rows: JSON.parse(String(item.rows)) as AggregateRowDelta[],
        };
        batches.set(batch.batchId, batch);
      }
      return batches;
    },

    /** Step 1: claims every record for `batchId` (idempotent; one write per claims item). */
    async claimRecords(
      records: readonly StreamRecordRef[],
      batchId: string,
      now: Date,
    ): Promise<void> {
      await Promise.all(
        byClaimsKey(records).map(({ second, bucket, eventIds }) =>
          client.send(
            new UpdateCommand({
              TableName: db.table,
              Key: claimsKey(second, bucket),
              UpdateExpression:
                "SET #e = :e, #v = :v, #second = :second, #bucket = :bucket, #ttl = :ttl ADD #claims :claims",
              ExpressionAttributeNames: {
                "#e": "__edb_e__",
                "#v": "__edb_v__",
                "#second": "second",
                "#bucket": "bucket",
                "#ttl": "ttl",
                "#claims": "claims",
              },
              ExpressionAttributeValues: {
                ":e": "recordClaims",
                ":v": "1",
                ":second": second,
                ":bucket": bucket,
                ":ttl": expiry(now),
                ":claims": new Set(eventIds.map((eventId) => `${eventId}@${batchId}`)),
              },
            }),
          ),
        ),
      );
    },

    /** Step 2. */
    async createBatch(batch: Omit<AggregateBatch, "state">, now: Date): Promise<void> {
      const item = aggregateBatch
        .put({
          batchId: batch.batchId,
          state: "pending",
          shard: batch.shard,
          rows: JSON.stringify(batch.rows),
          createdAt: now.toISOString(),
          ttl: expiry(now),
        })
        .params().Item as Record<string, unknown>;
      await client.send(
        new PutCommand({
          TableName: db.table,
          Item: item,
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
    },

    /**
     * Step 3: adds the row's delta once per batch, and removes the tokens of earlier applied
     * batches given in `release` (step 5, for free). False when the row already counted this
     * batch (a roll-forward after a crash), true when it counted it now.
     */
    async addRow(
      batchId: string,
      shard: number,
      row: AggregateRowDelta,
      release: readonly string[] = [],
    ): Promise<boolean> {
      const names: Record<string, string> = {
        "#token": `${TOKEN_PREFIX}${batchId}`,
        "#e": "__edb_e__",
        "#v": "__edb_v__",
        "#month": "month",
        "#day": "day",
        "#shard": "shard",
        "#scope": "scope",
      };
      const values: Record<string, unknown> = {
        ":one": 1,
        ":e": "dailyAggregate",
        ":v": "2",
        ":month": aggregatePartitionOf(row.day),
        ":day": row.day,
        ":shard": shard,
        ":scope": row.scope,
      };
      const adds: string[] = [];
      const counter = (attribute: string, amount: number | undefined) => {
        if (!amount) return;
        const token = `c${adds.length}`;
        names[`#${token}`] = attribute;
        values[`:${token}`] = amount;
        adds.push(`#${token} :${token}`);
      };
      counter("searches", row.delta.searches);
      counter("cacheHits", row.delta.cacheHits);
      counter("bookings", row.delta.bookings);
      counter("cancellations", row.delta.cancellations);
      counter("staleHits", row.delta.staleHits);
      for (const [prefix, money] of [
        [REVENUE_PREFIX, row.delta.revenue],
        [CANCELLED_REVENUE_PREFIX, row.delta.cancelledRevenue],
      ] as const) {
        for (const [currency, minor] of Object.entries(money)) {
          if (!CURRENCY.test(currency)) {
            throw new RangeError(`"${currency}" is not an ISO 4217 currency code`);
          }
          counter(`${prefix}${currency}`, minor);
        }
      }
      const removes = release
        .filter((old) => old !== batchId)
        .map((old, i) => {
          names[`#r${i}`] = `${TOKEN_PREFIX}${old}`;
          return `#r${i}`;
        });
      // Minute rows (the live operations page's) expire; day rows stay.
      let expires = "";
      if (isMinuteRow(row.day)) {
        names["#ttl"] = "ttl";
        values[":ttl"] = Date.parse(`${row.day}:00Z`) / 1000 + MINUTE_ROW_RETENTION_SECONDS;
        expires = ", #ttl = :ttl";
      }
      const expression = [
        `SET #e = :e, #v = :v, #month = :month, #day = :day, #shard = :shard, #scope = :scope, #token = :one${expires}`,
        adds.length > 0 ? `ADD ${adds.join(", ")}` : "",
        removes.length > 0 ? `REMOVE ${removes.join(", ")}` : "",
      ];
      try {
        await client.send(
          new UpdateCommand({
            TableName: db.table,
            Key: rowKey(row.day, shard, row.scope),
            UpdateExpression: expression.filter(Boolean).join(" "),
            ConditionExpression: "attribute_not_exists(#token)",
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    },

    /** Step 4. */
    async markBatchApplied(batchId: string): Promise<void> {
      await client.send(
        new UpdateCommand({
          TableName: db.table,
          Key: aggregateBatch.get({ batchId }).params().Key as Key,
          UpdateExpression: "SET #state = :applied",
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeNames: { "#state": "state" },
          ExpressionAttributeValues: { ":applied": "applied" },
        }),
      );
    },

    /** Step 5 on its own: removes applied batches' tokens from one row (idempotent). */
    async releaseTokens(
      shard: number,
      row: Omit<AggregateRowDelta, "delta">,
      batchIds: readonly string[],
    ): Promise<void> {
      for (let i = 0; i < batchIds.length; i += RELEASES_PER_WRITE) {
        const chunk = batchIds.slice(i, i + RELEASES_PER_WRITE);
        const names = Object.fromEntries(chunk.map((id, j) => [`#r${j}`, `${TOKEN_PREFIX}${id}`]));
        await client
          .send(
            new UpdateCommand({
              TableName: db.table,
              Key: rowKey(row.day, shard, row.scope),
              UpdateExpression: `REMOVE ${Object.keys(names).join(", ")}`,
              // Never create a row just to remove nothing from it.
              ConditionExpression: "attribute_exists(pk)",
              ExpressionAttributeNames: names,
            }),
          )
          .catch((error: unknown) => {
            if (!isConditionalCheckFailed(error)) throw error;
          });
      }
    },

    /** The batch tokens a row still holds (tests and diagnostics). */
    async rowTokens(day: string, shard: number, scope: string): Promise<string[]> {
      const { Item } = await client.send(
        new GetCommand({
          TableName: db.table,
          Key: rowKey(day, shard, scope),
          ConsistentRead: true,
        }),
      );
      return Object.keys(Item ?? {})
        .filter((name) => name.startsWith(TOKEN_PREFIX))
        .map((name) => name.slice(TOKEN_PREFIX.length));
    },
  };
}

/** The claims bucket of an eventID (FNV-1a, 32 bit). */
export function claimBucketOf(eventId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < eventId.length; i++) {
    hash ^= eventId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % CLAIM_BUCKETS;
}

function expiry(now: Date): number {
  return Math.floor(now.getTime() / 1000) + RETENTION_SECONDS;
}

function backoff(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 20 * 2 ** attempt)));
}

export type AggregateWriteRepository = ReturnType<typeof createAggregateWriteRepository>;
