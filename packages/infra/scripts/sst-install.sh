#!/usr/bin/env bash
# Prepare .sst/platform (SST's component sources + @pulumi/* packages) without SST's own
# downloads, so sst.config.ts can be type-checked offline and in CI. Idempotent.
#
# - SST's CLI normally downloads bun and Pulumi at start; we link the bun binary that the npm
#   package `bun` (a devDependency of @travel/infra) installed to ~/.config/sst/bin/bun and set
#   SST_SKIP_DEPENDENCY_CHECK=1. `sst install` itself only needs the npm registry.
# - `sst install` evaluates sst.config.ts's app() for a stage; SST_STAGE defaults to "dev".
# - `--if-missing` (what `pnpm test` / `pnpm typecheck` of @travel/infra run first): do nothing
#   when .sst/platform already matches the installed sst version.
set -euo pipefail

infra_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repo_root="$(cd "$infra_dir/../.." && pwd)"

if [[ "${1:-}" == "--if-missing" ]]; then
  wanted="$(node -p "require(\"$infra_dir/node_modules/sst/package.json\").version" 2>/dev/null || true)"
  if [[ -f "$repo_root/.sst/platform/config.d.ts" && -d "$repo_root/.sst/platform/node_modules/@pulumi/aws" &&
    "$(cat "$repo_root/.sst/platform/version" 2>/dev/null)" == "$wanted" ]]; then
    exit 0
  fi
  echo "sst-install: preparing SST's platform types in .sst/platform (offline, once)"
fi

bun_pkg_dir="$(cd "$infra_dir" && node -p 'require("node:path").dirname(require.resolve("bun/package.json"))')"
bun_bin="$bun_pkg_dir/bin/bun.exe"
if [[ ! -x "$bun_bin" ]]; then
  echo "sst-install: $bun_bin is missing: run 'pnpm install' (the bun package's postinstall places it)" >&2
  exit 1
fi
"$bun_bin" --version >/dev/null

sst_bin_dir="${HOME}/.config/sst/bin"
mkdir -p "$sst_bin_dir"
if [[ "$(readlink -f "$sst_bin_dir/bun" 2>/dev/null || true)" != "$(readlink -f "$bun_bin")" ]]; then
  ln -sfn "$bun_bin" "$sst_bin_dir/bun"
  echo "sst-install: linked $sst_bin_dir/bun -> $bun_bin"
fi

sst_cli="$infra_dir/node_modules/.bin/sst"
if [[ ! -x "$sst_cli" ]]; then
  echo "sst-install: $sst_cli is missing: run 'pnpm install'" >&2
  exit 1
fi

cd "$repo_root"
export SST_SKIP_DEPENDENCY_CHECK=1
export SST_TELEMETRY_DISABLED=1
export SST_STAGE="${SST_STAGE:-dev}"
# sst install is itself idempotent: it reinstalls only when the platform version or the
# providers in sst.config.ts changed.
# app() validates the deploy-time variables of the stage config; keep the shell's unrelated
# values (a test's LOG_LEVEL=SILENT, say) out of this offline install.
env -u LOG_LEVEL -u ALARM_EMAIL -u BUDGET_MONTHLY_USD -u CORS_ALLOW_ORIGINS "$sst_cli" install

if [[ ! -f "$repo_root/.sst/platform/config.d.ts" || ! -d "$repo_root/.sst/platform/node_modules/@pulumi/aws" ]]; then
  echo "sst-install: sst install finished but .sst/platform is incomplete" >&2
  exit 1
fi
echo "sst-install: .sst/platform ready ($(cat "$repo_root/.sst/platform/version"))"
