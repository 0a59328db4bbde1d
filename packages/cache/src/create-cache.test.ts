import { describe, expect, it } from "vitest";
import { createCache } from "./create-cache.js";
import { CacheConfigError } from "./errors.js";

describe("createCache", () => {
  it("builds the in-process cache", async () => {
    const cache = createCache({ backend: "memory", maxBytes: 1024 * 1024 });
    expect(cache.backend).toBe("memory");
    expect(await cache.health()).toBe("ok");
    await cache.close();
  });

  it("names the bad field", () => {
    expect(() => createCache({ backend: "memory", maxBytes: -5 })).toThrow(/maxBytes/);
    expect(() => createCache({ backend: "memory", keyPrefix: "a{b}" })).toThrow(/keyPrefix/);
    expect(() =>
      createCache({ backend: "memory", namespaces: { search: { ttlSeconds: 60 } } }),
    ).toThrow(/search TTL must be between 300 and 900/);
    expect(() => createCache({ backend: "nope" } as never)).toThrow(CacheConfigError);
  });

  it("refuses TTLs that outlive the tag retention", () => {
    expect(() =>
      createCache({
        backend: "memory",
        tagRetentionSeconds: 600,
        namespaces: { default: { ttlSeconds: 600 } },
      }),
    ).toThrow(/tag retention/);
  });
});
