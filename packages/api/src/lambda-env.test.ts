import { describe, expect, it } from "vitest";
import { loadConfig } from "./config.js";
import { environmentWithResources } from "./lambda-env.js";

describe("environmentWithResources", () => {
  const resources = {
    Table: { name: "travel-prod-TableTable-abc" },
    Cache: {
      host: "master.cache.use1.cache.amazonaws.com",
      port: 6379,
      username: "default",
      password: "p@ss/w:rd",
    },
    CursorSigningKey: { value: "0123456789abcdef0123456789abcdef" },
  };

  it("turns SST links into the variables loadConfig parses (TLS by default)", () => {
    const config = loadConfig(environmentWithResources({ LOG_LEVEL: "WARN" }, resources));
    expect(config.tableName).toBe("travel-prod-TableTable-abc");
    expect(config.cursorSigningKey).toBe("0123456789abcdef0123456789abcdef");
    expect(config.redisUrl).toBe(
      "rediss://default:p%40ss%2Fw%3Ard@master.cache.use1.cache.amazonaws.com:6379",
    );
    expect(new URL(config.redisUrl ?? "").password).toBe("p%40ss%2Fw%3Ard");
  });

  it("uses plain redis:// when CACHE_TLS=false (sst dev) and lets explicit variables win", () => {
    const env = environmentWithResources(
      { CACHE_TLS: "false", TABLE_NAME: "override" },
      { ...resources, Cache: { host: "localhost", port: 6379 } },
    );
    expect(env.REDIS_URL).toBe("redis://localhost:6379");
    expect(env.TABLE_NAME).toBe("override");
  });

  it("leaves the environment alone without links (local runs)", () => {
    expect(environmentWithResources({ PORT: "1" }, {})).toEqual({ PORT: "1" });
  });
});
