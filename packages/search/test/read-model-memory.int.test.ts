import type { Cache } from "@travel/cache";
import { createMemoryCache } from "@travel/cache";
import { describe } from "vitest";
import { readModelScenarios } from "./read-model-scenarios.js";

describe("read model over dynalite with the in-process cache", () => {
  let cache: Cache | undefined;
  readModelScenarios({
    async create() {
      const created = createMemoryCache({});
      cache = created;
      return { cache: created, peer: async () => created };
    },
    async cleanup() {
      await cache?.close();
    },
  });
});
