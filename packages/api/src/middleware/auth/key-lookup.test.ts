import { type ApiKeyRecord, hashApiKey } from "@travel/core";
import { describe, expect, it } from "vitest";
import { createApiKeyLookup } from "./key-lookup.js";

const record: ApiKeyRecord = {
  keyHash: hashApiKey("tk_known"),
  keyId: "key_01JD8X3Z5K7M9P1Q3R5T7V9X1Z",
  tenantId: "tenant-a",
  name: "test",
  scopes: ["search"],
  rateLimitPerMinute: 600,
  createdAt: "2026-12-01T00:00:00.000Z",
};

/** A repository that answers from one record and counts its reads. */
function countingRepository() {
  const reads: string[] = [];
  return {
    reads,
    repository: {
      async findByPlainKey(plainKey: string) {
        reads.push(plainKey);
        await new Promise((r) => setTimeout(r, 5));
        return plainKey === "tk_known" ? record : undefined;
      },
    },
  };
}

describe("API key lookup (in-process cache in front of the key table)", () => {
  it("shares one read among concurrent misses and answers later finds from memory", async () => {
    const { reads, repository } = countingRepository();
    const lookup = createApiKeyLookup({ repository });
    const found = await Promise.all(Array.from({ length: 20 }, () => lookup.find("tk_known")));
    expect(found.every((r) => r === record)).toBe(true);
    expect(await lookup.find("tk_known")).toBe(record);
    expect(reads).toEqual(["tk_known"]);
  });

  it("remembers unknown keys too, and reads again after forget()", async () => {
    const { reads, repository } = countingRepository();
    const lookup = createApiKeyLookup({ repository });
    expect(await lookup.find("tk_unknown")).toBeUndefined();
    expect(await lookup.find("tk_unknown")).toBeUndefined();
    expect(reads).toEqual(["tk_unknown"]);
    await lookup.find("tk_known");
    lookup.forget(hashApiKey("tk_known"));
    await lookup.find("tk_known");
    expect(reads).toEqual(["tk_unknown", "tk_known", "tk_known"]);
  });

  it("reads every time when caching is off (ttlSeconds 0)", async () => {
    const { reads, repository } = countingRepository();
    const lookup = createApiKeyLookup({ repository, ttlSeconds: 0 });
    await lookup.find("tk_known");
    await lookup.find("tk_known");
    expect(reads).toHaveLength(2);
  });
});
