import { describe, expect, it } from "vitest";
import { seedNetwork } from "./network.js";
import { seedRoutes } from "./routes.js";

describe("seedNetwork", () => {
  it("is the seed's route network: every route of seedRoutes() with its flights a day, in order", () => {
    // On failure: the seed changed; run `pnpm --filter @travel/core seed-network:generate`.
    expect(seedNetwork()).toEqual(
      seedRoutes().map(({ origin, destination, dailyFlights }) => ({
        origin,
        destination,
        dailyFlights,
      })),
    );
  });
});
