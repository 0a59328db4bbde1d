import type { Cache } from "@travel/cache";
import { createMemoryCache } from "@travel/cache";
import { describe } from "vitest";
import { searchScenarios } from "./scenarios.js";

describe("search over dynalite with the in-process cache", () => {
  let cache: Cache | undefined;
  searchScenarios({
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
