/**
 * Seed load benchmark: the full 90-day inventory into a fresh embedded engine, in memory and on
 * disk, timed end to end (generation + item building + BatchWriteItem), with the time until the
 * first 7 days are in (when `pnpm start` begins serving).
 *
 *   pnpm --filter @travel/core bench            # both
 *   pnpm --filter @travel/core bench -- memory  # one
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { startLocalEngine } from "../src/local/engine.js";
import { seedInventory } from "../src/seed/seed.js";

// The AWS SDK's "node >=22 from 2027" notice is noise in a bench (Lambda runs 22): the SDK's
// own switch silences that one warning and no other (child processes inherit it).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const START_DATE = "2026-03-01";
const DAYS = 90;
const READY_DAYS = 7;

async function run(kind: "memory" | "disk") {
  const dir = kind === "disk" ? mkdtempSync(join(tmpdir(), "travel-seed-bench-")) : undefined;
  const engine = await startLocalEngine(dir ? { dataDir: dir } : {});
  let readyMs = 0;
  try {
    const summary = await seedInventory({
      db: engine.db,
      startDate: START_DATE,
      days: DAYS,
      onProgress: (p) => {
        if (p.phase === "day" && p.daysLoaded === READY_DAYS) readyMs = p.elapsedMs;
      },
    });
    return { kind, ...summary, readyMs };
  } finally {
    await engine.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

const kinds = process.argv
  .slice(2)
  .filter((a): a is "memory" | "disk" => a === "memory" || a === "disk");
const results = [];
for (const kind of kinds.length > 0 ? kinds : (["memory", "disk"] as const)) {
  console.error(`seeding ${DAYS} days into a fresh ${kind} engine…`);
  results.push(await run(kind));
}

console.log(
  `\nNode ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? "?"}), ${new Date().toISOString()}\n`,
);
console.log("| engine | items | first 7 days ready (s) | total (s) | items/s |");
console.log("|---|---|---|---|---|");
for (const r of results) {
  console.log(
    `| ${r.kind} | ${r.items.toLocaleString("en-US")} | ${(r.readyMs / 1000).toFixed(1)} | ${(r.elapsedMs / 1000).toFixed(1)} | ${Math.round(r.itemsPerSecond).toLocaleString("en-US")} |`,
  );
}
