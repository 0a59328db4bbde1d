import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type ApiBundle, bundleApi } from "../bench/lambda/bundle.js";

/** The webhook sender's entry, as `src/stack/webhooks.ts` deploys it. */
const DELIVERY_FUNCTION = {
  handler: "packages/webhooks/src/handlers/delivery.handler",
  install: [],
};

/** Signing and sending: what only the delivery Lambda may carry. */
const deliveryOnly = (modules: readonly string[]) =>
  modules.filter(
    (m) =>
      /node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?standardwebhooks\//.test(m) ||
      /packages\/webhooks\/src\/(sender|signature|transport|local-worker|sqs)\.ts$/.test(m),
  );

// The esbuild settings of the stack (src/bundling.ts), as `pnpm bench:lambda` bundles them.
describe("what each Lambda ships", () => {
  const dirs: string[] = [];
  const bundle = async (fn?: {
    handler: string;
    install: readonly string[];
  }): Promise<ApiBundle> => {
    const dir = mkdtempSync(path.join(tmpdir(), "travel-lambda-bundle-"));
    dirs.push(dir);
    return bundleApi(dir, fn);
  };
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("the API registers endpoints, rotates secrets and queues test events, but carries no signing or delivery code", async () => {
    const [api, delivery] = await Promise.all([bundle(), bundle(DELIVERY_FUNCTION)]);
    // The sender's bundle has it all (so the check below can see these modules when present).
    expect(deliveryOnly(delivery.modules)).toEqual(
      expect.arrayContaining([
        expect.stringContaining("standardwebhooks/"),
        "packages/webhooks/src/sender.ts",
        "packages/webhooks/src/signature.ts",
        "packages/webhooks/src/transport.ts",
      ]),
    );
    // The API's has the endpoints' side of the module only.
    expect(api.modules).toEqual(
      expect.arrayContaining([
        "packages/webhooks/src/service.ts",
        "packages/webhooks/src/url-policy.ts",
        "packages/api/src/routes/webhooks.ts",
      ]),
    );
    expect(deliveryOnly(api.modules)).toEqual([]);
    expect(api.contributors.map(([name]) => name)).not.toContain("standardwebhooks");
  }, 120_000);

  it("the API carries zod's English messages only (patches/zod@4.6.7.patch), its own seed data only as tables", async () => {
    const api = await bundle();
    expect(api.modules.filter((m) => /\/zod\/v4\/locales\//.test(m))).toEqual([
      expect.stringMatching(/\/zod\/v4\/locales\/en-only\.js$/),
      expect.stringMatching(/\/zod\/v4\/locales\/en\.js$/),
    ]);
    // Neither the full airport table nor the seed's route planning: their small generated tables.
    expect(api.modules).not.toContain("packages/core/src/data/airports.json");
    expect(api.modules).not.toContain("packages/core/src/seed/routes.ts");
    expect(api.modules).toEqual(
      expect.arrayContaining([
        "packages/core/src/data/airport-zones.json",
        "packages/core/src/data/seed-network.json",
      ]),
    );
  }, 120_000);
});
