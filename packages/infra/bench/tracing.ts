/**
 * `pnpm --filter @travel/infra bench:tracing`: what the API's tracing (packages/api/src/xray)
 * adds to a cold start. Bundles "register the tracer provider" with the stack's esbuild settings
 * (`src/bundling.ts`) and times fresh `node` processes importing it against ones importing an
 * empty bundle, interleaved, median of COLD_RUNS (15). `@opentelemetry/api` is counted here
 * although the API bundle already carries it for its spans.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, statSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { build } from "esbuild";
import { LAMBDA_NODEJS, LAMBDA_RUNTIME } from "../src/bundling.js";

const runs = Number(process.env.COLD_RUNS ?? 15);
const dir = mkdtempSync(path.join(tmpdir(), "bench-tracing-"));
const tracing = path.resolve(import.meta.dirname, "../../api/src/xray/tracing.ts");
const entries = {
  empty: "globalThis.registered = true;\n",
  tracing: `import { registerLambdaTracing } from ${JSON.stringify(tracing)};\nglobalThis.registered = registerLambdaTracing({ daemonAddress: "127.0.0.1:2000" });\n`,
};

const sizes: Record<string, number> = {};
for (const [name, source] of Object.entries(entries)) {
  writeFileSync(path.join(dir, `${name}.ts`), source);
  await build({
    entryPoints: [path.join(dir, `${name}.ts`)],
    outfile: path.join(dir, `${name}.mjs`),
    bundle: true,
    platform: "node",
    target: LAMBDA_RUNTIME.runtime.replace("nodejs", "node").replace(".x", ""),
    format: LAMBDA_NODEJS.format,
    minify: LAMBDA_NODEJS.minify,
    conditions: [...LAMBDA_NODEJS.conditions],
    mainFields: ["module", "main"],
    external: ["@aws-sdk/*"],
    nodePaths: [path.resolve(import.meta.dirname, "../../api/node_modules")],
    // SST's banner: CommonJS dependencies bundled into ESM may call `require`.
    banner: {
      js: "import { createRequire as topLevelCreateRequire } from 'module';const require = topLevelCreateRequire(import.meta.url);",
    },
    logLevel: "warning",
  });
  sizes[name] = statSync(path.join(dir, `${name}.mjs`)).size;
}

const times: Record<string, number[]> = { empty: [], tracing: [] };
for (let i = 0; i < runs; i++) {
  for (const name of Object.keys(times)) {
    const script = `const t = performance.now(); await import(${JSON.stringify(path.join(dir, `${name}.mjs`))}); process.stdout.write(String(performance.now() - t));`;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      encoding: "utf8",
    });
    times[name]?.push(Number(out));
  }
}
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const kib = ((sizes.tracing ?? 0) - (sizes.empty ?? 0)) / 1024;
const ms = median(times.tracing ?? []) - median(times.empty ?? []);
console.log(
  `tracing: +${kib.toFixed(0)} KiB minified, +${ms.toFixed(0)} ms cold import (median of ${runs}, load ${loadavg()[0]?.toFixed(1)} on ${process.platform}/${process.arch})`,
);
