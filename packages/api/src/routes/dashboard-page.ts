import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Hono } from "hono";
import type { AppEnv } from "../env.js";

/** The page's own files (`packages/api/dashboard/`) and uPlot's, by the path they are served at. */
const ASSETS: Record<string, { from: "page" | "uplot"; file: string; type: string }> = {
  "dashboard.js": { from: "page", file: "dashboard.js", type: "text/javascript; charset=utf-8" },
  "dashboard.css": { from: "page", file: "dashboard.css", type: "text/css; charset=utf-8" },
  "uPlot.iife.min.js": {
    from: "uplot",
    file: "dist/uPlot.iife.min.js",
    type: "text/javascript; charset=utf-8",
  },
  "uPlot.min.css": { from: "uplot", file: "dist/uPlot.min.css", type: "text/css; charset=utf-8" },
};

// Same-origin scripts and data only; uPlot sizes its elements with inline styles.
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export interface DashboardPageOptions {
  /** Where the page's files are (default: `packages/api/dashboard`, beside `src`). */
  pageDir?: string;
}

/**
 * `GET /dashboard`: the live operations page, a static page whose figures come from
 * `GET /v1/analytics/live` called with the user's key. Nothing of it is imported: the files
 * are read from disk on first use (the page from `packages/api/dashboard`, the charts from the
 * installed `uplot` package) and kept in memory, so the API's JavaScript bundle does not grow
 * with them; a Lambda serving it ships those files beside the bundle.
 *
 * @example
 * app.route("/dashboard", createDashboardPageRoutes());
 */
export function createDashboardPageRoutes(options: DashboardPageOptions = {}) {
  const router = new Hono<AppEnv>();
  const pageDir = options.pageDir ?? fileURLToPath(new URL("../../dashboard/", import.meta.url));
  const cache = new Map<string, string>();
  let uplotDir: string | undefined;

  async function read(from: "page" | "uplot", file: string): Promise<string> {
    const key = `${from}:${file}`;
    let body = cache.get(key);
    if (body === undefined) {
      uplotDir ??= dirname(createRequire(import.meta.url).resolve("uplot/package.json"));
      body = await readFile(join(from === "page" ? pageDir : uplotDir, file), "utf8");
      cache.set(key, body);
    }
    return body;
  }

  router.get("/", async (c) =>
    c.html(await read("page", "index.html"), 200, {
      "content-security-policy": CSP,
      "cache-control": "no-cache",
    }),
  );
  // One static route per asset (a `/:asset` parameter would push Hono off its RegExpRouter).
  for (const [name, { from, file, type }] of Object.entries(ASSETS)) {
    router.get(`/${name}`, async (c) =>
      c.body(await read(from, file), 200, {
        "content-type": type,
        // The page's own files change with a deploy; uPlot only with the package.
        "cache-control": from === "uplot" ? "public, max-age=86400" : "no-cache",
      }),
    );
  }
  return router;
}
