/**
 * `pnpm structure`: the structure checks of issue 16, for anyone to run (and `pnpm lint` runs).
 *
 * - Lines of non-test TypeScript under `packages/{cache,search,api}/src` (`*.test.ts` excluded,
 *   every other line counted), against the limits the issue set (the counts when it was filed).
 * - Import cycles between source files of every package (`packages/<pkg>/src`, tests excluded),
 *   type-only imports and re-exports included; `@travel/<pkg>` imports resolve to that package's
 *   source entry (its `@travel/source` export).
 *
 * Exits 1 on any cycle; with `--strict`, also when a package is not under its limit.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

const root = path.resolve(import.meta.dirname, "..");
const packagesDir = path.join(root, "packages");
/** Lines of non-test `.ts` under `src` when issue 16 was filed; each must end lower. */
const LINE_LIMITS: Record<string, number> = { cache: 3_083, search: 3_504, api: 3_661 };

const isTest = (file: string) => file.endsWith(".test.ts");
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".d.ts"))
    .map((e) => path.join(e.parentPath, e.name))
    .filter((file) => !isTest(file))
    .sort();
}

const packages = readdirSync(packagesDir).filter((name) => {
  try {
    return statSync(path.join(packagesDir, name, "src")).isDirectory();
  } catch {
    return false;
  }
});

// 1. Line counts.
let overLimit = false;
console.log("non-test .ts lines under src (limit: lower than):");
for (const [pkg, limit] of Object.entries(LINE_LIMITS)) {
  const lines = sourceFiles(path.join(packagesDir, pkg, "src")).reduce(
    (sum, file) => sum + readFileSync(file, "utf8").split("\n").length - 1,
    0,
  );
  const ok = lines < limit;
  if (!ok) overLimit = true;
  console.log(`  ${pkg.padEnd(8)} ${String(lines).padStart(6)}  < ${limit}  ${ok ? "ok" : "OVER"}`);
}

// 2. Import cycles.
/** `@travel/<pkg>[/sub]` → the source file its `@travel/source` export names. */
function resolvePackage(specifier: string): string | undefined {
  const match = /^@travel\/([^/]+)(\/.+)?$/.exec(specifier);
  if (!match) return undefined;
  const dir = path.join(packagesDir, match[1] as string);
  const manifest = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as {
    exports?: Record<string, { "@travel/source"?: string }>;
  };
  const target = manifest.exports?.[`.${match[2] ?? ""}`]?.["@travel/source"];
  return target ? path.join(dir, target) : undefined;
}

function resolveRelative(from: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(from), specifier);
  const candidates = [
    base.replace(/\.js$/, ".ts"),
    base.replace(/\.mjs$/, ".mts"),
    `${base}.ts`,
    path.join(base, "index.ts"),
  ];
  return candidates.find((candidate) => {
    try {
      return statSync(candidate).isFile();
    } catch {
      return false;
    }
  });
}

const graph = new Map<string, string[]>();
for (const pkg of packages) {
  for (const file of sourceFiles(path.join(packagesDir, pkg, "src"))) {
    const info = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
    const targets = info.importedFiles
      .map(({ fileName }) =>
        fileName.startsWith(".") ? resolveRelative(file, fileName) : resolvePackage(fileName),
      )
      .filter((target): target is string => target !== undefined && !isTest(target));
    graph.set(file, [...new Set(targets)]);
  }
}

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
function cycles(): string[][] {
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    indexOf.set(node, index);
    low.set(node, index);
    index++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indexOf.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) as number, indexOf.get(next) as number));
      }
    }
    if (low.get(node) === indexOf.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || graph.get(node)?.includes(node)) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!indexOf.has(node)) visit(node);
  return found;
}

const found = cycles();
console.log(
  `import cycles among ${graph.size} source files of ${packages.length} packages (type-only imports included): ${found.length}`,
);
for (const component of found) {
  console.log(`  cycle: ${component.map((f) => path.relative(root, f)).join(" ↔ ")}`);
}

if (found.length > 0 || (process.argv.includes("--strict") && overLimit)) process.exit(1);
