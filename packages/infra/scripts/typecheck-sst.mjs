#!/usr/bin/env node
// Type-check sst.config.ts and the stack files against SST's component sources in .sst/platform.
//
// The platform ships TypeScript sources, so tsc checks them too, under this repo's stricter
// options (noUncheckedIndexedAccess, verbatimModuleSyntax, ...) and newer @types/node; those
// errors are SST's, not ours. They are counted and ignored; any error in another file fails.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = path.resolve(packageDir, "../..");
const platformDir = path.join(repoRoot, ".sst", "platform");

if (!existsSync(path.join(platformDir, "config.d.ts"))) {
  console.error(
    "typecheck-sst: .sst/platform is missing. Run `bash packages/infra/scripts/sst-install.sh` first.",
  );
  process.exit(1);
}

const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const result = spawnSync(process.execPath, [tsc, "-p", "tsconfig.sst.json", "--pretty", "false"], {
  cwd: packageDir,
  encoding: "utf8",
  maxBuffer: 64 * 1024 * 1024,
});
if (result.error) throw result.error;

const errors = [];
for (const line of `${result.stdout}${result.stderr}`.split("\n")) {
  if (line.trim() === "") continue;
  if (/^\s/.test(line) && errors.length > 0) {
    errors[errors.length - 1].text += `\n${line}`;
    continue;
  }
  const match = /^(.+?)\(\d+,\d+\): error TS\d+:/.exec(line);
  const file = match ? path.resolve(packageDir, match[1]) : undefined;
  errors.push({ file, text: line });
}

const isPlatform = (file) => file?.startsWith(platformDir + path.sep) === true;
const platformErrors = errors.filter((e) => isPlatform(e.file));
const ownErrors = errors.filter((e) => !isPlatform(e.file));

if (platformErrors.length > 0) {
  const files = new Set(platformErrors.map((e) => e.file));
  console.log(
    `typecheck-sst: ignored ${platformErrors.length} error(s) inside SST's platform sources (${files.size} files under .sst/platform).`,
  );
}
if (ownErrors.length > 0) {
  console.error(`typecheck-sst: ${ownErrors.length} error(s) in sst.config.ts / infra files:`);
  for (const e of ownErrors) console.error(e.text);
  process.exit(1);
}
if (result.status !== 0 && errors.length === 0) {
  console.error(`typecheck-sst: tsc exited with ${result.status} without reporting errors`);
  process.exit(1);
}
console.log(
  "typecheck-sst: sst.config.ts and packages/infra stack files type-check against .sst/platform",
);
