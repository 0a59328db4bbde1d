import SwaggerParser from "@apidevtools/swagger-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./harness.js";

/** Every route of the public contract, with a concrete sample request. */
const CONTRACT: [method: string, sample: string][] = [
  ["get", "/health"],
  ["get", "/v1/flights/search?origin=JFK&destination=LAX&departureDate=2099-01-01"],
  ["get", "/v1/hotels/search?city=LHR&checkIn=2099-01-01&checkOut=2099-01-02"],
  ["get", "/v1/offers/off_01JD8X3Z5K7M9P1Q3R5T7V9X1Z"],
  ["post", "/v1/bookings"],
  ["get", "/v1/bookings/bkg_01JD8X3Z5K7M9P1Q3R5T7V9X1Z"],
  ["get", "/v1/bookings"],
  ["post", "/v1/bookings/bkg_01JD8X3Z5K7M9P1Q3R5T7V9X1Z/cancel"],
  ["patch", "/v1/admin/offers/off_01JD8X3Z5K7M9P1Q3R5T7V9X1Z"],
  ["post", "/v1/admin/api-keys"],
  ["get", "/v1/admin/api-keys?tenantId=t"],
  ["delete", "/v1/admin/api-keys/key_01JD8X3Z5K7M9P1Q3R5T7V9X1Z"],
  ["get", "/v1/analytics/summary?from=2026-01-01&to=2026-01-31"],
  ["get", "/v1/analytics/routes/JFK-LAX?from=2026-01-01&to=2026-01-31"],
];

/** Routes this package builds; they must always be documented. */
const API_ROUTES = [
  "get /health",
  "get /v1/flights/search",
  "get /v1/hotels/search",
  "get /v1/offers/{offerId}",
  "patch /v1/admin/offers/{offerId}",
  "post /v1/admin/api-keys",
  "get /v1/admin/api-keys",
  "delete /v1/admin/api-keys/{id}",
];

function templateMatches(template: string, path: string): boolean {
  const pattern = template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+");
  return new RegExp(`^${pattern}$`).test(path);
}

describe("OpenAPI document", () => {
  let t: TestApp;
  let doc: { openapi: string; paths: Record<string, Record<string, Record<string, unknown>>> };
  let allScopes: string;

  beforeAll(async () => {
    t = await startTestApp();
    allScopes = await t.createKey(["search", "book", "admin", "analytics"]);
    const res = await t.request("/openapi.json");
    expect(res.status).toBe(200);
    doc = (await res.json()) as typeof doc;
  });
  afterAll(async () => {
    await t.close();
  });

  it("is a valid OpenAPI 3.1 document", async () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
  });

  const documented = () =>
    Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));

  it("documents every route this package serves", () => {
    expect(documented()).toEqual(expect.arrayContaining(API_ROUTES));
  });

  it("documents only contract routes, and every contract route the app serves", async () => {
    for (const route of documented()) {
      const [method, template] = route.split(" ") as [string, string];
      const inContract = CONTRACT.some(
        ([m, sample]) => m === method && templateMatches(template, sample.split("?")[0] as string),
      );
      expect(inContract, `${route} is not in the contract`).toBe(true);
    }
    for (const [method, sample] of CONTRACT) {
      const res = await t.request(sample, {
        key: allScopes,
        method: method.toUpperCase(),
        ...(method === "get" || method === "delete"
          ? {}
          : { headers: { "content-type": "application/json" }, body: "{}" }),
      });
      const body = (res.headers.get("content-type")?.includes("json") ? await res.json() : {}) as {
        detail?: string;
      };
      const served =
        !(res.status === 404 && String(body.detail).startsWith("No route serves")) &&
        res.status !== 405;
      if (!served) continue;
      const path = sample.split("?")[0] as string;
      const isDocumented = Object.entries(doc.paths).some(
        ([template, ops]) => method in ops && templateMatches(template, path),
      );
      expect(isDocumented, `${method.toUpperCase()} ${path} is served but not documented`).toBe(
        true,
      );
    }
  });

  it("declares the x-api-key scheme on /v1 routes and problem+json error answers", () => {
    const search = doc.paths["/v1/flights/search"]?.get as {
      security: unknown;
      responses: Record<string, { content?: Record<string, unknown> }>;
      parameters: { name: string; in: string }[];
    };
    expect(search.security).toEqual([{ ApiKey: [] }]);
    expect(Object.keys(search.responses["422"]?.content ?? {})).toEqual([
      "application/problem+json",
    ]);
    expect(search.parameters.map((p) => p.name)).toEqual([
      "origin",
      "destination",
      "departureDate",
      "adults",
      "cabin",
      "maxStops",
      "maxPrice",
      "carriers",
      "sort",
      "limit",
      "cursor",
    ]);
    const health = doc.paths["/health"]?.get as { security?: unknown };
    expect(health.security).toBeUndefined();
  });
});
