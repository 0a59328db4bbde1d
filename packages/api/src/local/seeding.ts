import type { InventoryRepository, TravelService } from "@travel/core";
import {
  DEFAULT_SEED,
  HOTEL_CITIES,
  type SeedProgress,
  type SeedSummary,
  startSeeding,
} from "@travel/core/seed";
import type { LocalState, SeedMarker } from "./state.js";

export const LOCAL_SEED_DAYS = 30;

export type SeedPlan =
  | { action: "skip"; reason: string }
  | { action: "seed"; marker: SeedMarker; resumed: boolean };

/**
 * Decides whether this start seeds: a fresh table is seeded from today; a table whose seeding was
 * interrupted is seeded again from the *same* start date (writes are idempotent puts of the same
 * deterministic records); a completed or externally seeded (`pnpm seed`) table is left alone.
 */
export async function planSeeding(options: {
  state: LocalState;
  tableReused: boolean;
  inventory: Pick<InventoryRepository, "listHotelsInCity">;
  today: string;
  days?: number;
}): Promise<SeedPlan> {
  const marker = options.state.seedMarker();
  const days = options.days ?? LOCAL_SEED_DAYS;
  if (options.tableReused) {
    if (marker?.completed) return { action: "skip", reason: `seeded from ${marker.startDate}` };
    if (marker) return { action: "seed", marker, resumed: true };
    const [city] = Object.keys(HOTEL_CITIES);
    if (city && (await options.inventory.listHotelsInCity(city)).length > 0) {
      return { action: "skip", reason: "the table already holds inventory (pnpm seed)" };
    }
  }
  return {
    action: "seed",
    marker: { seed: DEFAULT_SEED, startDate: options.today, days, completed: false },
    resumed: false,
  };
}

/**
 * Runs a seed plan in the background: resolves `ready` once the nearest `readyAfterDays` days are
 * in (serve then), records completion in the marker so the next start skips seeding.
 */
export function runSeeding(options: {
  db: TravelService;
  state: LocalState;
  marker: SeedMarker;
  readyAfterDays: number;
  onProgress: (progress: SeedProgress) => void;
}): { ready: Promise<void>; done: Promise<SeedSummary> } {
  const { marker, state } = options;
  state.saveSeedMarker({ ...marker, completed: false });
  const handle = startSeeding({
    db: options.db,
    startDate: marker.startDate,
    days: marker.days,
    seed: marker.seed,
    readyAfterDays: options.readyAfterDays,
    onProgress: options.onProgress,
  });
  const done = handle.done.then((summary) => {
    state.saveSeedMarker({
      ...marker,
      completed: true,
      items: summary.items,
      seconds: Math.round(summary.elapsedMs / 100) / 10,
    });
    return summary;
  });
  return { ready: handle.ready, done };
}
