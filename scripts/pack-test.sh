#!/usr/bin/env bash
# Pack test of the importable domain packages: builds and packs @travel/core, cache, search and
# booking as a publish would, then, for each, installs its tarball (with the tarballs of the
# workspace packages it depends on) into an empty project OUTSIDE the workspace, from the npm
# registry, and checks that:
#   - no native module is installed (only optional accelerators: msgpackr-extract),
#   - it imports from ESM (import), CJS (require on Node >= 20.19 / 22.12, else import()) and
#     TypeScript with "module": "nodenext" (.mts and .cts, tsc --noEmit),
# and prints the installed size (node_modules) of each; the sizes are recorded in BENCHMARKS.md.
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/travel-pack.XXXXXX")"
trap 'rm -rf "$WORK_DIR"' EXIT
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
TS_VERSION="$(node -p 'require(process.argv[1]).devDependencies.typescript' "$REPO_ROOT/package.json")"
NODE_TYPES_VERSION="$(node -p 'require(process.argv[1]).devDependencies["@types/node"]' "$REPO_ROOT/package.json")"

echo "pack-test: building"
(cd "$REPO_ROOT" && pnpm turbo run build --filter=@travel/booking... --filter=@travel/search... --output-logs=errors-only >/dev/null)

# TypeScript and Node's types, as a consumer has them (installed once, outside the apps).
echo "pack-test: typescript@$TS_VERSION and @types/node for the nodenext check"
mkdir -p "$WORK_DIR/tools"
(cd "$WORK_DIR/tools" && echo '{ "private": true }' > package.json &&
  npm install --no-audit --no-fund --loglevel=error "typescript@$TS_VERSION" "@types/node@$NODE_TYPES_VERSION")
TSC="$WORK_DIR/tools/node_modules/typescript/bin/tsc"

declare -A TARBALL
for pkg in core cache search booking; do
  out="$(cd "$REPO_ROOT/packages/$pkg" && pnpm pack --pack-destination "$WORK_DIR" | grep -E '\.tgz$' | tail -n 1)"
  TARBALL[$pkg]="$WORK_DIR/$(basename "$out")"
  [ -f "${TARBALL[$pkg]}" ] || { echo "pack-test: no tarball for $pkg" >&2; exit 1; }
done

# What each package needs from the workspace, and one export to call from each module system.
declare -A DEPS=([core]="core" [cache]="cache" [search]="core cache search" [booking]="core cache booking")
declare -A PROBE=([core]="toMinor" [cache]="createMemoryCache" [search]="createSearchService" [booking]="createBookingService")

SIZES=""
for pkg in core cache search booking; do
  app="$WORK_DIR/app-$pkg"
  mkdir -p "$app"
  cd "$app"
  echo '{ "name": "pack-test-app", "private": true, "type": "module" }' > package.json
  tarballs=()
  for dep in ${DEPS[$pkg]}; do tarballs+=("${TARBALL[$dep]}"); done
  echo "pack-test: @travel/$pkg: npm install ${DEPS[$pkg]}"
  npm install --no-audit --no-fund --loglevel=error "${tarballs[@]}"

  native="$(find node_modules -name '*.node' -o -name binding.gyp | grep -v -E 'msgpackr-extract' || true)"
  if [ -n "$native" ]; then
    echo "pack-test: @travel/$pkg installed native modules:" >&2
    echo "$native" >&2
    exit 1
  fi
  for unwanted in dynalite classic-level vitest; do
    if [ -d "node_modules/$unwanted" ]; then echo "pack-test: @travel/$pkg pulled in $unwanted" >&2; exit 1; fi
  done
  size_kb="$(du -sk node_modules | cut -f1)"
  packages="$(find node_modules -name package.json -path '*node_modules/*/package.json' -not -path '*/node_modules/*/node_modules/*/*/package.json' | wc -l)"

  probe="${PROBE[$pkg]}"
  cat > esm.mjs <<JS
import assert from "node:assert/strict";
import * as m from "@travel/$pkg";
assert.equal(typeof m.$probe, "function");
JS
  node esm.mjs
  cat > cjs.cjs <<JS
const assert = require("node:assert/strict");
if (process.features.require_module) {
  assert.equal(typeof require("@travel/$pkg").$probe, "function");
} else {
  import("@travel/$pkg").then((m) => assert.equal(typeof m.$probe, "function"));
}
JS
  node cjs.cjs
  cat > esm.mts <<TS
import { $probe } from "@travel/$pkg";
export const probe: typeof $probe = $probe;
TS
  cat > cjs.cts <<TS
import type * as M from "@travel/$pkg";
export async function load(): Promise<typeof M> {
  return import("@travel/$pkg");
}
TS
  # skipLibCheck off: the packed .d.ts files themselves must resolve under nodenext.
  cat > tsconfig.json <<JSON
{ "compilerOptions": { "module": "nodenext", "moduleResolution": "nodenext", "target": "es2022",
  "strict": true, "noEmit": true, "skipLibCheck": false, "types": ["node"],
  "typeRoots": ["$WORK_DIR/tools/node_modules/@types"] }, "files": ["esm.mts", "cjs.cts"] }
JSON
  node "$TSC" -p tsconfig.json
  SIZES="$SIZES  @travel/$pkg: $((size_kb / 1024)) MB installed ($size_kb KiB), $packages packages\n"
  echo "pack-test: @travel/$pkg OK (ESM, CJS, TypeScript nodenext; no native module)"
done
printf "pack-test: installed sizes under Node %s, npm %s:\n$SIZES" "$(node --version)" "$(npm --version)"
