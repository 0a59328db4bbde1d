import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { planSeeding } from "./seeding.js";
import { createLocalState } from "./state.js";

const dirs: string[] = [];
function freshState() {
  const dir = mkdtempSync(join(tmpdir(), "api-local-"));
  dirs.push(dir);
  return createLocalState(dir);
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const noHotels = { listHotelsInCity: async () => [] };
const someHotels = { listHotelsInCity: async () => [{ hotelId: "htl_x" }] as never[] };

describe("planSeeding", () => {
  it("seeds a fresh table from today", async () => {
    const plan = await planSeeding({
      state: freshState(),
      tableReused: false,
      inventory: noHotels,
      today: "2026-03-01",
    });
    expect(plan).toMatchObject({
      action: "seed",
      resumed: false,
      marker: { startDate: "2026-03-01", days: 30, completed: false },
    });
  });

  it("skips a table whose seeding completed, on any later day", async () => {
    const state = freshState();
    state.saveSeedMarker({ seed: "s", startDate: "2026-03-01", days: 90, completed: true });
    const plan = await planSeeding({
      state,
      tableReused: true,
      inventory: noHotels,
      today: "2026-03-05",
    });
    expect(plan.action).toBe("skip");
  });

  it("resumes an interrupted seeding from its original start date", async () => {
    const state = freshState();
    state.saveSeedMarker({ seed: "s", startDate: "2026-03-01", days: 90, completed: false });
    const plan = await planSeeding({
      state,
      tableReused: true,
      inventory: noHotels,
      today: "2026-03-02",
    });
    expect(plan).toMatchObject({
      action: "seed",
      resumed: true,
      marker: { startDate: "2026-03-01", seed: "s" },
    });
  });

  it("leaves a table seeded by `pnpm seed` alone, and re-seeds a fresh table even with an old marker", async () => {
    const state = freshState();
    expect(
      (await planSeeding({ state, tableReused: true, inventory: someHotels, today: "2026-03-01" }))
        .action,
    ).toBe("skip");
    state.saveSeedMarker({ seed: "s", startDate: "2026-01-01", days: 90, completed: true });
    const plan = await planSeeding({
      state,
      tableReused: false,
      inventory: noHotels,
      today: "2026-03-01",
    });
    expect(plan).toMatchObject({ action: "seed", marker: { startDate: "2026-03-01" } });
  });
});

describe("local state", () => {
  it("keeps the cursor key and demo key across restarts, readable only by the owner", () => {
    const state = freshState();
    const key = state.cursorKey();
    expect(key.length).toBeGreaterThanOrEqual(32);
    expect(createLocalState(state.dataDir).cursorKey()).toBe(key);
    state.saveDemoKey("tk_demo");
    expect(createLocalState(state.dataDir).demoKey()).toBe("tk_demo");
    expect(statSync(join(state.dataDir, "demo-key")).mode & 0o077).toBe(0);
  });
});
