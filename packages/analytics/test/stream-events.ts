import { marshall } from "@aws-sdk/util-dynamodb";
import { encodeSearchEventBatch, type SearchEventRecord, type TravelService } from "@travel/core";
import type { DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";

/**
 * Stream records in the shape AWS documents for Lambda (DynamoDB Streams, NEW_AND_OLD_IMAGES),
 * with images built from the items ElectroDB writes (its `put(...).params().Item`, i.e. with
 * the real key and `__edb_*` attributes) and marshalled by @aws-sdk/util-dynamodb.
 */
export const STREAM_ARN =
  "arn:aws:dynamodb:us-east-1:123456789012:table/travel/stream/2026-01-01T00:00:00.000";

let sequence = 4_421_584_500_000_000_017_450_439_091n;

export function streamRecord(input: {
  eventName: "INSERT" | "MODIFY" | "REMOVE";
  newItem?: Record<string, unknown>;
  oldItem?: Record<string, unknown>;
  eventID?: string;
  createdAt?: Date;
}): DynamoDBRecord {
  sequence += 1n;
  const keySource = input.newItem ?? input.oldItem ?? {};
  const images = {
    Keys: marshall({ pk: keySource.pk, sk: keySource.sk }),
    ...(input.newItem
      ? { NewImage: marshall(input.newItem, { removeUndefinedValues: true }) }
      : {}),
    ...(input.oldItem
      ? { OldImage: marshall(input.oldItem, { removeUndefinedValues: true }) }
      : {}),
  };
  return {
    eventID: input.eventID ?? crypto.randomUUID().replaceAll("-", ""),
    eventName: input.eventName,
    eventVersion: "1.1",
    eventSource: "aws:dynamodb",
    awsRegion: "us-east-1",
    dynamodb: {
      ApproximateCreationDateTime: Math.floor((input.createdAt ?? new Date()).getTime() / 1000),
      ...(images as object),
      SequenceNumber: sequence.toString(),
      SizeBytes: JSON.stringify(images).length,
      StreamViewType: "NEW_AND_OLD_IMAGES",
    },
    eventSourceARN: STREAM_ARN,
  };
}

export function streamEvent(records: DynamoDBRecord[]): DynamoDBStreamEvent {
  return { Records: records };
}

interface SearchInput {
  searchId: string;
  route: string;
  day: string;
  cacheStatus: "hit" | "miss" | "stale";
}

/** The full search event a test's short description stands for. */
function searchRecord(input: SearchInput): SearchEventRecord {
  return {
    searchId: input.searchId,
    tenantId: "tenant-a",
    kind: input.route.includes("-") ? "flight" : "hotel",
    route: input.route,
    day: input.day,
    cacheStatus: input.cacheStatus,
    resultCount: 12,
    createdAt: `${input.day}T10:00:00.000Z`,
  };
}

/** The item ElectroDB would write for this search event. */
export function searchEventItem(db: TravelService, input: SearchInput): Record<string, unknown> {
  return db.entities.searchEvent.put({ ...searchRecord(input), ttl: 2_000_000_000 }).params()
    .Item as Record<string, unknown>;
}

/**
 * The item ElectroDB would write for a batch of these searches (core's `recordBatch`, deflated),
 * or, with `encoding: "json"`, as items written before the deflated form held them.
 */
export async function searchEventBatchItem(
  db: TravelService,
  batchId: string,
  searches: SearchInput[],
  encoding: "deflate" | "json" = "deflate",
): Promise<Record<string, unknown>> {
  const records = searches.map(searchRecord);
  return db.entities.searchEventBatch
    .put({
      batchId,
      events: encoding === "json" ? JSON.stringify(records) : await encodeSearchEventBatch(records),
      count: searches.length,
      createdAt: `${searches[0]?.day}T10:00:00.000Z`,
      ttl: 2_000_000_000,
    })
    .params().Item as Record<string, unknown>;
}

/** The item ElectroDB would write for this booking in this status. */
export function bookingItem(
  db: TravelService,
  input: {
    bookingId: string;
    route: string;
    status: "pending" | "confirmed" | "cancelled" | "failed";
    totalMinor: number;
    currency?: string;
    day: string;
    failureReason?: string;
  },
): Record<string, unknown> {
  const at = `${input.day}T12:00:00.000Z`;
  return db.entities.booking
    .put({
      bookingId: input.bookingId,
      tenantId: "tenant-a",
      reference: "ABC123",
      status: input.status,
      offerId: "off_01JD8X3Z5K7M9P1Q3R5T7V9X1Z",
      offerType: input.route.includes("-") ? "flight" : "hotel",
      route: input.route,
      quantity: 1,
      totalMinor: input.totalMinor,
      currency: input.currency ?? "USD",
      travelers: [{ givenName: "Ada", familyName: "Lovelace" }],
      contact: { email: "ada@example.com" },
      items: [{ kind: "flightOffer", key: "off_01JD8X3Z5K7M9P1Q3R5T7V9X1Z" }],
      startsAt: "2026-12-01T08:15:00.000Z",
      createdAt: at,
      updatedAt: at,
      workQueue: input.status === "pending" ? "pending#0" : "",
      ...(input.status === "confirmed" || input.status === "cancelled" ? { confirmedAt: at } : {}),
      ...(input.status === "cancelled" ? { cancelledAt: at } : {}),
      ...(input.failureReason ? { failureReason: input.failureReason } : {}),
    })
    .params().Item as Record<string, unknown>;
}

export function flightOfferItem(db: TravelService, offerId: string, seatsAvailable: number) {
  return db.entities.flightOffer
    .put({
      offerId,
      origin: "JFK",
      destination: "LAX",
      departDate: "2026-12-01",
      departAt: "2026-12-01T13:15:00.000Z",
      arriveAt: "2026-12-01T19:40:00.000Z",
      durationMinutes: 385,
      stops: 0,
      carrier: "AA",
      flightNumber: "AA100",
      cabin: "economy",
      seatsAvailable,
      seatsTotal: 180,
      priceMinor: 24_900,
      currency: "USD",
      version: 3,
      updatedAt: "2026-11-01T00:00:00.000Z",
      holds: { bkg_1: 2 },
    })
    .params().Item as Record<string, unknown>;
}
