import { startLocalEngine } from "@travel/core/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { createAppDeps } from "../src/deps.js";
import { TEST_CURSOR_KEY } from "./harness.js";

describe("CACHE_DECODED_REUSE reaches the cache the API builds", () => {
  let engine: Awaited<ReturnType<typeof startLocalEngine>>;
  beforeAll(async () => {
    engine = await startLocalEngine();
  });
  afterAll(async () => {
    await engine.stop();
  });

  it.each([
    ["on", true],
    ["off", false],
  ])("%s: repeated hits share one value: %s", async (setting, shared) => {
    const config = loadConfig({
      LOG_LEVEL: "SILENT",
      CURSOR_SIGNING_KEY: TEST_CURSOR_KEY,
      CACHE_DECODED_REUSE: setting,
    });
    const deps = await createAppDeps(config, { dynamo: engine.clients, db: engine.db });
    try {
      const load = async () => ({ offers: [{ id: "off_1" }] });
      await deps.cache.getOrLoad("k", load);
      const a = await deps.cache.getOrLoad("k", load);
      const b = await deps.cache.getOrLoad("k", load);
      expect(a.status).toBe("hit");
      expect(a.value === b.value).toBe(shared);
      expect(Object.isFrozen(a.value)).toBe(shared);
    } finally {
      await deps.close();
    }
  });
});
