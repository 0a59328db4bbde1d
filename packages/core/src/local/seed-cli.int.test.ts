import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createInventoryRepository } from "../repositories/inventory.js";
import { generateInventory } from "../seed/inventory.js";
import { type LocalEngine, startLocalEngine } from "./engine.js";
import { runSeedCli } from "./seed-cli.js";

let engine: LocalEngine;

beforeAll(async () => {
  engine = await startLocalEngine({ tableName: "travel-cli-test" });
});

afterAll(async () => {
  await engine?.stop();
});

function captureConsole() {
  const lines: string[] = [];
  const log = vi
    .spyOn(console, "log")
    .mockImplementation((...args) => void lines.push(args.join(" ")));
  const error = vi
    .spyOn(console, "error")
    .mockImplementation((...args) => void lines.push(args.join(" ")));
  return {
    lines,
    restore() {
      log.mockRestore();
      error.mockRestore();
    },
  };
}

describe("pnpm seed against a running engine", () => {
  it("loads the inventory, printing progress and a summary", { timeout: 180_000 }, async () => {
    const output = captureConsole();
    let code: number;
    try {
      code = await runSeedCli(
        [
          "--endpoint",
          engine.endpoint,
          "--table",
          engine.tableName,
          "--days",
          "1",
          "--start",
          "2026-09-01",
          "--seed",
          "cli",
        ],
        {},
      );
    } finally {
      output.restore();
    }
    expect(code).toBe(0);
    expect(output.lines[0]).toContain(
      `seeding ${engine.endpoint} table travel-cli-test: 1 days from 2026-09-01`,
    );
    expect(output.lines.some((l) => l.startsWith("hotels loaded:"))).toBe(true);
    expect(output.lines.some((l) => /^day 1\/1 2026-09-01: [\d,]+ items/.test(l))).toBe(true);
    expect(output.lines.at(-1)).toMatch(
      /^seeded [\d,]+ items \([\d,]+ flight offers, [\d,]+ hotels, [\d,]+ room nights\) .* items\/s$/,
    );

    const [day] = [...generateInventory({ seed: "cli", startDate: "2026-09-01", days: 1 }).days()];
    const sample = day?.flights.at(-1);
    expect(
      await createInventoryRepository(engine.db).getFlightOffer(sample?.offerId ?? ""),
    ).toEqual(sample);
  });

  it("exits 2 with a usage message for bad flags, before touching any engine", async () => {
    const output = captureConsole();
    try {
      expect(await runSeedCli(["--days", "-3"], {})).toBe(2);
    } finally {
      output.restore();
    }
    expect(output.lines.join("\n")).toMatch(/pnpm seed: .*Usage: pnpm seed/s);
  });

  it("explains a missing table at the endpoint", async () => {
    await expect(
      runSeedCli(["--endpoint", engine.endpoint, "--table", "no-such-table", "--days", "1"], {}),
    ).rejects.toThrow(/table "no-such-table" does not exist at http:\/\/127\.0\.0\.1:\d+/);
  });
});
