import { describeRedis } from "@travel/cache/testing";
import { readModelScenarios } from "./read-model-scenarios.js";
import { redisCacheFactory } from "./redis-caches.js";

describeRedis("read model over dynalite with the real Redis", ({ url }) => {
  // A generous command timeout: fail-open is not under test here (a loaded box stalls).
  readModelScenarios(redisCacheFactory(url, "search-rm", { commandTimeoutMs: 2_000 }));
});
