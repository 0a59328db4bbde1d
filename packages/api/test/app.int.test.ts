import { startLocalEngine } from "@travel/core/local";
import { Hono } from "hono";
import { secureHeaders } from "hono/secure-headers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app.js";
import { loadConfig } from "../src/config.js";
import { createAppDeps } from "../src/deps.js";
import { dayFromToday } from "./fixtures.js";
import { readProblem, startTestApp, TEST_CURSOR_KEY, type TestApp } from "./harness.js";

describe("cross-cutting behaviour", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { CORS_ORIGINS: "https://app.example" } });
  });
  afterAll(async () => {
    await t.close();
  });

  it("echoes a sane x-request-id and replaces an unsafe one, on every answer", async () => {
    const echoed = await t.request("/health", {
      headers: { "x-request-id": "client-1.2:abc_DEF" },
    });
    expect(echoed.headers.get("x-request-id")).toBe("client-1.2:abc_DEF");

    const unsafe = await t.request("/nope", {
      headers: { "x-request-id": "<script>alert(1)</script>" },
    });
    const generated = unsafe.headers.get("x-request-id");
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    expect(await readProblem(unsafe)).toMatchObject({ code: "not_found", requestId: generated });

    const tooLong = await t.request("/health", { headers: { "x-request-id": "a".repeat(129) } });
    expect(tooLong.headers.get("x-request-id")).not.toBe("a".repeat(129));
  });

  it("answers unknown routes with 404 not_found and wrong methods with 405 and Allow", async () => {
    const missing = await t.request("/v2/anything");
    expect(missing.status).toBe(404);
    expect(await readProblem(missing)).toMatchObject({ code: "not_found", status: 404 });

    const wrongMethod = await t.request("/health", { method: "DELETE" });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toContain("GET");
    expect(await readProblem(wrongMethod)).toMatchObject({ status: 405 });
  });

  it("sends secure headers and CORS only to configured origins", async () => {
    const allowed = await t.request("/health", { headers: { origin: "https://app.example" } });
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://app.example");
    expect(allowed.headers.get("x-content-type-options")).toBe("nosniff");

    expect(allowed.headers.get("access-control-expose-headers")).toContain("ratelimit-remaining");
    expect(allowed.headers.get("vary")).toMatch(/origin/i);

    const other = await t.request("/health", { headers: { origin: "https://evil.example" } });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    expect(other.headers.get("vary")).toMatch(/origin/i);

    // Errors carry them too (the 401 of a missing key), and Vary lists each header once.
    const unauthorized = await t.request("/v1/flights/search?origin=JFK", {
      headers: { origin: "https://app.example" },
    });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get("access-control-allow-origin")).toBe("https://app.example");
    const vary = (unauthorized.headers.get("vary") ?? "").toLowerCase().split(/\s*,\s*/);
    expect(vary.filter((v) => v === "origin")).toHaveLength(1);
    expect(vary.filter((v) => v === "accept-encoding")).toHaveLength(1);

    const preflight = await t.request("/v1/flights/search", {
      method: "OPTIONS",
      headers: { origin: "https://app.example", "access-control-request-method": "GET" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-headers")).toContain("x-api-key");
  });

  it("puts security headers, request id, rate limit and Vary on every kind of answer, once", async () => {
    // The security headers are Hono's secureHeaders set, less CORP.
    const SECURE_HEADERS = Object.fromEntries(
      (
        await new Hono()
          .use(secureHeaders({ crossOriginResourcePolicy: false }))
          .get("/", (c) => c.body(null, 204))
          .request("/")
      ).headers,
    );
    expect(SECURE_HEADERS["x-frame-options"]).toBe("SAMEORIGIN");
    const key = await t.createKey(["search"]);
    const origin = { origin: "https://app.example" };
    const search = `/v1/flights/search?origin=JFK&destination=LAX&departureDate=${dayFromToday(9)}`;
    const answers = {
      search: await t.request(search, { key, headers: origin }),
      headSearch: await t.request(search, { key, method: "HEAD", headers: origin }),
      gzippedSearch: await t.request(search, {
        key,
        headers: { ...origin, "accept-encoding": "gzip" },
      }),
      unauthorized: await t.request(search, { headers: origin }),
      invalid: await t.request("/v1/flights/search?origin=JFK", { key, headers: origin }),
      health: await t.request("/health", { headers: origin }),
      wrongMethod: await t.request("/health", { method: "DELETE", headers: origin }),
      notFound: await t.request("/nope", { headers: origin }),
    };
    expect(answers.search.status).toBe(200);
    expect(answers.headSearch.status).toBe(200);
    expect(answers.gzippedSearch.headers.get("content-encoding")).toBe("gzip");
    expect(answers.unauthorized.status).toBe(401);
    expect(answers.invalid.status).toBe(422);
    expect(answers.wrongMethod.status).toBe(405);
    for (const [name, res] of Object.entries(answers)) {
      for (const [header, value] of Object.entries(SECURE_HEADERS)) {
        expect(res.headers.get(header), `${name}: ${header}`).toBe(value);
      }
      expect(res.headers.get("x-request-id"), name).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.headers.get("access-control-allow-origin"), name).toBe("https://app.example");
      const vary = (res.headers.get("vary") ?? "").toLowerCase().split(/\s*,\s*/);
      expect(
        vary.filter((v) => v === "origin"),
        name,
      ).toHaveLength(1);
      expect(
        vary.filter((v) => v === "accept-encoding"),
        name,
      ).toHaveLength(1);
    }
    for (const name of ["search", "headSearch", "gzippedSearch", "invalid"] as const) {
      expect(answers[name].headers.get("ratelimit-limit"), name).toMatch(/^\d+$/);
      expect(answers[name].headers.get("ratelimit-remaining"), name).toMatch(/^\d+$/);
    }
    for (const name of ["search", "headSearch", "gzippedSearch"] as const) {
      expect(answers[name].headers.get("x-cache"), name).toMatch(/^(HIT|MISS)$/);
    }
    expect(answers.search.headers.get("content-type")).toBe("application/json");
    expect(answers.headSearch.headers.get("content-type")).toBe("application/json");
    expect(await answers.headSearch.text()).toBe("");

    // A preflight is answered before compress and the routes: security headers and request id.
    const preflight = await t.request(search, {
      method: "OPTIONS",
      headers: { ...origin, "access-control-request-method": "GET" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    expect(preflight.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("compresses large JSON answers when the client accepts gzip", async () => {
    const res = await t.request("/openapi.json", { headers: { "accept-encoding": "gzip" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-encoding")).toBe("gzip");
  });

  it("reports health: ok with DynamoDB and the cache up", async () => {
    const res = await t.request("/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: "ok",
      checks: { dynamodb: "ok", cache: "ok" },
      breakers: {
        "inventory.search": "closed",
        "inventory.price": "closed",
      },
    });
  });

  it("serves an interactive reference at /docs from bundled assets (no CDN)", async () => {
    const page = await t.request("/docs");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('id="swagger-ui"');
    expect(html).not.toMatch(/https?:\/\//);
    for (const asset of ["/docs/swagger-ui-bundle.js", "/docs/swagger-ui.css", "/docs/init.js"]) {
      const res = await t.request(asset);
      expect(res.status, asset).toBe(200);
      expect((await res.text()).length, asset).toBeGreaterThan(100);
    }
    expect((await t.request("/docs/../../package.json")).status).toBe(404);
    expect((await t.request("/docs/swagger-ui-standalone-preset.js")).status).toBe(200);
    expect((await t.request("/docs/other.js")).status).toBe(404);
  });

  it("routes with Hono's RegExpRouter (every route pattern is one it accepts)", async () => {
    await t.request("/health");
    // SmartRouter picks the first router that accepts every route; one pattern RegExpRouter
    // refuses (e.g. `/docs/:asset` beside `/docs/init.js`) silently makes every request pay
    // the slower TrieRouter.
    expect((t.app.router as { name: string }).name).toBe("SmartRouter + RegExpRouter");
  });
});

describe("failures", () => {
  it("answers an unexpected error with 500 internal_error and no internals", async () => {
    const engine = await startLocalEngine();
    const deps = await createAppDeps(
      loadConfig({ LOG_LEVEL: "SILENT", CURSOR_SIGNING_KEY: TEST_CURSOR_KEY }),
      {
        dynamo: engine.clients,
        db: engine.db,
      },
    );
    const { plainKey } = await deps.apiKeys.create({
      tenantId: "t",
      name: "admin",
      scopes: ["keys", "search"],
      rateLimitPerMinute: 100,
      now: new Date(),
    });
    deps.apiKeys = {
      ...deps.apiKeys,
      create: async () => {
        throw new Error("connection to db-internal.local:8000 failed (password=hunter2)");
      },
    };
    const app = createApp(deps);
    try {
      const res = await app.request("/v1/admin/api-keys", {
        method: "POST",
        headers: { "x-api-key": plainKey, "content-type": "application/json" },
        body: JSON.stringify({ tenantId: "t", name: "n", scopes: ["search"] }),
      });
      expect(res.status).toBe(500);
      const text = await res.clone().text();
      expect(text).not.toMatch(/hunter2|db-internal|Error:|at .*\.ts/);
      expect(await readProblem(res)).toMatchObject({
        code: "internal_error",
        status: 500,
        requestId: res.headers.get("x-request-id"),
      });
    } finally {
      await deps.close();
      await engine.stop();
    }
  });

  it("health is 503 (dynamodb down) when DynamoDB is unreachable", async () => {
    const engine = await startLocalEngine();
    const t = await startTestApp({ engine });
    await engine.stop();
    try {
      const res = await t.request("/health");
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({
        status: "degraded",
        checks: { dynamodb: "down", cache: "ok" },
      });
    } finally {
      await t.close();
    }
  });
});

describe("DynamoDB outage", () => {
  it("answers 503 service_unavailable (never 500) for searches and key lookups while DynamoDB is down", async () => {
    const engine = await startLocalEngine();
    const t = await startTestApp({ engine });
    try {
      const cached = await t.createKey(["search"]);
      const fresh = await t.createKey(["search"]);
      const date = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);
      const path = `/v1/flights/search?origin=JFK&destination=LAX&departureDate=${date}`;
      // Warm the key lookup cache for one key, then take the table away.
      expect((await t.request(path, { key: cached })).status).toBe(200);
      await engine.stop();

      // A route not in the read model needs the table (cached routes keep answering).
      const search = await t.request(
        `/v1/flights/search?origin=LHR&destination=CDG&departureDate=${date}`,
        { key: cached },
      );
      expect(search.status).toBe(503);
      expect(await readProblem(search)).toMatchObject({ code: "service_unavailable", status: 503 });

      const auth = await t.request(path, { key: fresh });
      expect(auth.status).toBe(503);
      const problem = await readProblem(auth);
      expect(problem).toMatchObject({ code: "service_unavailable" });
      expect(JSON.stringify(problem)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
    } finally {
      await t.close();
    }
  });
});
