import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createDynamoClients } from "../client.js";
import { newId } from "../ids.js";
import { createInventoryRepository } from "../repositories/inventory.js";
import { createTravelService } from "../service.js";
import { LOCAL_CREDENTIALS } from "./engine.js";
import { startLocalEngineProcess } from "./engine-process.js";
import { runSeedCli } from "./seed-cli.js";

const dir = mkdtempSync(join(tmpdir(), "engine-process-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("embedded engine in a child process (what pnpm seed loads into)", () => {
  it("pnpm seed into a data dir leaves data that a later engine on that dir serves", {
    timeout: 120_000,
  }, async () => {
    const log: string[] = [];
    const original = console.log;
    console.log = (line: string) => log.push(line);
    try {
      expect(
        await runSeedCli(["--data-dir", dir, "--days", "1", "--start", "2026-12-01"], {}),
      ).toBe(0);
    } finally {
      console.log = original;
    }
    expect(log.at(-1)).toMatch(/^seeded [\d,]+ items/);

    // The seeding process has stopped its engine (the LevelDB lock is free again).
    const engine = await startLocalEngineProcess({ dataDir: dir });
    const clients = createDynamoClients({
      endpoint: engine.endpoint,
      credentials: LOCAL_CREDENTIALS,
    });
    try {
      expect(engine.reused).toBe(true);
      const inventory = createInventoryRepository(
        createTravelService({ client: clients.document, table: engine.tableName }),
      );
      const flights = await inventory.listFlights({
        origin: "JFK",
        destination: "LAX",
        departDate: "2026-12-01",
      });
      expect(flights.length).toBeGreaterThan(0);
      expect(await inventory.getFlightOffer(newId("offer"))).toBeUndefined();
    } finally {
      clients.raw.destroy();
      await engine.stop();
    }
  });
});
