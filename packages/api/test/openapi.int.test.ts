import SwaggerParser from "@apidevtools/swagger-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSeededSlice } from "./fixtures.js";
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
  ["post", "/v1/webhooks"],
  ["get", "/v1/webhooks"],
  ["delete", "/v1/webhooks/whk_01JD8X3Z5K7M9P1Q3R5T7V9X1Z"],
  ["post", "/v1/webhooks/whk_01JD8X3Z5K7M9P1Q3R5T7V9X1Z/test"],
  ["post", "/v1/webhooks/whk_01JD8X3Z5K7M9P1Q3R5T7V9X1Z/rotate-secret"],
  ["get", "/v1/webhooks/whk_01JD8X3Z5K7M9P1Q3R5T7V9X1Z/deliveries"],
  // Beyond the contract: the live operations page's data (issue 23).
  ["get", "/v1/analytics/live"],
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
  "get /v1/analytics/live",
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
    allScopes = await t.createKey(["search", "book", "keys", "inventory", "analytics"]);
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
      "returnDate",
      "adults",
      "children",
      "infants",
      "cabin",
      "maxStops",
      "maxPrice",
      "maxTotalPrice",
      "carriers",
      "sort",
      "limit",
      "cursor",
    ]);
    // /health needs no key: an explicit empty requirement, not an omitted one.
    const health = doc.paths["/health"]?.get as { security?: unknown };
    expect(health.security).toEqual([]);
  });

  it("passes Redocly's recommended lint rules with no errors", async () => {
    const { createConfig, lintFromString } = await import("@redocly/openapi-core");
    const problems = await lintFromString({
      source: JSON.stringify(doc),
      absoluteRef: "openapi.json",
      config: await createConfig({ extends: ["recommended"] }),
    });
    const errors = problems
      .filter((p) => p.severity === "error")
      .map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer ?? "?"}`);
    expect(errors).toEqual([]);
  });

  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ method, path, op: op as unknown as Operation })),
    );

  it("names every operation once, carries a license", () => {
    const ids = operations().map(({ op }) => op.operationId);
    expect(ids.every((id) => typeof id === "string" && /^[a-z][A-Za-z0-9]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(doc.paths["/v1/flights/search"]?.get?.operationId).toBe("searchFlights");
    expect((doc as unknown as { info: { license: unknown } }).info.license).toEqual({
      name: "MIT",
      identifier: "MIT",
    });
  });

  it("shows each error status its own problem, never one validation_failed for all", () => {
    for (const { method, path, op } of operations()) {
      for (const [status, response] of Object.entries(op.responses)) {
        const media = response.content?.["application/problem+json"];
        if (!media) continue;
        const examples = Object.values(media.examples ?? {}).map((e) => e.value);
        expect(examples.length, `${method} ${path} ${status} has no example`).toBeGreaterThan(0);
        for (const example of examples) {
          expect(example.status, `${method} ${path} ${status}`).toBe(Number(status));
          expect(example.type).toBe(`urn:travel:problem:${example.code}`);
        }
      }
    }
    const booking = doc.paths["/v1/bookings"]?.post as unknown as Operation;
    const codes = (status: string) =>
      Object.values(
        booking.responses[status]?.content?.["application/problem+json"]?.examples ?? {},
      ).map((e) => e.value.code);
    expect(codes("401")).toEqual(["unauthorized"]);
    expect(codes("409")).toEqual(
      expect.arrayContaining(["sold_out", "price_changed", "idempotency_conflict"]),
    );
    expect(codes("422")).toEqual(["validation_failed"]);
  });

  it("gives request examples that succeed on the first try: a seeded route, future dates", async () => {
    const example = (path: string) =>
      Object.fromEntries(
        ((doc.paths[path]?.get as Operation | undefined)?.parameters ?? [])
          .filter((p) => p.in === "query" && p.example !== undefined)
          .map((p) => [p.name, String(p.example)]),
      );
    const flights = example("/v1/flights/search");
    expect(flights.origin).not.toBe(flights.destination);
    expect(flights.departureDate! > new Date().toISOString().slice(0, 10)).toBe(true);
    const hotels = example("/v1/hotels/search");
    expect(hotels.checkOut! > hotels.checkIn!).toBe(true);
    // The seeded inventory of those days on that route and in that city (what `pnpm start` loads).
    await loadSeededSlice(t.engine.db, {
      startDate: flights.departureDate!,
      days: 3,
      origin: flights.origin!,
      destination: flights.destination!,
      city: hotels.city!,
    });
    // Exactly what Swagger UI's "Try it out" sends with the examples filled in.
    for (const [path, query] of [
      ["/v1/flights/search", flights],
      ["/v1/hotels/search", hotels],
    ] as const) {
      const res = await t.request(`${path}?${new URLSearchParams(query)}`, { key: allScopes });
      expect(res.status, `${path}?${new URLSearchParams(query)}`).toBe(200);
      expect(((await res.json()) as { data: unknown[] }).data.length).toBeGreaterThan(0);
    }
  });

  it("uses a distinct instant for each example field", () => {
    const instants: string[] = [];
    const walk = (node: unknown, key: string) => {
      if (typeof node === "string" && /^\d{4}-\d{2}-\d{2}T/.test(node) && key !== "value")
        instants.push(`${key}=${node}`);
      else if (node && typeof node === "object")
        for (const [k, v] of Object.entries(node))
          walk(v, /^\d+$/.test(k) || k === "example" ? key : k);
    };
    walk((doc as unknown as { components: unknown }).components, "");
    const values = instants.map((i) => i.split("=")[1]);
    expect(instants.length).toBeGreaterThan(4);
    expect(new Set(values).size, instants.join(", ")).toBe(values.length);
  });
});

interface Operation {
  operationId?: string;
  parameters?: { name: string; in: string; example?: unknown }[];
  responses: Record<
    string,
    {
      content?: Record<
        string,
        { examples?: Record<string, { value: { status: number; code: string; type: string } }> }
      >;
    }
  >;
}
