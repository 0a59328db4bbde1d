import { describe, expect, it } from "vitest";
import { loadConfig } from "./config.js";
import { ConfigError } from "./errors.js";

describe("loadConfig", () => {
  it("gives documented defaults for an empty environment", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      tableName: "travel",
      redisUrl: undefined,
      corsOrigins: [],
      bodyLimitBytes: 65_536,
      apiKeyCacheSeconds: 30,
      tenantInventorySharePercent: 50,
      searchCacheTtlSeconds: 600,
      readModelNearCache: true,
      postResponseFlush: true,
    });
  });

  it("turns the read model's near cache and the post-response flush off", () => {
    const config = loadConfig({
      READ_MODEL_NEAR_CACHE: "off",
      POST_RESPONSE_FLUSH: "off",
    });
    expect(config.readModelNearCache).toBe(false);
    expect(config.postResponseFlush).toBe(false);
  });

  it("parses values and lists", () => {
    const config = loadConfig({
      PORT: "8080",
      REDIS_URL: "redis://cache:6379",
      CORS_ORIGINS: "https://a.example, https://b.example",
      SEARCH_CACHE_TTL_SECONDS: "300",
    });
    expect(config.port).toBe(8080);
    expect(config.redisUrl).toBe("redis://cache:6379");
    expect(config.corsOrigins).toEqual(["https://a.example", "https://b.example"]);
    expect(config.searchCacheTtlSeconds).toBe(300);
  });

  it.each(["debug", "Info", " warn ", "SILENT"])(
    "accepts the log level %j in any case",
    (level) => {
      expect(loadConfig({ LOG_LEVEL: level }).logLevel).toBe(level.trim().toUpperCase());
    },
  );

  it("treats an empty LOG_LEVEL as unset", () => {
    expect(loadConfig({ LOG_LEVEL: "" }).logLevel).toBe("INFO");
  });

  it.each([
    ["PORT", "eighty"],
    ["PORT", "70000"],
    ["REDIS_URL", "http://nope"],
    ["CURSOR_SIGNING_KEY", "short"],
    ["LOG_LEVEL", "LOUD"],
    ["SEARCH_CACHE_TTL_SECONDS", "60"],
    ["API_KEY_CACHE_SECONDS", "120"],
    ["DYNAMO_ENDPOINT", "not a url"],
    ["READ_MODEL_NEAR_CACHE", "yes"],
    ["POST_RESPONSE_FLUSH", "true"],
  ])("fails at start naming %s when it is %j", (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`\\b${name}\\b`));
  });
});
