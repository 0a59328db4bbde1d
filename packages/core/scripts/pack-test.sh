#!/usr/bin/env bash
# Pack test: builds @travel/core, packs it like a publish would, installs the tarball into a
# throwaway project outside the workspace (dependencies from the npm registry) and runs an
# ESM smoke script under plain Node: no @travel/source condition, no tsx, only dist/.
set -euo pipefail

PACKAGE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_ROOT="$(cd "$PACKAGE_DIR/../.." && pwd)"
WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/travel-core-pack.XXXXXX")"
cleanup() { rm -rf "$WORK_DIR"; }
trap cleanup EXIT

echo "pack-test: building @travel/core"
(cd "$REPO_ROOT" && pnpm --filter @travel/core build)

echo "pack-test: packing"
TARBALL="$(cd "$PACKAGE_DIR" && pnpm pack --pack-destination "$WORK_DIR" | grep -E '\.tgz$' | tail -n 1)"
TARBALL="$WORK_DIR/$(basename "$TARBALL")"
[ -f "$TARBALL" ] || { echo "pack-test: no tarball produced" >&2; exit 1; }

# The tarball must ship dist/ only: no TypeScript sources, tests or the source export condition.
CONTENTS="$(tar -tzf "$TARBALL")"
if echo "$CONTENTS" | grep -E '\.test\.|/src/|\.ts$' | grep -v '\.d\.ts$' >/dev/null; then
  echo "pack-test: tarball contains sources or tests:" >&2
  echo "$CONTENTS" | grep -E '\.test\.|/src/|\.ts$' | grep -v '\.d\.ts$' >&2
  exit 1
fi
if tar -xzOf "$TARBALL" package/package.json |
  node -e 'const p = JSON.parse(require("fs").readFileSync(0, "utf8")); process.exit(JSON.stringify(p.exports).includes("@travel/source") ? 0 : 1)'; then
  echo "pack-test: packed package.json still exposes the @travel/source condition" >&2
  exit 1
fi

echo "pack-test: installing $(basename "$TARBALL") into $WORK_DIR/app"
mkdir -p "$WORK_DIR/app"
cd "$WORK_DIR/app"
cat > package.json <<'JSON'
{ "name": "travel-core-pack-test", "private": true, "type": "module" }
JSON
npm install --no-audit --no-fund --loglevel=error "$TARBALL"

# The embedded engine is an optional peer: a plain install must not bring dynalite or any native
# module (classic-level) with it.
for unwanted in dynalite classic-level; do
  if [ -d "node_modules/$unwanted" ]; then
    echo "pack-test: installing @travel/core pulled in $unwanted" >&2
    exit 1
  fi
done

cat > smoke.mjs <<'JS'
import assert from "node:assert/strict";
import { createInventoryRepository, findAirport, fromMinor, parseOfferId, toMinor } from "@travel/core";
import { generateInventory, seedRoutes } from "@travel/core/seed";

assert.deepEqual(toMinor({ amount: "123.45", currency: "USD" }), { minor: 12345, currency: "USD" });
assert.deepEqual(fromMinor(12345, "USD"), { amount: "123.45", currency: "USD" });
assert.equal(fromMinor(toMinor({ amount: "1500", currency: "JPY" }).minor, "JPY").amount, "1500");
assert.equal(findAirport("JFK")?.timeZone, "America/New_York");
assert.ok(seedRoutes().length > 100, "the seeded network has its routes");
const [day] = [...generateInventory({ seed: "pack", startDate: "2026-01-15", days: 1 }).days()];
assert.equal(parseOfferId(day.flights[0].offerId)?.type, "flight");
assert.equal(typeof createInventoryRepository, "function");

// Without the optional peer, the local entry says which package is missing.
await assert.rejects(import("@travel/core/local"), (error) => {
  assert.equal(error.code, "ERR_MODULE_NOT_FOUND");
  assert.match(error.message, /'dynalite'/);
  return true;
});
console.log("pack-test: @travel/core and @travel/core/seed OK without the engine");
JS
node smoke.mjs

echo "pack-test: adding the optional peer dynalite for @travel/core/local"
npm install --no-audit --no-fund --loglevel=error "dynalite@$(node -p 'require("./node_modules/@travel/core/package.json").peerDependencies.dynalite')"

cat > smoke-local.mjs <<'JS'
import assert from "node:assert/strict";
import { createInventoryRepository } from "@travel/core";
import { startLocalEngine } from "@travel/core/local";
import { generateInventory } from "@travel/core/seed";

const engine = await startLocalEngine();
try {
  const [day] = [...generateInventory({ seed: "pack", startDate: "2026-01-15", days: 1 }).days()];
  const offer = day.flights[0];
  await engine.db.entities.flightOffer.put(offer).go();
  const inventory = createInventoryRepository(engine.db);
  assert.deepEqual(await inventory.getFlightOffer(offer.offerId), offer);
  const listed = await inventory.listFlights({ origin: offer.origin, destination: offer.destination, departDate: offer.departDate });
  assert.deepEqual(listed.map((o) => o.offerId), [offer.offerId]);
  const updated = await inventory.updateFlightOffer(offer.offerId, { priceMinor: 9900 }, new Date());
  assert.equal(updated?.version, 2);
} finally {
  await engine.stop();
}
console.log(`pack-test: OK under Node ${process.version}`);
JS
node smoke-local.mjs
