import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  statSync,
  symlinkSync,
} from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { API_FUNCTION, LAMBDA_NODEJS, LAMBDA_RUNTIME } from "../../src/bundling.js";

const repoRoot = path.resolve(import.meta.dirname, "../../../..");
const packagesDir = path.join(repoRoot, "packages");

/** What SST prepends to ESM Lambda bundles so CommonJS dependencies can still `require`. */
const ESM_BANNER = [
  `import { createRequire as topLevelCreateRequire } from 'module';`,
  `const require = topLevelCreateRequire(import.meta.url);`,
  `import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url";`,
  `const __filename = topLevelFileUrlToPath(import.meta.url);`,
  `const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url));`,
].join("\n");

export interface ShippedFile {
  /** Path inside the function's package. */
  name: string;
  bytes: number;
}

export interface ApiBundle {
  dir: string;
  /** The module Lambda imports (`index.mjs`). */
  entry: string;
  /** Everything in the function's package that runs or is read: code, chunks, installed packages. */
  shipped: ShippedFile[];
  shippedBytes: number;
  gzipBytes: number;
  /** Source maps SST adds to the package (`sourcemap: true`); never loaded without `--enable-source-maps`. */
  sourceMapBytes: number;
  /** Bytes of the minified output per input package, largest first. */
  contributors: [name: string, bytes: number][];
  /** Every source module the shipped code was built from (esbuild's metafile), repo-relative. */
  modules: string[];
  buildMs: number;
}

/**
 * Bundles the API handler the way the SST stack does (`src/bundling.ts`: entry, esbuild
 * settings, `install` packages left out of the bundle and copied beside it, `@aws-sdk/*` and
 * `@smithy/*` left to the runtime) into `dir`, and links the SDK packages the bundle imports from
 * the workspace to stand in for the copy the Lambda Node.js runtime provides. Another function of
 * the stack (`fn`: its handler and `install` packages) is bundled the same way.
 */
export async function bundleApi(
  dir: string,
  fn: { handler: string; install: readonly string[] } = API_FUNCTION,
): Promise<ApiBundle> {
  const [file, exportName] = fn.handler.split(".") as [string, string];
  if (exportName !== "handler") throw new Error(`unexpected handler ${fn.handler}`);
  const entryPoint = path.join(repoRoot, `${file}.ts`);
  const started = performance.now();
  const result = await build({
    entryPoints: { index: entryPoint },
    outdir: dir,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    target: LAMBDA_RUNTIME.runtime.replace("nodejs", "node").replace(".x", ""),
    format: LAMBDA_NODEJS.format,
    minify: LAMBDA_NODEJS.minify,
    sourcemap: LAMBDA_NODEJS.sourcemap,
    conditions: [...LAMBDA_NODEJS.conditions],
    mainFields: ["module", "main"],
    external: [...LAMBDA_NODEJS.external, ...fn.install],
    banner: { js: ESM_BANNER },
    metafile: true,
    logLevel: "warning",
  });
  const buildMs = performance.now() - started;

  const shipped: ShippedFile[] = [];
  let sourceMapBytes = 0;
  let gzipBytes = 0;
  const contributors = new Map<string, number>();
  const modules = new Set<string>();
  for (const [output, info] of Object.entries(result.metafile.outputs)) {
    const bytes = info.bytes;
    const name = path.relative(dir, path.resolve(output));
    if (name.endsWith(".map")) {
      sourceMapBytes += bytes;
      continue;
    }
    shipped.push({ name, bytes });
    gzipBytes += gzipSync(readFileSync(path.resolve(output)), { level: 9 }).length;
    for (const [input, { bytesInOutput }] of Object.entries(info.inputs)) {
      if (bytesInOutput > 0) modules.add(path.relative(repoRoot, path.resolve(input)));
      const owner = packageOf(input);
      contributors.set(owner, (contributors.get(owner) ?? 0) + bytesInOutput);
    }
  }

  // SST installs `nodejs.install` packages into the function's node_modules.
  for (const name of fn.install) {
    const source = findInstalled(name);
    const target = path.join(dir, "node_modules", name);
    cpSync(source, target, { recursive: true, dereference: true });
    for (const file of filesUnder(target)) {
      const bytes = statSync(file).size;
      const relative = path.relative(dir, file);
      if (relative.endsWith(".map")) sourceMapBytes += bytes;
      else {
        shipped.push({ name: relative, bytes });
        gzipBytes += gzipSync(readFileSync(file), { level: 9 }).length;
      }
    }
    const total = filesUnder(target)
      .filter((f) => !f.endsWith(".map"))
      .reduce((sum, f) => sum + statSync(f).size, 0);
    contributors.set(`${name} (installed)`, total);
  }

  // The runtime's AWS SDK v3 and its @smithy packages (/var/runtime/node_modules), linked from
  // the workspace.
  const sdk = new Set(
    Object.values(result.metafile.outputs)
      .flatMap((output) => output.imports)
      .filter(
        (imported) =>
          imported.external &&
          (imported.path.startsWith("@aws-sdk/") || imported.path.startsWith("@smithy/")),
      )
      .map((imported) => imported.path.split("/").slice(0, 2).join("/")),
  );
  // Packages loaded with `require("@aws-sdk/…")` (core's aws-sdk.ts) leave no import record.
  for (const output of Object.keys(result.metafile.outputs)) {
    if (!output.endsWith(".mjs")) continue;
    const code = readFileSync(path.resolve(output), "utf8");
    for (const [, name] of code.matchAll(/["'`]((?:@aws-sdk|@smithy)\/[a-z0-9-]+)["'`]/g)) {
      sdk.add(name as string);
    }
  }
  mkdirSync(path.join(dir, "node_modules/@aws-sdk"), { recursive: true });
  mkdirSync(path.join(dir, "node_modules/@smithy"), { recursive: true });
  for (const name of sdk) {
    symlinkSync(realpathSync(findInstalled(name)), path.join(dir, "node_modules", name), "dir");
  }

  return {
    dir,
    entry: path.join(dir, "index.mjs"),
    shipped,
    shippedBytes: shipped.reduce((sum, f) => sum + f.bytes, 0),
    gzipBytes,
    sourceMapBytes,
    contributors: [...contributors.entries()].sort((a, b) => b[1] - a[1]),
    modules: [...modules].sort(),
    buildMs,
  };
}

/** The npm package (or workspace package, or file) a bundle input belongs to. */
function packageOf(input: string): string {
  const match = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(input);
  if (match) return match[1] as string;
  if (input.includes("packages/")) {
    const [pkg, ...rest] = (input.split("packages/")[1] ?? "").split("/");
    // The data files of a workspace package are worth naming on their own.
    return rest.at(-1)?.endsWith(".json") ? `@travel/${pkg}/${rest.join("/")}` : `@travel/${pkg}`;
  }
  return input;
}

function findInstalled(name: string): string {
  const found = readdirSync(packagesDir)
    .map((pkg) => path.join(packagesDir, pkg, "node_modules", name))
    .find((candidate) => existsSync(candidate));
  if (!found) throw new Error(`bench:lambda: ${name} is not installed in any workspace package`);
  return found;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}
