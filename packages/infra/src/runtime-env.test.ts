import { describe, expect, it } from "vitest";
import { lambdaEnvironment, rateExpression, streamFilterPatterns } from "./runtime-env.js";
import { resolveStageConfig } from "./stage.js";

/**
 * Lambda event filtering for the pattern subset we use: an object matches when every key of
 * the pattern matches; an array of strings matches when the value equals one of them.
 */
function matches(pattern: unknown, value: unknown): boolean {
  if (Array.isArray(pattern)) return pattern.includes(value);
  if (pattern && typeof pattern === "object") {
    if (!value || typeof value !== "object") return false;
    return Object.entries(pattern).every(([key, sub]) =>
      matches(sub, (value as Record<string, unknown>)[key]),
    );
  }
  return false;
}

function streamRecord(eventName: "INSERT" | "MODIFY" | "REMOVE", entity: string) {
  const image = {
    pk: { S: "$travel#x" },
    sk: { S: "$y" },
    __edb_e__: { S: entity },
    __edb_v__: { S: "1" },
  };
  return {
    eventName,
    dynamodb: {
      Keys: { pk: image.pk, sk: image.sk },
      ...(eventName === "REMOVE" ? { OldImage: image } : { NewImage: image }),
      ...(eventName === "MODIFY" ? { OldImage: image } : {}),
      StreamViewType: "NEW_AND_OLD_IMAGES",
    },
  };
}

describe("streamFilterPatterns", () => {
  const patterns = streamFilterPatterns();
  const invokes = (record: unknown) => patterns.some((pattern) => matches(pattern, record));

  it.each(["searchEvent", "searchEventBatch", "booking", "flightOffer", "roomNight"])(
    "invokes the consumer for %s changes",
    (entity) => {
      expect(invokes(streamRecord("INSERT", entity))).toBe(true);
      expect(invokes(streamRecord("MODIFY", entity))).toBe(true);
      expect(invokes(streamRecord("REMOVE", entity))).toBe(true);
    },
  );

  it.each(["dailyAggregate", "streamMarker", "apiKey", "idempotency", "hotel", "bookingReference"])(
    "never invokes it for %s (including the consumer's own writes)",
    (entity) => {
      for (const eventName of ["INSERT", "MODIFY", "REMOVE"] as const) {
        expect(invokes(streamRecord(eventName, entity))).toBe(false);
      }
    },
  );

  it("stays within Lambda's limit of 5 filters and serialises to JSON patterns", () => {
    expect(patterns.length).toBeLessThanOrEqual(5);
    for (const pattern of patterns) expect(JSON.parse(JSON.stringify(pattern))).toEqual(pattern);
  });
});

describe("lambdaEnvironment", () => {
  it("passes stage, log level and Powertools settings, and TLS for the deployed cache only", () => {
    const config = resolveStageConfig("dev", { LOG_LEVEL: "info" });
    expect(lambdaEnvironment(config, { dev: false })).toMatchObject({
      STAGE: "dev",
      LOG_LEVEL: "INFO",
      POWERTOOLS_SERVICE_NAME: "travel-api",
      POWERTOOLS_METRICS_NAMESPACE: "TravelPlatform",
      CACHE_TLS: "true",
    });
    expect(lambdaEnvironment(config, { dev: true }).CACHE_TLS).toBe("false");
  });
});

describe("rateExpression", () => {
  it("writes EventBridge rate expressions with the right unit", () => {
    expect(rateExpression(1)).toBe("rate(1 minute)");
    expect(rateExpression(5)).toBe("rate(5 minutes)");
  });
});
