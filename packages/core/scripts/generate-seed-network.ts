/**
 * Writes src/data/seed-network.json (the seed's route network as data, see
 * `src/seed/network.ts`) from `seedRoutes()`. Run after changing the seed's airports, busy
 * routes or route planning: `pnpm --filter @travel/core seed-network:generate`.
 */
import { writeFileSync } from "node:fs";
import { seedRoutes } from "../src/seed/routes.js";

// Routes come in pairs (rank 2k is A→B, 2k+1 is B→A, same flights): one row per pair.
const pairs = seedRoutes()
  .filter((route) => route.rank % 2 === 0)
  .map((route) => [route.origin, route.destination, route.dailyFlights]);
const target = new URL("../src/data/seed-network.json", import.meta.url);
// One pair per line: a change to the seed shows as a readable diff.
writeFileSync(target, `[\n${pairs.map((pair) => JSON.stringify(pair)).join(",\n")}\n]\n`);
process.stdout.write(`wrote ${pairs.length} airport pairs to ${target.pathname}\n`);
