import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Hono } from "hono";
import type { AppEnv } from "../env.js";

/** Swagger UI assets served from the installed `swagger-ui-dist` package (no CDN, works offline). */
const ASSETS: Record<string, string> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "swagger-ui-standalone-preset.js": "text/javascript; charset=utf-8",
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Travel Platform API reference</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/swagger-ui-standalone-preset.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>`;

const INIT = `window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  persistAuthorization: false,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: "BaseLayout",
});`;

// Only same-origin scripts; Swagger UI needs inline styles and data: images.
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'";

/**
 * `GET /docs`: an interactive reference (Swagger UI) of `/openapi.json`. Assets are read from
 * `swagger-ui-dist` on first use and kept in memory. Deployed stages serve the assets from
 * their own Lambda (`static-lambda.ts`, which installs that package), not the API's.
 */
export function createDocsRoutes() {
  const router = new Hono<AppEnv>();
  const cache = new Map<string, string>();
  let assetDir: string | undefined;

  async function asset(name: string): Promise<string> {
    let body = cache.get(name);
    if (body === undefined) {
      assetDir ??= dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
      body = await readFile(join(assetDir, name), "utf8");
      cache.set(name, body);
    }
    return body;
  }

  router.get("/", (c) => c.html(PAGE, 200, { "content-security-policy": CSP }));
  router.get("/init.js", (c) =>
    c.body(INIT, 200, { "content-type": "text/javascript; charset=utf-8" }),
  );
  // One static route per asset rather than `/:asset`: a parameter next to the static
  // `/init.js` is a pattern Hono's RegExpRouter refuses, which made the whole app fall back to
  // the slower TrieRouter for every request.
  for (const [name, type] of Object.entries(ASSETS)) {
    router.get(`/${name}`, async (c) =>
      c.body(await asset(name), 200, {
        "content-type": type,
        "cache-control": "public, max-age=86400",
      }),
    );
  }
  return router;
}
