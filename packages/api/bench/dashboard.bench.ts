/**
 * `pnpm --filter @travel/api bench:dashboard`: what the live operations page costs a browser and
 * whether it costs the API Lambda anything.
 *
 * - Page weight: every file `GET /dashboard` loads (HTML, JS, CSS), as served, raw and gzipped.
 * - Time to first chart: a fresh browser context (empty cache) with the key already in the tab's
 *   sessionStorage opens `/dashboard`; the time from navigation start to the page's
 *   `dashboard:first-chart` mark (first live answer drawn), median of BENCH_RUNS (7). Debian's
 *   chromium (`CHROMIUM_PATH`, default /usr/bin/chromium) through playwright-core; the API runs
 *   in this process over the embedded engine and the in-process cache.
 * - The API Lambda's entry bundled as `pnpm --filter @travel/infra bench` bundles it: whether
 *   any of the page's or uPlot's code is inside (it must not be).
 */
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { serve } from "@hono/node-server";
import { build } from "esbuild";
import { chromium } from "playwright-core";
import { startTestApp } from "../test/harness.js";

// The AWS SDK's "node >=22 from 2027" notice is noise in a bench (Lambda runs 22): the SDK's
// own switch silences that one warning and no other (child processes inherit it).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const runs = Number(process.env.BENCH_RUNS ?? 7);
const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ASSETS = [
  ["html", "/dashboard"],
  ["js", "/dashboard/dashboard.js"],
  ["js", "/dashboard/uPlot.iife.min.js"],
  ["css", "/dashboard/dashboard.css"],
  ["css", "/dashboard/uPlot.min.css"],
] as const;

const t = await startTestApp();
const key = await t.createKey(["analytics"], { tenantId: "bench" });
const server = serve({ fetch: t.app.fetch, port: 0, hostname: "127.0.0.1" });
await new Promise<void>((resolve) => server.once("listening", resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const weight = { html: 0, js: 0, css: 0, gzip: 0 };
for (const [kind, path] of ASSETS) {
  const res = await fetch(`${base}${path}`, { headers: { "accept-encoding": "identity" } });
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
  const body = Buffer.from(await res.arrayBuffer());
  weight[kind] += body.length;
  weight.gzip += gzipSync(body).length;
}
const total = weight.html + weight.js + weight.css;

const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
const times: number[] = [];
for (let i = 0; i < runs; i++) {
  // bypassCSP: the page's policy has no 'unsafe-eval', and Playwright evaluates the string
  // predicates below with eval in the page (the page's own scripts run the same either way).
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    bypassCSP: true,
  });
  // Scripts as strings: tsx's transform would add helpers the browser does not have.
  await context.addInitScript({
    content: `sessionStorage.setItem("travel.dashboard.apiKey", ${JSON.stringify(key)});`,
  });
  const page = await context.newPage();
  await page.goto(`${base}/dashboard`);
  const mark = "performance.getEntriesByName('dashboard:first-chart')";
  await page.waitForFunction(`${mark}.length > 0`, undefined, { timeout: 30_000 });
  const ms = Number(await page.evaluate(`${mark}[0].startTime`));
  times.push(ms);
  await context.close();
}
await browser.close();
await new Promise<void>((resolve) => server.close(() => resolve()));
await t.close();
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)] ?? Number.NaN;

// The API Lambda's bundle, built like the infra bench builds it: does it carry the page?
const entry = fileURLToPath(new URL("../src/lambda.ts", import.meta.url));
const bundled = await build({
  entryPoints: [entry],
  bundle: true,
  write: false,
  platform: "node",
  target: "node22",
  format: "esm",
  minify: true,
  conditions: ["@travel/source"],
  mainFields: ["module", "main"],
  external: ["@aws-sdk/*"],
  outdir: join(tmpdir(), "dashboard-bench"),
  logLevel: "silent",
});
const bundleText = bundled.outputFiles.map((f) => f.text).join("\n");
const pageDir = fileURLToPath(new URL("../dashboard/", import.meta.url));
// Strings found only in the page's script and in uPlot's.
const markers = [
  readFileSync(join(pageDir, "dashboard.js"), "utf8").includes("dashboard:first-chart")
    ? "dashboard:first-chart"
    : "",
  "u-legend",
].filter(Boolean);
const carried = markers.filter((m) => bundleText.includes(m));

const kib = (bytes: number) => (bytes / 1024).toFixed(1);
console.log(
  `dashboard: page ${kib(total)} KiB (${kib(weight.gzip)} KiB gzip; html ${kib(weight.html)}, js ${kib(weight.js)}, css ${kib(weight.css)}), ` +
    `first chart ${Math.round(median)} ms median of ${runs} (cold cache; min ${Math.round(times[0] ?? 0)}, max ${Math.round(times.at(-1) ?? 0)}), ` +
    `api bundle carries page assets: ${carried.length > 0 ? `yes (${carried.join(", ")})` : "no"}`,
);
process.exit(0);
