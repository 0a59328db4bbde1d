import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { serve } from "@hono/node-server";
import openapiTS, { astToString } from "openapi-typescript";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSeededSlice } from "./fixtures.js";
import { startTestApp, type TestApp } from "./harness.js";

// Generated per run from the running app's /openapi.json (git-ignored), so the client can never
// describe another API than the one served.
const DIR = fileURLToPath(new URL("../.typed-client/", import.meta.url));

/** What an integrator writes with openapi-fetch over the generated `paths`: typed calls only. */
const CLIENT = `import createClient from "openapi-fetch";
import type { paths } from "./schema.js";

export async function tour(baseUrl: string, key: string, departureDate: string) {
  const client = createClient<paths>({ baseUrl, headers: { "x-api-key": key } });
  const health = await client.GET("/health");
  const search = await client.GET("/v1/flights/search", {
    params: { query: { origin: "JFK", destination: "LAX", departureDate, sort: "price", limit: 3 } },
  });
  const first = search.data?.data[0];
  // @ts-expect-error: origin must be a string (the generated types are checked, not any)
  void (() => client.GET("/v1/flights/search", { params: { query: { origin: 1, destination: "LAX", departureDate } } }));
  // @ts-expect-error: no such route
  void (() => client.GET("/v1/flights/nowhere"));
  const offer = first
    ? await client.GET("/v1/offers/{offerId}", { params: { path: { offerId: first.id } } })
    : undefined;
  const invalid = await client.GET("/v1/flights/search", {
    params: { query: { origin: "JFK", destination: "JFK", departureDate } },
  });
  return {
    health: health.response.status,
    search: { status: search.response.status, code: search.error?.code, count: search.data?.data.length },
    cheapest: first ? { id: first.id, amount: first.price.amount, carrier: first.carrier } : undefined,
    offerId: offer?.data?.id,
    invalid: { status: invalid.response.status, code: invalid.error?.code },
  };
}
`;

describe("a client generated from /openapi.json (openapi-typescript + openapi-fetch)", () => {
  let t: TestApp;
  let server: ReturnType<typeof serve>;
  let baseUrl: string;
  let key: string;
  const departureDate = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);

  beforeAll(async () => {
    t = await startTestApp();
    key = await t.createKey(["search"]);
    await loadSeededSlice(t.engine.db, {
      startDate: departureDate,
      days: 1,
      origin: "JFK",
      destination: "LAX",
    });
    server = serve({ fetch: t.app.fetch, port: 0, hostname: "127.0.0.1" });
    await new Promise<void>((done) => server.once("listening", () => done()));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((done) => server.close(() => done()));
    await t.close();
    rmSync(DIR, { recursive: true, force: true });
  });

  it("type-checks typed calls (and rejects wrong ones), then runs them against the running app", async () => {
    const doc = await (await fetch(`${baseUrl}/openapi.json`)).json();
    mkdirSync(DIR, { recursive: true });
    writeFileSync(
      `${DIR}schema.d.ts`,
      astToString(await openapiTS(doc as Parameters<typeof openapiTS>[0])),
    );
    writeFileSync(`${DIR}client.ts`, CLIENT);

    const program = ts.createProgram([`${DIR}client.ts`], {
      strict: true,
      noEmit: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      skipLibCheck: true,
      types: [],
    });
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    expect(diagnostics).toEqual([]);

    const { tour } = (await import(`${DIR}client.ts`)) as {
      tour(baseUrl: string, key: string, date: string): Promise<Record<string, unknown>>;
    };
    const result = await tour(baseUrl, key, departureDate);
    expect(result.health).toBe(200);
    expect(result.search).toMatchObject({ status: 200, count: expect.any(Number) });
    expect(result.cheapest).toMatchObject({
      id: expect.stringMatching(/^off_/),
      amount: expect.any(String),
    });
    expect(result.offerId).toBe((result.cheapest as { id: string }).id);
    expect(result.invalid).toEqual({ status: 422, code: "validation_failed" });
  });
});
