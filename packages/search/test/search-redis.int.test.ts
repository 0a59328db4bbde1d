import { describeRedis } from "@travel/cache/testing";
import { redisCacheFactory } from "./redis-caches.js";
import { searchScenarios } from "./scenarios.js";

describeRedis("search over dynalite with the real Redis cache", ({ url }) => {
  searchScenarios(redisCacheFactory(url, "search"));
});
