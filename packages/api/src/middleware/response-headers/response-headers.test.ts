import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { AppEnv } from "../../env.js";
import {
  addVary,
  answer,
  appendVary,
  responseHeaders,
  SECURE_HEADERS,
  setResponseHeader,
} from "./index.js";

/** A small app: collected headers, one middleware adding its own, and routes of each kind. */
function app() {
  const built: Response[] = [];
  const a = new Hono<AppEnv>();
  a.use(responseHeaders());
  a.use(async (c, next) => {
    setResponseHeader(c, "x-request-id", "req-1");
    addVary(c, "Accept-Encoding");
    addVary(c, "Origin");
    addVary(c, "accept-encoding"); // listed once, whatever the case
    await next();
  });
  a.get("/answer", (c) => {
    const res = answer(c, '{"ok":true}', 200, "application/json", { "x-cache": "HIT" });
    built.push(res);
    return res;
  });
  a.get("/answer-fails", (c) => {
    const body = (): string => {
      throw new Error("building the body failed");
    };
    return answer(c, body(), 200, "application/json", { "x-cache": "HIT" });
  });
  a.get("/json", (c) => {
    c.header("vary", "Cookie");
    c.header("x-frame-options", "DENY"); // replaced, as Hono's secureHeaders would
    return c.json({ ok: true });
  });
  // As the API's problemResponse does: a fresh Response (Hono's c.body would copy the failed
  // answer's headers).
  a.onError(
    () =>
      new Response('{"code":"internal_error"}', {
        status: 500,
        headers: { "content-type": "application/problem+json" },
      }),
  );
  return { app: a, built };
}

describe("responseHeaders", () => {
  it("hands a hot answer its collected headers, its own and content-type, as one plain object", async () => {
    const { app: a, built } = app();
    const res = await a.request("/answer");
    expect(res.status).toBe(200);
    expect(built).toHaveLength(1);
    expect(res).toBe(built[0]); // not rebuilt on the way out
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.headers.get("x-cache")).toBe("HIT");
    expect(res.headers.get("x-request-id")).toBe("req-1");
    expect(res.headers.get("vary")).toBe("Accept-Encoding, Origin");
    for (const [name, value] of Object.entries(SECURE_HEADERS)) {
      expect(res.headers.get(name), name).toBe(value);
    }
  });

  it("sets them on any other answer after the handler: replacing same-named ones, adding to Vary", async () => {
    const res = await app().app.request("/json");
    expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    expect(res.headers.get("x-request-id")).toBe("req-1");
    expect(res.headers.get("vary")).toBe("Cookie, Accept-Encoding, Origin");
    expect(await res.json()).toEqual({ ok: true });
  });

  it("keeps a hot answer's own headers off the error when building it fails", async () => {
    const res = await app().app.request("/answer-fails");
    expect(res.status).toBe(500);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(res.headers.get("x-cache")).toBeNull();
    expect(res.headers.get("x-request-id")).toBe("req-1");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("says so when a middleware writes headers without responseHeaders mounted", async () => {
    const a = new Hono<AppEnv>();
    a.use((c, next) => {
      setResponseHeader(c, "x-request-id", "req-1");
      return next();
    });
    a.get("/", (c) => c.text("ok"));
    a.onError((error, c) => c.text(error.message, 500));
    const res = await a.request("/");
    expect(res.status).toBe(500);
    expect(await res.text()).toMatch(/responseHeaders\(\) must be mounted/);
  });
});

describe("appendVary", () => {
  it("adds a header name once, case-insensitively, and never next to *", () => {
    const h = new Headers();
    appendVary(h, "Origin");
    appendVary(h, "Accept-Encoding");
    appendVary(h, "origin");
    expect(h.get("vary")).toBe("Origin, Accept-Encoding");
    const star = new Headers({ vary: "*" });
    appendVary(star, "Origin");
    expect(star.get("vary")).toBe("*");
  });
});
